package io.loglane.inputs.tail;

import io.loglane.core.config.InputSpec;
import io.loglane.core.config.ReadingKeys;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.multiline.MultilineJoiner;
import io.loglane.core.multiline.MultilineRules;
import io.loglane.core.parse.MultilineSpec;
import java.time.Clock;
import java.time.Duration;

/**
 * Multiline across reads for a file input with {@code multiline:} rules: decides how many records
 * of a read go into its batch, so that an event (a stack trace) whose last lines are not written yet
 * is not stored in two pieces. The router joins each batch's lines by the same rules (the input's
 * {@code multiline}, {@link io.loglane.core.config.ReadingKeys}); this class only ends the batch
 * before the events still open at its end ({@link MultilineJoiner#openFrom}), so the next read
 * starts with their first line and reads them whole with what followed.
 *
 * <h2>Crash-safety</h2>
 * Held lines are never consumed: the batch, its chunk id and the persisted read position end
 * before them (FORMAT.md beside this class). A {@code kill -9} while lines are held loses nothing;
 * after the restart they are read again from the file. Memory: nothing is buffered, so the number
 * and size of open events is bounded by the read block (and by {@link MultilineJoiner#MAX_LINES}
 * and {@link MultilineJoiner#MAX_BYTES} per event, where the router cuts an event).
 *
 * <h2>Flush</h2>
 * The events from one hold position are sent as they are (not held again) once they were held
 * from that same position for {@code flush_timeout} by the injected clock (no later line continued
 * them, or the writer is slower than the timeout), or when the read block is full of them (the
 * reader could not move on otherwise). A stream's event whose last line is {@code flush_timeout}
 * older (by the records' own times) than the read's newest record counts as closed: its stream fell
 * silent while others wrote. At shutdown held lines stay unread in the file, to be read after the
 * restart with what follows them.
 *
 * <p>Thread-safety: not thread-safe; one per input, on the tailer thread.
 */
final class MultilineHold {
    private final MultilineRules rules;
    private final long timeoutNanos;
    private final Clock clock;
    private final MultilineJoiner joiner = new MultilineJoiner();

    MultilineHold(MultilineSpec spec, Duration flushTimeout, Clock clock) {
        this.rules = new MultilineRules(spec);
        this.timeoutNanos = flushTimeout.toNanos();
        this.clock = clock;
    }

    /** The hold of an input configured by {@code spec}, or null when it has no {@code multiline:} rules. */
    static MultilineHold of(InputSpec spec, Clock clock) {
        Object m = spec.options().get(ReadingKeys.MULTILINE);
        if (!(m instanceof MultilineSpec rules) || rules.isNone()) {
            return null;
        }
        Object t = spec.options().get(ReadingKeys.FLUSH_TIMEOUT);
        return new MultilineHold(rules, t instanceof Duration d ? d : Duration.ofSeconds(1), clock);
    }

    /**
     * How many records of a read to send now; the rest are left in the file.
     *
     * @param file   the file's hold state (where it holds, since when)
     * @param start  the file position the read started at
     * @param block  the read's records
     * @param starts where each record's line starts
     * @param full   the read filled its block
     * @return the records to send, from the first; when fewer than all, the batch ends where the
     *     line of the first record left out starts ({@link LineStarts#start})
     */
    int keep(State file, long start, RecordBlock block, LineStarts starts, boolean full) {
        int n = block.count();
        joiner.scan(block, rules);
        int k = joiner.openFrom(timeoutNanos);
        while (k > 0 && k < n && starts.start(k) < 0) {
            k = joiner.cutBefore(k - 1); // a record that cannot begin a batch: hold from an earlier one
        }
        if (k >= n || k == 0 && starts.start(0) < 0) {
            file.clear();
            return n;
        }
        long at = start + starts.start(k);
        long now = clock.millis();
        if (file.heldAt != at) {
            file.heldAt = at;
            file.sinceMillis = now;
        }
        if ((now - file.sinceMillis) * 1_000_000L >= timeoutNanos || k == 0 && full) {
            file.clear();
            return n;
        }
        return k;
    }

    /** One file's hold: the position it holds from (-1 when none) and since when. */
    static final class State {
        private long heldAt = -1;
        private long sinceMillis;

        void clear() { heldAt = -1; }
    }
}
