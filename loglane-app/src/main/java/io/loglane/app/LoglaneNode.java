package io.loglane.app;

import io.loglane.app.api.AuditHeadRoute;
import io.loglane.app.api.HttpApi;
import io.loglane.app.health.HealthProblem;
import io.loglane.app.health.HealthRules;
import io.loglane.app.health.NodeHealth;
import io.loglane.app.health.NodePhase;
import io.loglane.app.tail.TailService;
import io.loglane.app.tail.TailSettings;
import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.lifecycle.Component;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.config.ReadingKeys;
import io.loglane.core.parse.ParserSpec;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordFieldsParser;
import io.loglane.core.parse.RecordParser;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.delivery.DeliveryConsumer;
import io.loglane.delivery.DeliveryEngine;
import io.loglane.delivery.Sink;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.inputs.forward.ForwardInput;
import io.loglane.query.SqlEngine;
import io.loglane.router.Router;
import io.loglane.stores.archive.ArchiveStorage;
import io.loglane.stores.duckdb.SpillDirectory;
import io.loglane.stream.local.LaneLog;
import io.loglane.stores.archive.CachedArchiveStorage;
import io.loglane.stores.archive.LocalArchiveStorage;
import io.loglane.stores.index.IndexKeys;
import io.loglane.stores.index.IndexLayout;
import io.loglane.stores.index.IndexSearch;
import io.loglane.app.search.HotColdSearch;
import io.loglane.query.ArchiveSearch;
import io.loglane.stores.archive.ArchiveKeys;
import io.loglane.stores.index.OpenIndexSinks;
import io.loglane.stream.AppendFailure;
import io.loglane.stream.LaneStream;
import io.loglane.stream.embedded.EmbeddedStreams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loglane process: builds every component from a validated {@link LoglaneConfig} and runs
 * them. Start order follows the pipeline backwards (stream → stores/delivery → router → query →
 * inputs and HTTP) so nothing produces into a part that is not running; {@link #close()} is the
 * graceful shutdown: pause every input, drain and close them, drain delivery (flush every store),
 * close the rest. {@link #pauseInputs()} and {@link #resumeInputs()} stop and restart every input
 * taking events while the node runs (connections kept).
 *
 * <p>Readiness: the node is {@link NodePhase#STARTING} until stream recovery is done and every
 * listener is bound (the HTTP port is bound before the Forward inputs, so {@code GET /healthz}
 * answers while {@code GET /readyz} still says 503), {@link NodePhase#READY} after, and
 * {@link NodePhase#STOPPING} from the first moment of {@link #close()}.
 *
 * <p>Thread-safety: start and close from one thread; the status methods are thread-safe.
 */
public final class LoglaneNode implements Component, LaneStatusSource {
    private static final Logger LOG = LoggerFactory.getLogger(LoglaneNode.class);

    private final LoglaneConfig config;
    private final Clock clock;
    private final TailSettings tailSettings;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Component> started = new ArrayList<>();
    private EmbeddedStreams stream;
    private DeliveryEngine delivery;
    private Router router;
    private SqlEngine sql;
    private HttpApi http;
    private final List<Input> inputs = new ArrayList<>();
    private volatile NodePhase phase = NodePhase.STARTING;

    public LoglaneNode(LoglaneConfig config, Clock clock) {
        this(config, clock, TailSettings.DEFAULT);
    }

    /** For tests only: live-tail limits low enough to reach. */
    LoglaneNode(LoglaneConfig config, Clock clock, TailSettings tailSettings) {
        this.config = config;
        this.clock = clock;
        this.tailSettings = tailSettings;
    }

    public LoglaneConfig config() { return config; }

    public Path dataDir() { return config.server().dataDir(); }

    @Override
    public void start() throws Exception {
        Path data = config.server().dataDir();
        Files.createDirectories(data);
        // Spill directories of SQL engines a killed process (this node's or a `sql --data` CLI's) left.
        List<Path> orphans = SpillDirectory.removeOrphans(spillRoot(data));
        if (!orphans.isEmpty()) {
            LOG.info("loglane: removed {} spill directories of processes no longer running: {}", orphans.size(), orphans);
        }
        stream = new EmbeddedStreams(data.resolve("stream"), config.lanes(), config.stream(), registry, clock);
        startComponent(stream); // recovers every lane

        // One storage for every archive writer and the SQL engine: queries list from its memory.
        ArchiveStorage archive = new CachedArchiveStorage(new LocalArchiveStorage(ArchiveStoreType.settings(config).dir()));
        OpenIndexSinks indexSinks = new OpenIndexSinks();
        StoreTypes stores = StoreTypes.builtIn(archive, indexSinks);
        router = new Router(config, stream, registry, clock); // its ledger counts deliveries too; started after delivery
        delivery = new DeliveryEngine();
        for (LaneSpec lane : config.lanes().values()) {
            for (String store : lane.to()) {
                Sink sink = stores.sink(store, lane, config, registry, clock);
                delivery.add(new DeliveryConsumer(stream.lane(lane.name()), sink, Duration.ofMillis(200),
                        Duration.ofSeconds(30), registry, new SplittableRandom(), clock, Thread::sleep, router.sources(),
                        config.server().background()));
            }
        }
        startComponent(delivery);

        startComponent(router);

        sql = new SqlEngine(archive, laneFields(config), config.query(), spillRoot(data));
        startComponent(sql);

        InputContext context = new InputContext(router, registry, clock, data);
        for (InputSpec spec : config.inputs()) {
            Input input = InputTypes.BUILT_IN.build(spec, context);
            inputs.add(input);
        }
        IndexSearch index = new IndexSearch(new IndexLayout(IndexStoreType.settings(config).dir()), indexSinks, indexedLaneParsers(config));
        HotColdSearch search = new HotColdSearch(index, new ArchiveSearch(sql, laneFields(config)), archivedLanes(config),
                ArchiveStoreType.settings(config).flushAge(), clock);
        Map<String, RecordParser> parsers = new HashMap<>();
        config.lanes().values().forEach(lane -> parsers.put(lane.name(), parser(config, lane)));
        TailService tail = new TailService(stream, parsers, tailSettings, registry);
        registry.gauge(MetricNames.TAIL_CLIENTS, tail, TailService::openTails);
        AuditHeadRoute auditHead = new AuditHeadRoute(config.lanes(), archive,
                lane -> stream.lane(lane) instanceof LaneLog log ? log.chainHead() : null);
        http = new HttpApi(config.server(), config.server().httpPort(), router, inputs, sql, search, delivery, this, tail, auditHead,
                registry, clock);
        startComponent(http);
        LOG.info("loglane: {} listening on {}:{}{}", config.server().http().tls() != null ? "https" : "http", config.server().bind(), http.port(),
                config.server().http().authEnabled() ? " (API tokens required)" : "");

        for (Input input : inputs) {
            input.start(); // closed by close(), before delivery drains, whether or not all of them started
            LOG.info("loglane: input '{}' listening on {}", input.name(), input.describe());
        }
        if (phase == NodePhase.STARTING) {
            phase = NodePhase.READY;
        }
        LOG.info("loglane: ready; data in {}", data.toAbsolutePath().normalize());
    }

    private void startComponent(Component c) throws Exception {
        c.start();
        started.add(c);
    }

    /** The HTTP port actually bound. */
    public int httpPort() { return http.port(); }

    /** The port of the first Forward input, or -1. */
    public int forwardPort() {
        for (Input in : inputs) {
            if (in instanceof ForwardInput f) {
                return f.boundPort();
            }
        }
        return -1;
    }

    /** The ports every input with a listener of its own bound, in {@code inputs:} order. */
    public List<Integer> inputPorts() {
        return inputs.stream().map(Input::boundPort).filter(p -> p >= 0).toList();
    }

    public PrometheusMeterRegistry registry() { return registry; }

    public DeliveryEngine delivery() { return delivery; }

    /**
     * The parser a lane's stores read its messages with (its fields are the archive's typed
     * columns): the lane's, plus the typed fields the inputs' own parsers lift into records
     * ({@link RecordFieldsParser}).
     */
    public static RecordParser parser(LoglaneConfig config, LaneSpec lane) {
        List<RecordParser> inputs = new ArrayList<>();
        for (InputSpec in : config.inputs()) {
            if (in.options().get(ReadingKeys.PARSER) instanceof ParserSpec spec && !spec.isNone()) {
                inputs.add(Parsers.build(spec));
            }
        }
        return RecordFieldsParser.of(Parsers.build(lane.parser()), inputs);
    }

    /**
     * Where the SQL engines of a data directory spill ({@code <data>/tmp}): each makes a directory of
     * its own in it ({@link SpillDirectory}).
     */
    public static Path spillRoot(Path dataDir) {
        return dataDir.resolve("tmp");
    }

    /** The archive directory of {@code config}: {@code archive.dir}, else {@code <server.data_dir>/archive}. */
    public static Path archiveDir(LoglaneConfig config) {
        return ArchiveStoreType.settings(config).dir();
    }

    /** The parser of every lane delivered to the index: its typed fields fix the types of a search's fields. */
    static Map<String, RecordParser> indexedLaneParsers(LoglaneConfig config) {
        Map<String, RecordParser> m = new LinkedHashMap<>();
        for (LaneSpec lane : config.lanes().values()) {
            if (lane.to().contains(IndexKeys.NAME)) {
                m.put(lane.name(), parser(config, lane));
            }
        }
        return m;
    }

    /** The lanes delivered to the archive, whose older events a search reads from it. */
    static Set<String> archivedLanes(LoglaneConfig config) {
        Set<String> out = new HashSet<>();
        for (LaneSpec lane : config.lanes().values()) {
            if (lane.to().contains(ArchiveKeys.NAME)) {
                out.add(lane.name());
            }
        }
        return out;
    }

    /** Typed columns of every lane, for the SQL views of lanes with no files yet. */
    public static Map<String, List<FieldDef>> laneFields(LoglaneConfig config) {
        Map<String, List<FieldDef>> m = new LinkedHashMap<>();
        for (LaneSpec lane : config.lanes().values()) {
            RecordParser p = parser(config, lane);
            m.put(lane.name(), p == null ? List.of() : p.fields());
        }
        return m;
    }

    @Override
    public List<LaneStatus> laneStatuses() {
        List<LaneStatus> out = new ArrayList<>();
        for (LaneSpec lane : config.lanes().values()) {
            LaneStream ls = stream.lane(lane.name());
            List<LaneStatus.StoreStatus> stores = new ArrayList<>();
            long maxLag = 0;
            for (DeliveryConsumer c : delivery.consumers()) {
                if (c.lane().equals(lane.name())) {
                    stores.add(LaneStatus.StoreStatus.of(c, registry));
                    maxLag = Math.max(maxLag, c.lag());
                }
            }
            List<HealthProblem> problems = problems(lane.name());
            double accepted = registry.find(MetricNames.EVENTS_ACCEPTED).tag(MetricNames.LANE, lane.name()).counters()
                    .stream().mapToDouble(Counter::count).sum();
            Map<String, Long> dropped = new java.util.TreeMap<>();
            for (Counter c : registry.find(MetricNames.EVENTS_DROPPED).tag(MetricNames.LANE, lane.name()).counters()) {
                if (c.count() > 0) {
                    dropped.merge(c.getId().getTag(MetricNames.REASON), (long) c.count(), Long::sum);
                }
            }
            String retention = (lane.retention().maxAge() == null || lane.retention().maxAge().isZero() ? "forever"
                    : lane.retention().maxAge().toDays() + "d") + " / "
                    + (lane.retention().maxBytes() <= 0 ? "unbounded" : lane.retention().maxBytes() + " B");
            out.add(new LaneStatus(lane.name(), lane.durability().label(), retention, lane.rate().eventsPerSecond(), router.eventsPerSecond(lane.name()),
                    (long) accepted, ls.startOffset(), ls.endOffset(), ls.sizeBytes(), dropped, stores,
                    HealthRules.laneHealth(problems, maxLag), problems));
        }
        return out;
    }

    @Override
    public NodeHealth health() {
        List<HealthProblem> failing = new ArrayList<>();
        if (stream != null && delivery != null) {
            for (String lane : config.lanes().keySet()) {
                failing.addAll(problems(lane));
            }
        }
        return NodeHealth.of(phase, failing);
    }

    /** What is failing in {@code lane}: its stream refusing writes, then its stores in delivery order. */
    private List<HealthProblem> problems(String lane) {
        List<HealthProblem> out = new ArrayList<>();
        HealthProblem writes = HealthRules.stream(lane, stream.lane(lane).lastAppendFailure().map(AppendFailure::streak).orElse(null));
        if (writes != null) {
            out.add(writes);
        }
        for (DeliveryConsumer c : delivery.consumers()) {
            HealthProblem p = c.lane().equals(lane) ? HealthRules.store(lane, c.instance(), c.failure()) : null;
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Every input stops taking new events (connections kept, taken requests still answered); idempotent. */
    public void pauseInputs() {
        for (Input in : inputs) {
            in.pause();
        }
    }

    /** Every input takes events again after {@link #pauseInputs()}; not once shutdown began. */
    public void resumeInputs() {
        for (Input in : inputs) {
            in.resume();
        }
    }

    /**
     * Graceful shutdown: pause every input at once, let each drain (what it took is answered)
     * within {@code server.shutdown_grace}, close them, then drain delivery within
     * {@code server.shutdown_grace}, then close everything in reverse start order.
     */
    @Override
    public void close() {
        phase = NodePhase.STOPPING;
        LOG.info("loglane: shutting down");
        pauseInputs();
        drainInputs(config.server().shutdownGrace());
        for (Input in : inputs) {
            closeQuietly(in);
        }
        if (http != null) {
            closeQuietly(http);
        }
        if (delivery != null) {
            try {
                delivery.drain(config.server().shutdownGrace());
            } catch (DeliveryEngine.DrainException e) {
                LOG.warn("loglane: {}; the rest is delivered after restart", e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("loglane: interrupted while draining delivery; the rest is delivered after restart");
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            Component c = started.get(i);
            if (c == http) {
                continue;
            }
            closeQuietly(c);
        }
        started.clear();
        LOG.info("loglane: stopped");
    }

    /** Drains every input within one shared deadline; an input that does not finish in time is closed anyway. */
    private void drainInputs(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        for (Input in : inputs) {
            try {
                in.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))); // logs what it leaves unanswered
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("loglane: interrupted while draining input '{}'", in.name());
                return;
            } catch (RuntimeException e) {
                LOG.warn("loglane: error draining input '{}': {}", in.name(), e.toString());
            }
        }
    }

    private static void closeQuietly(Component c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("loglane: error closing {}: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
