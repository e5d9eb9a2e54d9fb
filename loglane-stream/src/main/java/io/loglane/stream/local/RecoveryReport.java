package io.loglane.stream.local;

import java.util.List;

/**
 * What start-up found and changed in one lane directory. Logged by {@link LaneLog#start()} and
 * exposed through {@link LocalStream#recoveryReports()} so the app can print it.
 *
 * @param lane               lane name
 * @param cleanShutdown      whether the clean-shutdown marker was present (tail scan skipped)
 * @param segments           segments loaded
 * @param tempFilesDeleted   leftover temp or orphan files removed (names)
 * @param indexesRebuilt     segments whose index file was missing or unusable, with why
 * @param truncations        damage cut off segment tails
 * @param quarantined        segments set aside (renamed {@code .quarantined}) because an earlier
 *                           segment had to be truncated, which would otherwise leave an offset gap
 * @param checkpointProblems consumer checkpoints that were corrupt and are treated as absent
 * @param startOffset        oldest offset held after recovery
 * @param endOffset          next offset after recovery
 *
 * <p>Thread-safety: immutable.
 */
public record RecoveryReport(
        String lane,
        boolean cleanShutdown,
        int segments,
        List<String> tempFilesDeleted,
        List<String> indexesRebuilt,
        List<Truncation> truncations,
        List<String> quarantined,
        List<String> checkpointProblems,
        long startOffset,
        long endOffset) {

    public RecoveryReport {
        tempFilesDeleted = List.copyOf(tempFilesDeleted);
        indexesRebuilt = List.copyOf(indexesRebuilt);
        truncations = List.copyOf(truncations);
        quarantined = List.copyOf(quarantined);
        checkpointProblems = List.copyOf(checkpointProblems);
    }

    /**
     * Bytes cut off the end of a segment.
     *
     * @param file           segment file name
     * @param position       byte position the file was truncated to
     * @param bytesDropped   bytes removed
     * @param batchesDropped batches removed: the damaged one plus any still-framed batches after it
     *                       (counted by walking length fields; a lower bound when framing is gone)
     * @param firstLostOffset offset the first dropped batch would have had
     * @param reason         why the batch at {@code position} was rejected
     */
    public record Truncation(String file, long position, long bytesDropped, int batchesDropped, long firstLostOffset, String reason) {}

    /** True when nothing was dropped, quarantined or found corrupt. */
    public boolean lossless() {
        return truncations.isEmpty() && quarantined.isEmpty() && checkpointProblems.isEmpty();
    }

    /** Total bytes dropped by truncation. */
    public long bytesDropped() {
        return truncations.stream().mapToLong(Truncation::bytesDropped).sum();
    }

    /** One human-readable paragraph. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("lane ").append(lane).append(": ").append(segments).append(" segment(s), offsets ")
                .append(startOffset).append("..").append(endOffset)
                .append(cleanShutdown ? ", clean shutdown" : ", unclean shutdown (tail scanned)");
        if (!tempFilesDeleted.isEmpty()) sb.append("; deleted leftovers ").append(tempFilesDeleted);
        if (!indexesRebuilt.isEmpty()) sb.append("; rebuilt indexes ").append(indexesRebuilt);
        for (Truncation t : truncations) {
            sb.append("; TRUNCATED ").append(t.file()).append(" at byte ").append(t.position()).append(": dropped ")
                    .append(t.bytesDropped()).append(" bytes, ").append(t.batchesDropped()).append(" batch(es) from offset ")
                    .append(t.firstLostOffset()).append(" (").append(t.reason()).append(')');
        }
        if (!quarantined.isEmpty()) sb.append("; QUARANTINED ").append(quarantined);
        if (!checkpointProblems.isEmpty()) sb.append("; CORRUPT CHECKPOINTS (treated as absent) ").append(checkpointProblems);
        return sb.toString();
    }
}
