package io.loglane.stream.local;

import java.util.List;

/**
 * What start-up found and changed in one lane directory. Logged by {@link LaneLoader} (WARN
 * "recovered with loss" when anything was dropped) and exposed through
 * {@link LocalStream#recoveryReports()} so the app can print it. What stays on disk afterwards
 * (quarantined bytes, offset gaps) is also shown by {@code ./loglane stream check}
 * ({@link LaneInspector#check}).
 *
 * @param lane               lane name
 * @param cleanShutdown      whether the clean-shutdown marker was present (tail scan skipped)
 * @param firstStart         whether the lane directory held no segment yet: no earlier run, so
 *                           nothing to recover (and no clean-shutdown marker to miss)
 * @param segments           segments loaded
 * @param tempFilesDeleted   leftover temp or orphan files removed (names)
 * @param indexesRebuilt     segments whose index file was missing or unusable, with why
 * @param drops              byte ranges recovery removed from segments, in file and byte order
 * @param segmentsCreated    segment files recovery wrote: the intact batches after a damaged region
 *                           (moved to a segment of their own, named after their first offset), or
 *                           an empty segment where the next offset had to jump
 * @param quarantined        whole segments set aside (renamed {@code .quarantined}) because their
 *                           offsets overlap the segment before them
 * @param gaps               offset ranges that hold no records, between consecutive segments
 * @param checkpointProblems consumer checkpoints that were corrupt and are treated as absent
 * @param startOffset        oldest offset held after recovery
 * @param endOffset          next offset after recovery
 *
 * <p>Thread-safety: immutable.
 */
public record RecoveryReport(
        String lane,
        boolean cleanShutdown,
        boolean firstStart,
        int segments,
        List<String> tempFilesDeleted,
        List<String> indexesRebuilt,
        List<Drop> drops,
        List<String> segmentsCreated,
        List<String> quarantined,
        List<Gap> gaps,
        List<String> checkpointProblems,
        long startOffset,
        long endOffset) {

    public RecoveryReport {
        tempFilesDeleted = List.copyOf(tempFilesDeleted);
        indexesRebuilt = List.copyOf(indexesRebuilt);
        drops = List.copyOf(drops);
        segmentsCreated = List.copyOf(segmentsCreated);
        quarantined = List.copyOf(quarantined);
        gaps = List.copyOf(gaps);
        checkpointProblems = List.copyOf(checkpointProblems);
    }

    /**
     * Offsets {@code [from, to)} claimed by batch headers that could still be read in dropped bytes
     * (contiguous headers merged). Headers are not covered by the CRC, so these are claims.
     *
     * @param batches headers merged into the range
     */
    public record OffsetRange(long from, long to, int batches) {
        public long records() { return to - from; }

        @Override
        public String toString() {
            return "[" + from + ", " + to + ") (" + records() + " records in " + batches + " batch(es))";
        }
    }

    /**
     * Bytes removed from a segment.
     *
     * @param file               segment file name
     * @param position           first byte removed
     * @param bytes              bytes removed
     * @param tornTail           true for the incomplete last batch of an interrupted write (cut off);
     *                           false for damage, whose bytes were copied to {@code quarantinedAs}
     * @param reason             why the bytes were rejected
     * @param readable           offsets claimed by the headers still readable in the bytes
     * @param implausibleHeaders further readable headers whose base offsets cannot be right
     * @param quarantinedAs      file holding a copy of the bytes, or null for a torn tail
     */
    public record Drop(String file, long position, long bytes, boolean tornTail, String reason, List<OffsetRange> readable,
            int implausibleHeaders, String quarantinedAs) {
        public Drop {
            readable = List.copyOf(readable);
        }

        /** Records the readable headers claim. */
        public long records() {
            return readable.stream().mapToLong(OffsetRange::records).sum();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(tornTail ? "TORN TAIL " : "DROPPED ").append(file).append(" bytes [").append(position).append(", ")
                    .append(position + bytes).append(") (").append(bytes).append(" bytes").append(tornTail ? ", truncated" : "")
                    .append("): ").append(reason).append("; readable: ");
            sb.append(readable.isEmpty() ? "no header" : "offsets " + String.join(", ", readable.stream().map(OffsetRange::toString).toList()));
            if (implausibleHeaders > 0) {
                sb.append(" and ").append(implausibleHeaders).append(" header(s) with implausible offsets");
            }
            if (quarantinedAs != null) {
                sb.append("; quarantined as ").append(quarantinedAs);
            }
            return sb.toString();
        }
    }

    /**
     * Offsets {@code [from, to)} with no records: never handed out again.
     *
     * @param cause  why they are empty
     * @param newGap true when this recovery made the gap (records were dropped, or the next offset
     *               was raised), false when the segment files already left it
     */
    public record Gap(long from, long to, String cause, boolean newGap) {
        @Override
        public String toString() {
            return "[" + from + ", " + to + ") " + cause;
        }
    }

    /** True when nothing was dropped, quarantined, found corrupt or newly skipped. */
    public boolean lossless() {
        return drops.isEmpty() && quarantined.isEmpty() && checkpointProblems.isEmpty() && gaps.stream().noneMatch(Gap::newGap);
    }

    /** Total bytes removed from segments. */
    public long bytesDropped() {
        return drops.stream().mapToLong(Drop::bytes).sum();
    }

    /** One human-readable paragraph. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("lane ").append(lane).append(": ").append(segments).append(" segment(s), offsets ")
                .append(startOffset).append("..").append(endOffset)
                .append(cleanShutdown ? ", clean shutdown" : firstStart ? ", first start" : ", unclean shutdown (tail scanned)");
        if (!tempFilesDeleted.isEmpty()) sb.append("; deleted leftovers ").append(tempFilesDeleted);
        if (!indexesRebuilt.isEmpty()) sb.append("; rebuilt indexes ").append(indexesRebuilt);
        for (Drop d : drops) {
            sb.append("; ").append(d);
        }
        if (!segmentsCreated.isEmpty()) sb.append("; NEW SEGMENTS ").append(segmentsCreated);
        if (!quarantined.isEmpty()) sb.append("; QUARANTINED ").append(quarantined);
        if (!gaps.isEmpty()) sb.append("; OFFSET GAPS ").append(gaps);
        if (!checkpointProblems.isEmpty()) sb.append("; CORRUPT CHECKPOINTS (treated as absent) ").append(checkpointProblems);
        return sb.toString();
    }
}
