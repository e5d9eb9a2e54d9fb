package io.loglane.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The table of every configuration key (Kafka {@code LogConfig} / Fluent Bit {@code config_map}
 * style) of one build: the keys every stage shares, declared here, plus the keys of each input and
 * store type of its {@link ConfigCatalog}. The loader validates against it, takes defaults from it,
 * and {@link ConfigReference} renders it. Adding a shared key means adding one row here and reading
 * it in {@link ConfigAssembler}; an input or store type's keys come from its {@link InputKeys} or
 * {@link StoreKeys}.
 *
 * <p>Thread-safety: immutable.
 */
public final class ConfigSchema {
    /** The sections core declares; each store type adds its own, named after it. */
    static final List<String> CORE_SECTIONS = List.of("server", "inputs", "lanes", "stream", "query");

    /** Input names are metric labels. */
    public static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    /** Lane names that may not be declared ({@code logs} is the SQL view over all lanes). */
    public static final List<String> RESERVED_LANE_NAMES = List.of("logs");

    private static final ValueType S = ValueType.STRING;

    private final ConfigCatalog catalog;
    private final List<ConfigKey> keys;
    private final Map<String, ConfigKey> byPath;

    public ConfigSchema(ConfigCatalog catalog) {
        this.catalog = catalog;
        this.keys = assemble(catalog);
        Map<String, ConfigKey> m = new LinkedHashMap<>();
        for (ConfigKey key : keys) {
            if (m.put(key.path(), key) != null) {
                throw new IllegalArgumentException("key " + key.path() + " declared twice");
            }
        }
        this.byPath = Map.copyOf(m);
    }

    /** Every key, in reference order: server, each input type's, lanes (then each store type's lane keys), stream, each store type's, query. */
    public List<ConfigKey> keys() { return keys; }

    /** The key declared at {@code path} (in schema form, e.g. {@code lanes.<name>.parser}), or null. */
    public ConfigKey key(String path) { return byPath.get(path); }

    /** Top-level sections, in reference order. */
    public List<String> sections() {
        List<String> out = new ArrayList<>(CORE_SECTIONS.subList(0, CORE_SECTIONS.size() - 1));
        out.addAll(destinations());
        out.add(CORE_SECTIONS.get(CORE_SECTIONS.size() - 1));
        return out;
    }

    /** Known input types. */
    public List<String> inputTypes() { return catalog.inputs().stream().map(InputKeys::type).toList(); }

    /** Destination (store) names a lane may list in {@code to:}. */
    public List<String> destinations() { return catalog.stores().stream().map(StoreKeys::name).toList(); }

    /** The registered store types. */
    List<StoreKeys> stores() { return catalog.stores(); }

