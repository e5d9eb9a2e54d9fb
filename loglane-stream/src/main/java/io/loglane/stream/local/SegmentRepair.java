package io.loglane.stream.local;

import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes that make one segment file match its {@link SegmentScan.Result}: quarantine the
 * dropped bytes, move the runs after them to segments of their own, cut the file. Shared by
 * start-up recovery ({@link LaneLoader}, passes 7 and 8, many segments at once) and by a running
 * lane that found a corrupt batch in a sealed segment ({@link LaneLog}, one segment). Both call the
 * steps in this order, with a directory fsync after each of the first three, so a process killed at
 * any step leaves a directory the next start-up recovers to the same result:
 * <ol>
 *   <li>{@link #deleteIndex}: a valid index would let the next start skip scanning the segment;</li>
 *   <li>{@link #copyOut}: quarantined bytes and moved runs are written (temp, fsync, rename);</li>
 *   <li>{@link #cut}: only now is the damaged file cut down (or replaced);</li>
 *   <li>{@link #open}: the resulting segments.</li>
 * </ol>
 *
 * <p>Thread-safety: stateless; the caller owns the segment file while it runs.
 */
final class SegmentRepair {
    private SegmentRepair() {}

    /** Step 1. @return whether an index file was there (the caller then fsyncs the directory) */
    static boolean deleteIndex(Path dir, long baseOffset) throws IOException {
        return Files.deleteIfExists(LaneFiles.indexFile(dir, baseOffset));
    }

    /**
     * Step 2: copies every dropped region to its {@code .quarantined} file (a torn tail only when
     * {@code sealed}: a sealed segment was complete, so a batch it "ends inside" is damage) and
     * every moved run to a segment file named after its first offset; a run replacing the whole
     * file stays at its temp name until {@link #cut}. Appends what it did to {@code drops} and
     * {@code created}. The caller fsyncs the directory afterwards.
     */
    static void copyOut(Path dir, Path file, SegmentScan.Result scan, boolean sealed, List<RecoveryReport.Drop> drops,
            List<String> created) throws IOException {
        String name = file.getFileName().toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (SegmentScan.Dropped d : scan.dropped()) {
                boolean torn = d.tornTail() && !sealed;
                String q = null;
                if (!torn) {
                    Path qf = LaneFiles.quarantineFile(file, d.position());
                    LaneFiles.copyAtomically(ch, d.position(), d.length(), qf);
                    q = qf.getFileName().toString();
                }
                int implausible = (int) d.headers().stream().filter(h -> !h.plausible()).count();
                drops.add(new RecoveryReport.Drop(name, d.position(), d.length(), torn, d.reason(),
                        SegmentScan.offsetRanges(d.headers()), implausible, q));
            }
            for (SegmentScan.Run r : scan.movedRuns()) {
                boolean replacing = r.baseOffset() == scan.baseOffset();
                Path target = LaneFiles.logFile(dir, r.baseOffset());
                if (replacing) {
                    LaneFiles.copyDurably(ch, r.position(), r.length(), AtomicFiles.tempFile(target));
                } else {
                    LaneFiles.copyAtomically(ch, r.position(), r.length(), target);
                }
                created.add(target.getFileName() + (replacing ? " (rewritten)" : "") + " with offsets [" + r.baseOffset()
                        + ", " + r.nextOffset() + ") from bytes [" + r.position() + ", " + r.end() + ") of " + name);
            }
        }
    }

    /**
     * Step 3: truncates the file to its in-place run (fsync) or renames the rewritten copy over it.
     * The caller fsyncs the directory afterwards.
     */
    static void cut(Path file, SegmentScan.Result scan) throws IOException {
        SegmentScan.Run in = scan.inPlace();
        if (scan.replacement() != null) {
            Files.move(AtomicFiles.tempFile(file), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(in == null ? 0 : in.length());
                ch.force(true);
            }
        }
    }

    /**
     * Step 4: the segments the file's kept batches form after {@link #cut}, in offset order: the
     * in-place run (or an empty segment when nothing intact starts the file and nothing replaces
     * it, so the lane's start offset stays put), then the moved runs. Index files are not written.
     */
    static List<Segment> open(Path dir, SegmentScan.Result scan, int indexIntervalBytes, ChannelOpener opener) throws IOException {
        List<Segment> out = new ArrayList<>();
        long base = scan.baseOffset();
        SegmentScan.Run in = scan.inPlace();
        if (in != null) {
            out.add(Segment.open(dir, base, in.index(), in.length(), in.nextOffset(), in.maxReceivedAtNanos(), opener));
        } else if (scan.replacement() == null) {
            out.add(Segment.open(dir, base, new SegmentIndex(indexIntervalBytes), 0, base, Long.MIN_VALUE, opener));
        }
        for (SegmentScan.Run r : scan.movedRuns()) {
            out.add(Segment.open(dir, r.baseOffset(), r.index(), r.length(), r.nextOffset(), r.maxReceivedAtNanos(), opener));
        }
        return out;
    }
}
