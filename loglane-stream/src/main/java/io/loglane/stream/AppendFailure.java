package io.loglane.stream;

import io.loglane.core.ingest.IngestRejectedException;
import java.time.Instant;

/**
 * A lane's most recent refusal to store an append for a reason of its own (disk full, I/O error,
 * failed fsync), as opposed to flow control (back-pressure) or bad input. See
 * {@link LaneStream#lastAppendFailure()}.
 *
 * @param at      when it happened (the lane's clock)
 * @param reason  {@link IngestRejectedException.Reason#DISK_FULL} or {@link IngestRejectedException.Reason#STORAGE_ERROR}
 * @param message what failed, as the refused caller was told
 */
public record AppendFailure(Instant at, IngestRejectedException.Reason reason, String message) {}