    private static List<ConfigKey> assemble(ConfigCatalog catalog) {
        List<String> types = catalog.inputs().stream().map(InputKeys::type).toList();
        List<String> stores = catalog.stores().stream().map(StoreKeys::name).toList();
        List<ConfigKey> out = new ArrayList<>(List.of(
                k("server.bind", S, ServerSettings.DEFAULT_BIND, "Address every listener binds unless an input sets its own."),
                k("server.http_port", ValueType.PORT, "8080", "The one HTTP port: ingest, API and metrics (and the web UI, once it exists)."),
                k("server.data_dir", ValueType.PATH, "./data", "Root of the stream, checkpoints and archive."),
                k("server.http_max_body", ValueType.POSITIVE_SIZE, "16MiB", "Largest accepted HTTP request body; larger gets 413."),
                k("server.shutdown_grace", ValueType.POSITIVE_DURATION, "30s", "How long SIGTERM waits for inputs to drain and stores to flush."),
                k("server.max_tracked_sources", ValueType.COUNT, "1000", "Sources (input, peer host, tag) the completeness ledger counts one by one (loglane_source_* metrics, ./loglane sources); every further source is counted in its input's peer=\"other\", tag=\"other\" bucket. Each costs a few Prometheus series."),
                new ConfigKey("server.http_max_header", ValueType.POSITIVE_SIZE, "16KiB", "Largest request line plus headers; larger gets 431 (414 for a long URI).",
                        new ConfigKey.Bounds(1024, 1 << 20)),
                k("server.http_header_timeout", ValueType.POSITIVE_DURATION, "10s", "Longest a client may take to send a request's line and headers (or a TLS handshake); slower connections are closed (slowloris)."),
                k("server.http_idle_timeout", ValueType.POSITIVE_DURATION, "30s", "A connection with no bytes moving for this long is closed (live tails send a heartbeat every 15 s)."),
                k("server.tls.cert", ValueType.PATH, null, "PEM file with the HTTP port's certificate, then its intermediates; with server.tls.key the port speaks only HTTPS."),
                k("server.tls.key", ValueType.PATH, null, "PEM file with the unencrypted PKCS#8 private key (BEGIN PRIVATE KEY) of server.tls.cert."),
                new ConfigKey("server.auth.tokens", ValueType.API_TOKENS, "", "API tokens as [{name, sha256, scopes, rate}]: sha256 is the hex SHA-256 of the token (`./loglane token hash` prints it; the token itself is never configured), scopes some of ingest, read, admin, rate requests per second (0 = unlimited; over it 429). Once one is configured every API call needs `Authorization: Bearer <token>` with the route's scope; /healthz, /readyz and the UI's static files stay open."),
                new ConfigKey("server.background_nice", ValueType.NON_NEGATIVE_LONG, "10", "Linux nice value added to the threads that deliver to the stores and convert, compact and index (0-19; 0 = the same priority as ingest): when the CPU is short, taking and acknowledging events wins it and delivery catches up from the stream once there is CPU to spare (a full lane pushes back on ingest, which leaves delivery the CPU).",
                        new ConfigKey.Bounds(0, 19)),
                k("server.source_idle_evict", ValueType.DURATION, "1h", "How long a source may send nothing (and have nothing delivered) before the ledger folds its counts into its input's peer=\"evicted\", tag=\"evicted\" entry and removes its series, making room under max_tracked_sources (Docker tags by container id). 0 never evicts.")));

        out.add(new ConfigKey("inputs[].type", ValueType.INPUT_TYPE, null, "Required: " + typeSummaries(catalog) + ".",
                null, new ConfigKey.Choices("input type", types)));
        out.addAll(List.of(
                k("inputs[].name", S, null, "Unique name, the `input` metric label; defaults to the type. A later file's input with the same name replaces the earlier one.")));
        for (InputKeys type : catalog.inputs()) {
            out.addAll(type.keys());
        }
        out.addAll(List.of(
                k("lanes.<name>.match", ValueType.MATCH_RULES, "", "Rules that send an event to this lane: field/equals, tag_suffix, content (see config/loglane.yaml)."),
                k("lanes.<name>.parser", ValueType.PARSER, "none", "How the lane reads messages: one parser or a list (a chain: the first that matches a line decides). none (records stored as they came); json, logfmt (a message holding a JSON object or logfmt pairs: its fields join the record, its time field is the event time); nginx_combined, apache_combined (typed access-line columns; the line's time is the event time); syslog, syslog_rfc3164, syslog_rfc5424 (priority, facility, severity, hostname, app_name, procid, msgid, structured_data, msg); {regex: '(?P<status>\\d+) …'} (named groups become fields); {nginx_format: '$remote_addr - … $status …'} (an nginx log_format). Each item may add types: {field: string, int or double} (json and logfmt fields become typed columns this way), time_key: field and time_format: strftime or Java pattern (the event time)."),
                k("lanes.<name>.multiline", ValueType.MULTILINE, "", "Join the lines of one event (a stack trace) that arrive as separate records: built-in java, python, go, node, dotnet, or {start: regex, continue: regex}; a list combines them. Applies to the records of a request whose tag names this lane (on default: whose tag names no lane) and whose input sets no multiline of its own, before classification, so a joined trace goes where content rules send it (stack_trace → trace). Lines are joined per container_id + source within one request (a Forward chunk, an HTTP body), never held across requests: nothing waits unacknowledged (file inputs with their own multiline hold an open event in the file across reads)."),
                k("lanes.<name>.retention.age", ValueType.DURATION, "30d", "Keep events this long (the archive; the stream keeps delivered data at most stream.max_age of it); 0 = forever."),
                k("lanes.<name>.retention.size", ValueType.SIZE, "0", "Keep at most this much, in the stream and separately in the archive (whole oldest hour partitions go); 0 = unbounded."),
                k("lanes.<name>.rate.events_per_second", ValueType.RATE, "0", "Token-bucket refill rate in events per second; over it a request is rejected (rate_limited)."),
                k("lanes.<name>.rate.burst", ValueType.NON_NEGATIVE_LONG, "0", "Token-bucket size in events; 0 = one second of events_per_second."),
                k("lanes.<name>.durability", ValueType.DURABILITY, "disk", "When an event is acknowledged: memory (at once), disk (written), sync (fsynced)."),
                k("lanes.<name>.audit_chain", ValueType.BOOLEAN, "false", "Tamper evidence: the stream chains every record to the one before it by SHA-256 (over its offset, arrival time, tag and bytes), the archive keeps the chain in each row (_offset, _chain_prev, _chain_hash, _record) and never compacts the lane; ./loglane verify-audit checks it. disk or sync lanes only."),
                // the first registered store (the archive) unless the lane says otherwise
                new ConfigKey("lanes.<name>.to", ValueType.DESTINATIONS, stores.isEmpty() ? "" : stores.get(0), "Stores the lane is delivered to.",
                        null, new ConfigKey.Choices("destination", stores))));
        for (StoreKeys store : catalog.stores()) {
            out.addAll(store.laneKeys());
        }
        out.addAll(List.of(
                k("stream.segment_size", ValueType.POSITIVE_SIZE, "64MiB", "Roll a stream segment file at this size."),
                k("stream.max_lane_size", ValueType.POSITIVE_SIZE, "2GiB", "Most undelivered data a lane's stream holds; past it disk/sync lanes push back, memory lanes drop the oldest."),
                k("stream.dedup_window", ValueType.DURATION, "1h", "How long a stored Forward chunk id is remembered, across restarts."),
                k("stream.dedup_max_entries", ValueType.COUNT, "100000", "Most chunk ids remembered per lane."),
                k("stream.sync_max_wait", ValueType.DURATION, "2ms", "Group commit: the longest an fsync waits for more writers to join."),
                k("stream.memory_lane_size", ValueType.POSITIVE_SIZE, "64MiB", "Buffer of a memory lane."),
                k("stream.max_age", ValueType.DURATION, "7d", "Longest a delivered stream segment is kept when the lane's retention is longer (the archive keeps the events); never below dedup_window; 0 = the lane's retention. Undelivered data is never deleted from disk/sync lanes.")));
        for (StoreKeys store : catalog.stores()) {
            out.addAll(store.keys());
        }
        out.addAll(List.of(
                k("query.timeout", ValueType.POSITIVE_DURATION, "30s", "Longest a SQL query runs before it is cancelled."),
                k("query.max_rows", ValueType.COUNT, "10000", "Most rows an answer carries; beyond them the answer says it was truncated."),
                new ConfigKey("query.memory_limit", ValueType.POSITIVE_SIZE, Sizes.format(QuerySettings.DEFAULT_MEMORY_LIMIT),
                        "Most memory the SQL engine (DuckDB's memory_limit) holds for query data: hash tables, sorts, Parquet pages read; "
                        + "past it DuckDB spills to a directory of the engine's own under server.data_dir (tmp/sql-<pid>-<random>, deleted when it closes) or fails the query "
                        + "with an out-of-memory error. The default is fixed, not DuckDB's 80 % of RAM: on a one-machine node that "
                        + "lets one large query take the memory the JVM heap (512 MiB by default), the stream, Lucene and the page "
                        + "cache need, until the OOM killer ends the whole node. 1GiB bounds a query beside them on a 4 GiB machine, and "
                        + "spilling keeps large queries running (measured at 64MiB: a GROUP BY into 5 M groups, a sort of 10 M strings). "
                        + "Raise it for large aggregations where memory is spare.",
                        new ConfigKey.Bounds(64L << 20, 16L << 40))));
        List<ConfigKey> all = List.copyOf(out);
        for (ConfigKey k : all) {
            if (k.defaultText() != null) {
                k.defaultValue(); // a type's default its own key would refuse fails the build's schema, not a user's file
            }
        }
        return all;
    }

    /** {@code a, b or c} of the types' summaries. */
    private static String typeSummaries(ConfigCatalog catalog) {
        List<String> s = catalog.inputs().stream().map(InputKeys::summary).toList();
        return s.isEmpty() ? "(none registered)" : s.size() == 1 ? s.get(0)
                : String.join(", ", s.subList(0, s.size() - 1)) + " or " + s.get(s.size() - 1);
    }

    /** The registered input type named {@code type}; the reader accepts no other. */
    InputKeys inputKeys(String type) {
        for (InputKeys t : catalog.inputs()) {
            if (t.type().equals(type)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unregistered input type " + type);
    }

    /** True if some key lies below {@code prefix} (e.g. {@code lanes.<name>.retention}). */
    boolean isSection(String prefix) {
        String p = prefix + ".";
        for (ConfigKey k : keys) {
            if (k.path().startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** The default of a key that has one. */
    Object defaultOf(String path) {
        ConfigKey k = byPath.get(path);
        if (k == null) {
            throw new IllegalArgumentException("undeclared key " + path);
        }
        return k.defaultValue();
    }

    private static ConfigKey k(String path, ValueType type, String dflt, String doc) {
        return new ConfigKey(path, type, dflt, doc);
    }
}
