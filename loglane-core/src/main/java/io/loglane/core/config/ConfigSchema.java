package io.loglane.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The table of every configuration key (Kafka {@code LogConfig} / Fluent Bit {@code config_map}
 * style): the loader validates against it, takes defaults from it, and {@link ConfigReference}
 * renders it. Adding a key means adding one row here and reading it in {@link ConfigAssembler}; an
 * input type's keys come from its {@link InputKeys} in {@link #INPUTS}.
 *
 * <p>Thread-safety: immutable.
 */
public final class ConfigSchema {
    private ConfigSchema() {}

    /** Destination (store) names a lane may list in {@code to:}; later stores add their name here. */
    public static final List<String> DESTINATIONS = List.of("archive");

    /**
     * The registered input types, in reference order; their keys are the {@code inputs[<type>].}
     * rows of {@link #KEYS}. Adding an input type's configuration is adding its {@link InputKeys} here.
     */
    public static final List<InputKeys> INPUTS = List.of(ForwardKeys.INSTANCE, HttpKeys.INSTANCE);

    /** Known input types. */
    public static final List<String> INPUT_TYPES = INPUTS.stream().map(InputKeys::type).toList();

    /** Top-level sections. */
    public static final List<String> SECTIONS = List.of("server", "inputs", "lanes", "stream", "archive", "query");

    /** Input names are metric labels. */
    public static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    /** Lane names that may not be declared ({@code logs} is the SQL view over all lanes). */
    public static final List<String> RESERVED_LANE_NAMES = List.of("logs");

    private static final ValueType S = ValueType.STRING;

    /** Every key, in reference order: settings, then each registered input type's keys, then lanes and the rest. */
    public static final List<ConfigKey> KEYS = assemble();

    private static List<ConfigKey> assemble() {
        List<ConfigKey> out = new ArrayList<>(List.of(
                k("server.bind", S, "127.0.0.1", "Address every listener binds unless an input sets its own."),
                k("server.http_port", ValueType.PORT, "8080", "The one HTTP port: ingest, API and metrics (and the web UI, once it exists)."),
                k("server.data_dir", ValueType.PATH, "./data", "Root of the stream, checkpoints and archive."),
                k("server.http_max_body", ValueType.POSITIVE_SIZE, "16MiB", "Largest accepted HTTP request body; larger gets 413."),
                k("server.shutdown_grace", ValueType.POSITIVE_DURATION, "30s", "How long SIGTERM waits for inputs to drain and stores to flush."),
                k("server.max_tracked_sources", ValueType.COUNT, "1000", "Sources (input, peer host, tag) the completeness ledger counts one by one (loglane_source_* metrics, ./loglane sources); every further source is counted in its input's peer=\"other\", tag=\"other\" bucket. Each costs a few Prometheus series."),
                k("server.source_idle_evict", ValueType.DURATION, "1h", "How long a source may send nothing (and have nothing delivered) before the ledger folds its counts into its input's peer=\"evicted\", tag=\"evicted\" entry and removes its series, making room under max_tracked_sources (Docker tags by container id). 0 never evicts.")));
        out.add(k("inputs[].type", ValueType.INPUT_TYPE, null, "Required: " + typeSummaries() + "."));
        out.addAll(List.of(
                k("inputs[].name", S, null, "Unique name, the `input` metric label; defaults to the type. A later file's input with the same name replaces the earlier one.")));
        for (InputKeys type : INPUTS) {
            out.addAll(type.keys());
        }
        out.addAll(List.of(
                k("lanes.<name>.match", ValueType.MATCH_RULES, "", "Rules that send an event to this lane: field/equals, tag_suffix, content (see config/loglane.yaml)."),
                k("lanes.<name>.parser", ValueType.PARSER, "none", "How the lane reads messages: none (records stored as they came), json (a message holding a JSON object: its fields join the record, its time field is the event time), nginx_combined (typed access-line columns; the line's time is the event time)."),
                k("lanes.<name>.retention.age", ValueType.DURATION, "30d", "Keep events this long (the archive; the stream keeps delivered data at most stream.max_age of it); 0 = forever."),
                k("lanes.<name>.retention.size", ValueType.SIZE, "0", "Keep at most this much, in the stream and separately in the archive (whole oldest hour partitions go); 0 = unbounded."),
                k("lanes.<name>.rate.events_per_second", ValueType.RATE, "0", "Token-bucket refill rate in events per second; over it a request is rejected (rate_limited)."),
                k("lanes.<name>.rate.burst", ValueType.NON_NEGATIVE_LONG, "0", "Token-bucket size in events; 0 = one second of events_per_second."),
                k("lanes.<name>.durability", ValueType.DURABILITY, "disk", "When an event is acknowledged: memory (at once), disk (written), sync (fsynced)."),
                k("lanes.<name>.to", ValueType.DESTINATIONS, "archive", "Stores the lane is delivered to."),
                k("lanes.<name>.compact", ValueType.BOOLEAN, "true", "Merge the archive's small files of closed hours; false keeps every file exactly as flushed (audit)."),
                k("stream.segment_size", ValueType.POSITIVE_SIZE, "64MiB", "Roll a stream segment file at this size."),
                k("stream.max_lane_size", ValueType.POSITIVE_SIZE, "2GiB", "Most undelivered data a lane's stream holds; past it disk/sync lanes push back, memory lanes drop the oldest."),
                k("stream.dedup_window", ValueType.DURATION, "1h", "How long a stored Forward chunk id is remembered, across restarts."),
                k("stream.dedup_max_entries", ValueType.COUNT, "100000", "Most chunk ids remembered per lane."),
                k("stream.sync_max_wait", ValueType.DURATION, "2ms", "Group commit: the longest an fsync waits for more writers to join."),
                k("stream.memory_lane_size", ValueType.POSITIVE_SIZE, "64MiB", "Buffer of a memory lane."),
                k("stream.max_age", ValueType.DURATION, "7d", "Longest a delivered stream segment is kept when the lane's retention is longer (the archive keeps the events); never below dedup_window; 0 = the lane's retention. Undelivered data is never deleted from disk/sync lanes."),
                k("archive.dir", ValueType.PATH, null, "Archive root; defaults to <server.data_dir>/archive."),
                k("archive.flush_rows", ValueType.COUNT, "500000", "Flush a lane's buffer to Parquet at this many rows."),
                k("archive.flush_size", ValueType.POSITIVE_SIZE, "128MiB", "… or at this many buffered bytes."),
                k("archive.flush_age", ValueType.POSITIVE_DURATION, "30s", "… or when the oldest buffered row is this old."),
                k("archive.compact_after", ValueType.POSITIVE_DURATION, "10m", "Compact an hour partition's small files once the hour has been closed this long."),
                k("archive.compact_min_files", ValueType.COUNT, "4", "Compact only partitions with at least this many files."),
                k("archive.maintenance_interval", ValueType.POSITIVE_DURATION, "30s", "How often each lane's archive runs compaction and retention (age and size)."),
                k("query.timeout", ValueType.POSITIVE_DURATION, "30s", "Longest a SQL query runs before it is cancelled."),
                k("query.max_rows", ValueType.COUNT, "10000", "Most rows an answer carries; beyond them the answer says it was truncated.")));
        return List.copyOf(out);
    }

