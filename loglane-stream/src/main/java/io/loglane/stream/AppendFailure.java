package io.loglane.stream;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.FailureStreak;
import java.time.Instant;

/**
 * A lane's refusals to store appends for a reason of its own (disk full, I/O error, failed fsync),
 * as opposed to flow control (back-pressure) or bad input, since the last append it stored. See
 * {@link LaneStream#lastAppendFailure()}.
 *
 * @param reason {@link IngestRejectedException.Reason#DISK_FULL} or {@link IngestRejectedException.Reason#STORAGE_ERROR}
 *               of the latest refusal
 * @param streak the latest refusal's message (as the refused caller was told), how many appends were
 *               refused in a row and when the first of them was
 *
 * <p>Thread-safety: immutable.
 */
public record AppendFailure(IngestRejectedException.Reason reason, FailureStreak streak) {
    /** The failure after one more refusal: {@code previous} (may be null) extended. */
    public static AppendFailure after(AppendFailure previous, IngestRejectedException.Reason reason, String message, Instant now) {
        return new AppendFailure(reason, FailureStreak.after(previous == null ? null : previous.streak, message, now));
    }

    /** What failed last, as the refused caller was told. */
    public String message() { return streak.error(); }

    /** When the first refusal of the streak happened (the lane's clock). */
    public Instant since() { return streak.since(); }
}
