package io.loglane.inputs.admission;

import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.core.lifecycle.Pausable;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.core.telemetry.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The one back-pressure wait every input shares. When the router refuses a request because a
 * lane's stream is full ({@link Reason#BACKPRESSURE}) or its disk is ({@link Reason#DISK_FULL}),
 * the input must neither drop the events nor queue more: it stops taking events from that source
 * and retries the same request, and the source takes events again once the request has its final
 * outcome. This class holds the policy (which refusals to wait out; backoff of
 * {@value #FIRST_BACKOFF_MILLIS} ms doubling to {@value #MAX_BACKOFF_MILLIS} ms, without end: a
 * lane drains, a disk gets space, and the stream never deletes undelivered data to make room),
 * the meter and the log; {@link SourceBackPressure} runs one source's waits. HTTP has no source
 * to pause and answers 503 with {@code Retry-After} instead, so it does not use this.
 *
 * <h2>How an input uses it</h2>
 * One {@code BackPressure} per input, one {@link SourceBackPressure} per source, all steps on the
 * source's own thread:
 * <pre>{@code
 * // Forward: per connection, on its event loop; pausing turns the connection's autoRead off
 * SourceBackPressure waits = backPressure.source(peer, connectionReading, () -> !closed,
 *         SourceThread.of(ctx.executor()));
 * waits.submit(request, settled);   // settled: ack, or count the refusal and maybe close
 *
 * // file tail (next): per tailed file, on the tailer's thread; pausing stops reading the file,
 * // and the file's read position advances only in settled, with what the stream accepted
 * SourceBackPressure waits = backPressure.source(path.toString(), fileReader, fileReader::isOpen,
 *         SourceThread.of(tailerExecutor));
 * waits.submit(new IngestRequest(source, tag, block, null, now, position), settled);
 * }</pre>
 *
 * <p>Meters: {@code loglane.input.backpressure.retries{input}} (registered at 0): attempts
 * retried after such a refusal. Logs: a full disk once per waiting request (rate-limited per
 * input); a full stream is ordinary flow and is only counted.
 *
 * <p>Thread-safety: thread-safe; each {@link SourceBackPressure} is confined to its source's thread.
 */
public final class BackPressure {
    /** Counter of attempts retried after a back-pressure or disk-full refusal. */
    public static final String RETRIES = "loglane.input.backpressure.retries";
    static final long FIRST_BACKOFF_MILLIS = 5;
    static final long MAX_BACKOFF_MILLIS = 1000;

    private final String who;
    private final Ingest ingest;
    private final Counter retries;
    private final RateLimitedLog log;

    /**
     * @param type  the input's type, for log lines ({@code forward})
     * @param input the input's name: the {@code input} label
     */
    public BackPressure(String type, String input, Ingest ingest, MeterRegistry registry, RateLimitedLog log) {
        this.who = type + " input '" + input + "'";
        this.ingest = ingest;
        this.retries = registry.counter(RETRIES, MetricNames.INPUT, input);
        this.log = log;
    }

    /**
     * The waits of one source.
     *
     * @param name   the source as log lines name it (a peer's address, a file's path)
     * @param source paused while any of its requests waits, resumed after
     * @param open   false once the source is closed: a due retry then gives up with the last refusal
     * @param thread the source's own thread, where every step and {@link Settled#settled} run
     */
    public SourceBackPressure source(String name, Pausable source, BooleanSupplier open, SourceThread thread) {
        return new SourceBackPressure(this, name, source, open, thread);
    }

    /** True for the refusals worth waiting out: a full stream, a full disk. */
    public static boolean waitable(Reason reason) {
        return reason == Reason.BACKPRESSURE || reason == Reason.DISK_FULL;
    }

    /** The wait before retry number {@code retry} (0 for the first). */
    static Duration backoff(int retry) {
        return Duration.ofMillis(Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(retry, 20)));
    }

    Ingest ingest() { return ingest; }

    /** A refused attempt is to be retried; a full disk is logged at a request's first refusal. */
    void retrying(String source, Reason reason, int retry, Throwable cause) {
        retries.increment();
        if (reason == Reason.DISK_FULL && retry == 0) {
            log.warn("ingest_disk_full", who + ": lane disk full; reading from " + source
                    + " pauses and the request is retried until space is freed: " + cause.getMessage());
        }
    }
}
