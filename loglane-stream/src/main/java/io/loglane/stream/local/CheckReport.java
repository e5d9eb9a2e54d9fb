package io.loglane.stream.local;

import java.util.List;

/**
 * Result of {@link LaneInspector#check}, printed by {@code ./loglane stream check}.
 *
 * @param segments           segment files examined
 * @param batches            valid batches
 * @param records            records in valid batches
 * @param bytes              bytes of valid batches
 * @param corruptRegions     damaged byte ranges ("file@position+length: reason; readable offsets")
 * @param offsetErrors       segments whose offsets overlap the segment before them
 * @param gaps               offset ranges between segments that hold no records: left by a crash
 *                           recovery, which reported them; not an error (see FORMAT.md)
 * @param quarantined        {@code .quarantined} files (bytes a recovery set aside) with the offsets
 *                           their readable headers claim; not an error
 * @param indexProblems      index files that are missing, stale or disagree with the log
 * @param checkpointProblems checkpoint files that are corrupt
 *
 * <p>Thread-safety: immutable.
 */
public record CheckReport(int segments, long batches, long records, long bytes, List<String> corruptRegions,
        List<String> offsetErrors, List<String> gaps, List<String> quarantined, List<String> indexProblems,
        List<String> checkpointProblems) {
    public CheckReport {
        corruptRegions = List.copyOf(corruptRegions);
        offsetErrors = List.copyOf(offsetErrors);
        gaps = List.copyOf(gaps);
        quarantined = List.copyOf(quarantined);
        indexProblems = List.copyOf(indexProblems);
        checkpointProblems = List.copyOf(checkpointProblems);
    }

    /**
     * True when no corruption, offset error or checkpoint problem was found. Index issues are only
     * derived-file staleness; gaps and quarantined files are what an earlier recovery left, already
     * reported by it.
     */
    public boolean ok() {
        return corruptRegions.isEmpty() && offsetErrors.isEmpty() && checkpointProblems.isEmpty();
    }

    /** One line per finding, for people. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(segments).append(" segment(s), ").append(batches).append(" batch(es), ").append(records).append(" record(s), ")
                .append(bytes).append(" bytes\n");
        section(sb, "CORRUPT", corruptRegions);
        section(sb, "OFFSET ERROR", offsetErrors);
        section(sb, "gap (offsets without records, left by recovery)", gaps);
        section(sb, "quarantined", quarantined);
        section(sb, "index", indexProblems);
        section(sb, "CORRUPT CHECKPOINT", checkpointProblems);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String label, List<String> lines) {
        for (String l : lines) {
            sb.append(label).append(": ").append(l).append('\n');
        }
    }
}
