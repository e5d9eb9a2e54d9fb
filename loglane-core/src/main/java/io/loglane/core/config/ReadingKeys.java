package io.loglane.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys by which an input reads its records before they are routed, shared by every input type
 * that declares them: {@code parser} (a chain, as a lane's), {@code multiline} (rules, as a lane's),
 * {@code lane_parser} (whether the lane's parser still reads what the input's parser read), and
 * {@code flush_timeout} (how long an open multiline event waits for its next line).
 * The router applies {@code parser}, {@code lane_parser} and {@code multiline}; file inputs hold
 * an open event back across reads in the file, network inputs in memory (with the acknowledgement
 * of the request it came in), by {@code multiline} and {@code flush_timeout}.
 *
 * <p>Precedence: an input's {@code multiline} replaces the rules of the lane its tag names (else
 * {@code default}) for that input's records; a record the input's {@code parser} read (it matched,
 * stated a time, or had fields lifted) is not read again by its lane's parser unless
 * {@code lane_parser: true}; a record it did not read is read by its lane's parser as any other.
 *
 * <p>Thread-safety: stateless.
 */
public final class ReadingKeys {
    public static final String PARSER = "parser";
    public static final String MULTILINE = "multiline";
    public static final String LANE_PARSER = "lane_parser";
    public static final String FLUSH_TIMEOUT = "flush_timeout";
    /** A network input holds open multiline events of at most this many streams (tag + connection) at once. */
    public static final int MAX_HELD_STREAMS = 1000;
    /** A network input holds at most this many record bytes of open multiline events at once. */
    public static final long MAX_HELD_BYTES = 16L << 20;

    private ReadingKeys() {}

    /**
     * The reading keys under {@code prefix} (e.g. {@code inputs[tail].}).
     *
     * @param files true for a file input (its open events are held in the file), false for a
     *              network input (held in memory, its acknowledgement with them)
     */
    public static List<ConfigKey> keys(String prefix, boolean files) {
        List<ConfigKey> k = new ArrayList<>(List.of(
                new ConfigKey(prefix + PARSER, ValueType.PARSER, null, "How this input's records are read before they are routed, as a lane's parser: one parser or a chain"
                        + " (json, logfmt, nginx_combined, {regex: …}, …). Its event time and fields (lifted JSON/logfmt fields and typed fields such as"
                        + " status or request_time) apply before classification, and its typed fields become typed columns of the lanes its records reach;"
                        + " a record it read is not read again by its lane's parser (see lane_parser), one it did not read is. Unset: only the lane's parser reads."),
                new ConfigKey(prefix + LANE_PARSER, ValueType.BOOLEAN, "false", "true: the lane's parser also reads the records this input's parser read"
                        + " (its time and lifted fields win); false: only records this input's parser did not read are read by the lane's parser."),
                new ConfigKey(prefix + MULTILINE, ValueType.MULTILINE, null, "Join the lines of one event (a stack trace) before routing: built-in java, python,"
                        + " go, node, dotnet, or {start: regex, continue: regex}; a list combines them. Replaces the multiline rules of the lane the tag names"
                        + " for this input's records. Lines are joined per container_id + source"
                        + (files ? "; an event still open at the end of a read is held in the file (its lines are not consumed, so the read position"
                                + " stays before them) until a later line closes it or flush_timeout passes."
                                : " and tag (and, for forward, connection), also across requests: an event still open at the end of a request is held"
                                + " in memory, and that request is acknowledged only once the event is stored (a later request closes it, flush_timeout"
                                + " passes, or the connection closes)."
                                + " At most " + MAX_HELD_STREAMS + " streams and " + MAX_HELD_BYTES / (1 << 20)
                                + "MiB per input are held; past that, open events are stored as they are (counted)."))));
        k.add(new ConfigKey(prefix + FLUSH_TIMEOUT, ValueType.POSITIVE_DURATION, "1s", "With multiline: an event open at the end of what was "
                + (files ? "read" : "received") + " is stored as it is once no line has continued it for this long (also: a stream's open event whose"
                + " last line is this much older, by the lines' own times, than the newest line " + (files ? "read" : "received") + " is closed)."));
        return List.copyOf(k);
    }
}
