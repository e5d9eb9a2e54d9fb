package io.loglane.stream.local;

import java.util.List;

/**
 * Result of {@link LaneInspector#check}.
 *
 * @param segments        segment files examined
 * @param batches         valid batches
 * @param records         records in valid batches
 * @param bytes           bytes of valid batches
 * @param corruptRegions  damaged byte ranges ("file@position+length: reason")
 * @param offsetGaps      breaks in the offset sequence between or inside segments
 * @param indexProblems   index files that are missing, stale or disagree with the log
 * @param checkpointProblems checkpoint files that are corrupt
 *
 * <p>Thread-safety: immutable.
 */
public record CheckReport(int segments, long batches, long records, long bytes, List<String> corruptRegions,
        List<String> offsetGaps, List<String> indexProblems, List<String> checkpointProblems) {
    public CheckReport {
        corruptRegions = List.copyOf(corruptRegions);
        offsetGaps = List.copyOf(offsetGaps);
        indexProblems = List.copyOf(indexProblems);
        checkpointProblems = List.copyOf(checkpointProblems);
    }

    /** True when no corruption, gap or checkpoint problem was found (index issues are only derived-file staleness). */
    public boolean ok() {
        return corruptRegions.isEmpty() && offsetGaps.isEmpty() && checkpointProblems.isEmpty();
    }
}
