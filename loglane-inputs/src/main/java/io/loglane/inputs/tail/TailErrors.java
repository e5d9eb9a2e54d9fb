package io.loglane.inputs.tail;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What went wrong while tailing, by stable reason label: counted in
 * {@code loglane.tail.problems{input, reason}} (in lines for the line reasons, in occurrences for
 * the others) and logged once per file and reason, however often it recurs, so a bad file
 * cannot flood the log. None of them stops the reader.
 *
 * <table>
 *   <caption>Reasons</caption>
 *   <tr><th>label</th><th>counted per</th><th>what happened; what the tail does</th></tr>
 *   <tr><td>{@value #UNREADABLE}</td><td>occurrence</td><td>a file or directory cannot be read (permissions, I/O error); retried every scan</td></tr>
 *   <tr><td>{@value #LINK_LOOP}</td><td>occurrence</td><td>a symlink loop under a glob; skipped</td></tr>
 *   <tr><td>{@value #LINE_TRUNCATED}</td><td>line</td><td>a line longer than {@code max_line_bytes}; its head is stored with {@code truncated: true}, the rest skipped</td></tr>
 *   <tr><td>{@value #INVALID_UTF8}</td><td>line</td><td>a line that is not UTF-8; stored with each bad byte replaced by U+FFFD</td></tr>
 *   <tr><td>{@value #BINARY}</td><td>line</td><td>a line holding NUL bytes; stored as it is</td></tr>
 *   <tr><td>{@value #FILE_TRUNCATED}</td><td>occurrence</td><td>the file became shorter than the read position (copy-truncate); read again from 0</td></tr>
 *   <tr><td>{@value #REPLACED}</td><td>occurrence</td><td>the file's inode now holds another file (its first bytes changed); read as a new file from 0</td></tr>
 *   <tr><td>{@value #ROTATED_AWAY}</td><td>occurrence</td><td>a file's content was rotated away before the tail read it to its end: after a restart, a file of the positions file found under no glob nor beside its old path, or truncated or replaced with no copy of it beside it; or, while running, a file truncated with no copy (or a copy shorter than the file was seen) holding what the tail had not read. Lost bytes, where known, in {@value #LOST_BYTES}</td></tr>
 *   <tr><td>{@value #READ_ERROR}</td><td>occurrence</td><td>reading an open file failed; retried at the next poll</td></tr>
 *   <tr><td>{@value #REJECTED}</td><td>line</td><td>the router refused a batch as invalid; its lines are dropped (counted in the ledger too)</td></tr>
 * </table>
 *
 * <p>Thread-safety: thread-safe.
 */
final class TailErrors {
    static final String METRIC = "loglane.tail.problems";
    /** Bytes a file held that the tail never read and no copy keeps, by reason. */
    static final String LOST_BYTES = "loglane.tail.lost.bytes";
    static final String UNREADABLE = "unreadable";
    static final String LINK_LOOP = "link_loop";
    static final String LINE_TRUNCATED = "line_truncated";
    static final String INVALID_UTF8 = "invalid_utf8";
    static final String BINARY = "binary";
    static final String FILE_TRUNCATED = "file_truncated";
    static final String REPLACED = "replaced";
    static final String ROTATED_AWAY = "rotated_away";
    static final String READ_ERROR = "read_error";
    static final String REJECTED = "rejected";

    private static final Logger LOG = LoggerFactory.getLogger(TailErrors.class);

    private final MeterRegistry registry;
    private final String who;
    private final String input;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Counter> lostBytes = new ConcurrentHashMap<>();
    /** "reason path" keys already logged. */
    private final Set<String> logged = new HashSet<>();

    /**
     * @param who   how log lines name the input ({@code tail input 'files'})
     * @param input the input's name, the {@code input} label
     */
    TailErrors(MeterRegistry registry, String who, String input) {
        this.registry = registry;
        this.who = who;
        this.input = input;
    }

    /** Counts {@code n} of {@code reason} at {@code path}; logs {@code detail} the first time for this path and reason. */
    void count(String reason, String path, long n, String detail) {
        if (n <= 0) {
            return;
        }
        counters.computeIfAbsent(reason, r -> registry.counter(METRIC, MetricNames.INPUT, input, MetricNames.REASON, r)).increment(n);
        boolean first;
        synchronized (logged) {
            first = logged.add(reason + " " + path);
        }
        if (first) {
            LOG.warn("{}: {} ({}): {}{}", who, path, reason, detail,
                    " (logged once per file and reason; counted in " + METRIC + ")");
        }
    }

    /** True when {@code reason} was counted (and logged) for {@code path} and not forgotten since. */
    boolean reported(String reason, String path) {
        synchronized (logged) {
            return logged.contains(reason + " " + path);
        }
    }

    /** Forgets which reasons were logged for {@code path} (a released file), so the set stays as small as the files tailed. */
    void forget(String path) {
        synchronized (logged) {
            logged.removeIf(k -> k.endsWith(" " + path));
        }
    }

    /**
     * Counts one occurrence of {@code reason} that lost {@code bytes} bytes the tail never read
     * (their lines are unknown, so the ledger cannot count them): also added to
     * {@value #LOST_BYTES}{input, reason}.
     */
    void lost(String reason, String path, long bytes, String detail) {
        lostBytes.computeIfAbsent(reason, r -> registry.counter(LOST_BYTES, MetricNames.INPUT, input, MetricNames.REASON, r)).increment(bytes);
        count(reason, path, 1, detail);
    }

    /** Bytes counted lost for {@code reason} so far. */
    long lostBytes(String reason) {
        Counter c = lostBytes.get(reason);
        return c == null ? 0 : (long) c.count();
    }

    /** The count of {@code reason} so far (0 when it never happened). */
    long total(String reason) {
        Counter c = counters.get(reason);
        return c == null ? 0 : (long) c.count();
    }
}