    /** {@code a, b or c} of the types' summaries. */
    private static String typeSummaries() {
        List<String> s = INPUTS.stream().map(InputKeys::summary).toList();
        return s.size() == 1 ? s.get(0) : String.join(", ", s.subList(0, s.size() - 1)) + " or " + s.get(s.size() - 1);
    }

    private static final Map<String, ConfigKey> BY_PATH;

    static {
        Map<String, ConfigKey> m = new LinkedHashMap<>();
        for (ConfigKey key : KEYS) {
            m.put(key.path(), key);
        }
        BY_PATH = Map.copyOf(m);
    }

    /** The key declared at {@code path} (in schema form, e.g. {@code lanes.<name>.parser}), or null. */
    public static ConfigKey key(String path) { return BY_PATH.get(path); }

    /** The registered input type named {@code type}; the reader accepts no other. */
    static InputKeys inputKeys(String type) {
        for (InputKeys t : INPUTS) {
            if (t.type().equals(type)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unregistered input type " + type);
    }

    /** True if some key lies below {@code prefix} (e.g. {@code lanes.<name>.retention}). */
    static boolean isSection(String prefix) {
        String p = prefix + ".";
        for (ConfigKey k : KEYS) {
            if (k.path().startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** The default of a key that has one. */
    static Object defaultOf(String path) {
        ConfigKey k = BY_PATH.get(path);
        if (k == null) {
            throw new IllegalArgumentException("undeclared key " + path);
        }
        return k.defaultValue();
    }

    private static ConfigKey k(String path, ValueType type, String dflt, String doc) {
        return new ConfigKey(path, type, dflt, doc);
    }

    private static ConfigKey k(String path, ValueType type, String dflt, String doc, long min, long max) {
        return new ConfigKey(path, type, dflt, doc, new ConfigKey.Bounds(min, max));
    }
}
