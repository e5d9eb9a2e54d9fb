package io.loglane.stream.local;

import io.loglane.core.audit.AuditChain;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordCursor;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit hash chain of one {@code audit_chain} lane (FORMAT.md, "Audit hash chain"): the head
 * (hash of the newest record), the stamping of each batch under the append lock, and the head's
 * recovery at start.
 *
 * <ul>
 *   <li>{@link #stamp}: writes the current head into the batch's chain hash field (the predecessor
 *       of its first record) and computes the head after its records into a second buffer;
 *       {@link #commit} makes that the head once the batch is written, so a failed write changes
 *       nothing.</li>
 *   <li>{@link #recover}: the head is the newer (by offset) of the last batch of the lane (its
 *       predecessor field and records hashed again) and {@code chain.head}, which the lane writes at
 *       start, at each segment roll and at close: it keeps the head when retention has removed
 *       every batch, and when a power loss took bytes of a disk lane the archive may already hold
 *       (taking the newer head means the chain never forks: a lost record shows as removed).</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; the lane calls it under its append lock (and at start/close).
 */
final class LaneChain {
    private static final Logger LOG = LoggerFactory.getLogger(LaneChain.class);
    /** The head file beside the lane's segments. */
    static final String HEAD_FILE = "chain.head";

    private final String lane;
    private final Path headFile;
    private final AuditChain chain = new AuditChain();
    private byte[] head = AuditChain.genesis();
    private byte[] pending = AuditChain.genesis();
    private long headOffset = -1;
    private long headReceivedMicros;
    private long pendingOffset;
    private long pendingReceivedMicros;

    LaneChain(String lane, Path laneDir) {
        this.lane = lane;
        this.headFile = laneDir.resolve(HEAD_FILE);
    }

    /** Under the append lock, once the base offset is known: see the class comment. */
    void stamp(EncodedBatch batch, long baseOffset, AppendRequest request) {
        BatchCodec.setChainHash(batch.bytes(), head);
        System.arraycopy(head, 0, pending, 0, AuditChain.HASH_BYTES);
        pendingOffset = hash(request.records(), baseOffset, tagBytes(request.tag()), micros(request.receivedAtNanos()), pending);
        pendingReceivedMicros = micros(request.receivedAtNanos());
    }

    /** Under the append lock, after the stamped batch was written: its last record is the head. */
    void commit() {
        byte[] old = head;
        head = pending;
        pending = old;
        headOffset = pendingOffset;
        headReceivedMicros = pendingReceivedMicros;
    }

    /** The head, or null before the lane's first chained record. */
    ChainHead head() {
        return headOffset < 0 ? null : new ChainHead(headOffset, head, headReceivedMicros);
    }

    /**
     * Hashes the records of a batch starting at {@code offset}, chaining from {@code into}'s content,
     * and leaves the last hash in {@code into}.
     *
     * @return the offset of the last record
     */
    private long hash(RecordBlock records, long offset, byte[] tag, long receivedMicros, byte[] into) {
        RecordCursor c = records.cursor();
        long off = offset;
        while (c.next()) {
            chain.next(into, 0, off++, receivedMicros, tag, c.array(), c.encodedStart(), c.encodedLength(), into, 0);
        }
        return off - 1;
    }

    /** At start, after recovery: see the class comment. Writes the head file when there is a head. */
    void recover(List<Segment> segments) throws IOException {
        ChainHead fromStream = lastBatchHead(segments);
        ChainHead fromFile = readHeadFile();
        ChainHead h = fromStream;
        if (fromFile != null && (h == null || fromFile.offset() > h.offset())) {
            if (h != null) {
                LOG.warn("lane {}: {} (offset {}) is ahead of the stream's last record (offset {}): the chain continues from it",
                        lane, HEAD_FILE, fromFile.offset(), h.offset());
            }
            h = fromFile;
        }
        if (h != null) {
            head = h.hash();
            headOffset = h.offset();
            headReceivedMicros = h.receivedAtMicros();
            writeHeadFile();
            LOG.info("lane {}: audit chain continues after offset {} (hash {})", lane, h.offset(), h.hashHex());
        }
    }

    /** Writes {@code chain.head} (atomically, durably) when there is a head; a failure is logged: the stream stays the source. */
    void writeHeadQuietly() {
        try {
            writeHeadFile();
        } catch (IOException e) {
            LOG.warn("lane {}: could not write {}: {}", lane, HEAD_FILE, e.toString());
        }
    }

    private void writeHeadFile() throws IOException {
        ChainHead h = head();
        if (h != null) {
            AtomicFiles.writeAtomically(headFile, h.encode());
        }
    }

    private ChainHead readHeadFile() {
        try {
            return ChainHead.decode(Files.readAllBytes(headFile), headFile.toString());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("lane {}: ignoring {}: {}", lane, HEAD_FILE, e.getMessage());
            return null;
        }
    }

    /** The head after the newest batch of the lane, or null when it has none or it is not chained. */
    private ChainHead lastBatchHead(List<Segment> segments) throws IOException {
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment s = segments.get(i);
            if (s.size() == 0) {
                continue;
            }
            BatchScanner scan = new BatchScanner(s.channel(), s.floorPosition(s.nextOffset() - 1), s.size(), true);
            BatchScanner.Batch last = null;
            while (scan.next() instanceof BatchScanner.Batch b) {
                last = new BatchScanner.Batch(b.position(), b.header(), java.util.Arrays.copyOf(b.bytes(), b.header().length()));
            }
            if (last == null || !last.header().hashChained()) {
                return null;
            }
            BatchHeader h = last.header();
            byte[] into = BatchCodec.chainHash(last.bytes(), 0);
            RecordBlock records;
            try {
                records = BatchCodec.records(last.bytes(), 0, h);
            } catch (CorruptBatchException e) {
                throw new IOException("lane " + lane + ": the last batch of " + s + " does not decode after recovery", e);
            }
            long micros = micros(h.receivedAtNanos());
            long lastOffset = hash(records, h.baseOffset(), tagBytes(h.tag()), micros, into);
            return new ChainHead(lastOffset, into, micros);
        }
        return null;
    }

    private static byte[] tagBytes(String tag) {
        return tag == null ? new byte[0] : tag.getBytes(StandardCharsets.UTF_8);
    }

    /** The arrival time as the archive's received_at column keeps it. */
    static long micros(long nanos) { return Math.floorDiv(nanos, 1000L); }
}
