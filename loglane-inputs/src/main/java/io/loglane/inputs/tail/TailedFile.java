package io.loglane.inputs.tail;

import io.loglane.core.ingest.ChunkIds;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.lifecycle.Pausable;
import io.loglane.inputs.admission.SourceBackPressure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One file being tailed: its open channel (kept open through renames and deletion, so the rest of
 * a rotated file is still read), its identity, and its read position in two parts: {@link #offset}
 * (everything before it is accepted by the stream) and the batch in flight {@code [offset,
 * pendingEnd)}, which becomes accepted only when the stream acknowledges it. At most one batch per
 * file is in flight, so the position is always one range.
 *
 * <p>It is a {@link Pausable}: back-pressure pauses it (nothing more is read from it) while a
 * refused batch waits to be retried.
 *
 * <p>Thread-safety: confined to the tailer thread.
 */
final class TailedFile implements Pausable {
    final FileIdentity id;
    final FileChannel channel;
    final String tag;
    final Source source;
    final byte[] recordPrefix;
    /** Where the file was last matched; a rotated file keeps the path it had. */
    Path path;
    /** Where the file was first found: the name its rotated successors are named after. */
    final Path firstPath;
    Fingerprint fingerprint;
    long offset;
    boolean skipping;
    /** The batch in flight or waiting to be (re)sent, with where it ends; null / -1 when none. */
    IngestRequest pending;
    long pendingEnd = -1;
    /** The file whose identity the pending batch's chunk id names: this one, or the original a copy re-sends a range of. */
    FileIdentity pendingOf;
    boolean pendingSkipping;
    /** True while the stream has {@link #pending} and has not answered. */
    boolean inFlight;
    boolean paused;
    /** No glob matches the file any more (renamed away, deleted, link retargeted): read to its end, then released. */
    boolean gone;
    boolean queued;
    /** Size at the last poll, and when the size last changed (tailer clock, nanoseconds). */
    long lastSize;
    /** The largest size this generation was seen with (intact): what a truncation may have taken. */
    long seenSize;
    long lastGrowthNanos;
    /** The remembered position this file was resumed from (its pending range is re-sent first); null for a new file. */
    TailPosition resumedFrom;
    SourceTally tally;
    SourceBackPressure waits;
    /** The decoder of a container format's lines; null for plain lines. */
    LineFormat.FileLines lines;

    /** Where a multiline event open at the end of a read is held back, and since when ({@link MultilineHold}). */
    final MultilineHold.State held = new MultilineHold.State();

    TailedFile(FileIdentity id, FileChannel channel, Path path, Fingerprint fingerprint, long offset, boolean skipping,
               String input, String tag, long nowNanos) {
        this.id = id;
        this.channel = channel;
        this.path = path;
        this.firstPath = path;
        this.fingerprint = fingerprint;
        this.offset = offset;
        this.skipping = skipping;
        this.tag = tag;
        this.source = new Source(input, path + " (" + id + ")");
        this.recordPrefix = LineRecords.sourcePrefix(path.toString());
        this.lastGrowthNanos = nowNanos;
    }

    /** Marks this file as resumed from {@code p}. */
    TailedFile resumed(TailPosition p) {
        resumedFrom = p;
        return this;
    }

    @Override
    public void pause() { paused = true; }

    @Override
    public void resume() { paused = false; }

    boolean isOpen() { return channel.isOpen(); }

    /** The chunk id of the range {@code [start, end)}: the file's identity and fingerprint, and the range. */
    String chunkId(String input, long start, long end) {
        return chunkId(input, id, fingerprint, start, end);
    }

    /** The chunk id of the range {@code [start, end)} of the file generation {@code id} + {@code fingerprint}. */
    static String chunkId(String input, FileIdentity id, Fingerprint fingerprint, long start, long end) {
        return ChunkIds.tail(input, id + ":" + fingerprint, start, end);
    }

    /**
     * Makes {@code request}, the lines of {@code [offset, end)}, the pending batch. The fingerprint
     * is not re-taken while a batch is pending: the chunk id, and its record in the positions
     * file, name the fingerprint they were made with.
     */
    void pend(IngestRequest request, long end, boolean endSkipping) {
        pend(request, end, endSkipping, id);
    }

    /** As {@link #pend(IngestRequest, long, boolean)}, for a batch whose chunk id names the file {@code of}. */
    void pend(IngestRequest request, long end, boolean endSkipping, FileIdentity of) {
        pendingOf = of;
        pending = request;
        pendingEnd = end;
        pendingSkipping = endSkipping;
    }

    /** The stream accepted the pending batch: the position moves past it. */
    void accepted() {
        offset = pendingEnd;
        skipping = pendingSkipping;
        clearPending();
    }

    void clearPending() {
        pending = null;
        pendingEnd = -1;
        pendingSkipping = false;
    }

    /** Starts over at byte 0 (the file was truncated or now holds another file); a pending batch is dropped. */
    void restartAtZero() throws IOException {
        offset = 0;
        skipping = false;
        seenSize = 0;
        clearPending();
        fingerprint = Fingerprint.of(channel);
    }

    /** The batch's source position: device, inode and the end offset (FORMAT.md). */
    static byte[] sourcePosition(FileIdentity id, long end) {
        return ByteBuffer.allocate(24).putLong(id.dev()).putLong(id.ino()).putLong(end).array();
    }

    TailPosition position() {
        return new TailPosition(id, fingerprint, offset, pendingEnd, skipping, path.toString(), pendingEnd >= 0 ? pendingOf : id);
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a read-only channel has nothing to flush
        }
    }
}
