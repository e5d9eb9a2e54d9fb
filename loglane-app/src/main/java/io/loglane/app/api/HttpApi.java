package io.loglane.app.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.loglane.app.LaneStatus;
import io.loglane.app.LaneStatusSource;
import io.loglane.app.health.NodeHealth;
import io.loglane.app.search.HotColdSearch;
import io.loglane.app.tail.TailService;
import io.loglane.core.config.ServerSettings;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.lifecycle.Component;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.delivery.DeliveryEngine;
import io.loglane.inputs.http.ApiError;
import io.loglane.core.lifecycle.Input;
import io.loglane.inputs.cloudwatch.CloudWatchInput;
import io.loglane.inputs.http.HttpInput;
import io.loglane.inputs.otlp.OtlpInput;
import java.util.List;
import io.loglane.query.QueryResult;
import io.loglane.query.SqlEngine;
import io.loglane.query.SqlExecutionException;
import io.loglane.query.SqlRejectedException;
import io.loglane.query.SqlStorageException;
import io.loglane.query.SqlTimeoutException;
import io.loglane.stores.archive.ArchiveSink;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP port: ingest, the API, {@code /metrics} and the web UI ({@link WebUi}). Handlers stay thin; each route's
 * statuses are listed here.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>GET /healthz</td><td>liveness: 200 whenever the process serves HTTP, whatever it reports; the body
 *       ({@link NodeHealth}) says {@code "status": "ok"} or {@code "failing"} and names each failing lane stream and
 *       store with its reason, and whether the node is ready</td></tr>
 *   <tr><td>GET /readyz</td><td>readiness: 200 once stream recovery is done and every listener (HTTP, each Forward
 *       input) is bound; 503 while starting and from the start of shutdown. A failing store does not make a node
 *       unready: its stream keeps taking events, and no other node would take them better</td></tr>
 *   <tr><td>GET /metrics</td><td>200 Prometheus text</td></tr>
 *   <tr><td>POST /api/v1/ingest/{tag}</td><td>the http input's {@link HttpInput#handler}; 404 when {@code inputs:} lists no
 *       {@code type: http} input</td></tr>
 *   <tr><td>POST /</td><td>the CloudWatch Logs API ({@code X-Amz-Target: Logs_20140328.*}), the cloudwatch input's
 *       {@link CloudWatchInput#handler}; 404 when {@code inputs:} lists no {@code type: cloudwatch} input</td></tr>
 *   <tr><td>POST /v1/logs</td><td>OTLP/HTTP logs, the otlp input's {@link OtlpInput#handler}; 404 when {@code inputs:}
 *       lists no {@code type: otlp} input</td></tr>
 *   <tr><td>POST /api/v1/sql</td><td>200 result; 400 bad request or statement refused (with reason); 408 timeout;
 *       503 {@code archive_unavailable}: the archive's files could not be listed (I/O error), not the query's fault</td></tr>
 *   <tr><td>POST /api/v1/flush</td><td>200 once everything acknowledged before the call is queryable; 504
 *       {@code flush_timeout} if that takes longer than the timeout</td></tr>
 *   <tr><td>GET /api/v1/search</td><td>{@link SearchHandler}: 200 hits newest first, from the index and, for what it does not hold, the archive; 400 bad parameters, query or cursor</td></tr>
 *   <tr><td>GET /api/v1/histogram</td><td>{@link SearchHandler#histogram}: 200 counts per interval; 400 as search</td></tr>
 *   <tr><td>GET /api/v1/fields, /api/v1/fields/{name}/top</td><td>{@link FieldsHandler}: the matches' fields, a field's
 *       top values; 400/404 as search</td></tr>
 *   <tr><td>GET /api/v1/context</td><td>{@link ContextHandler}: the lines around a hit; 404 unknown lane or offset</td></tr>
 *   <tr><td>POST /api/v1/filter/test</td><td>{@link FilterTestRoute}: 200 the matching events; 400 bad body or
 *       pattern (with its position); 413 an event too large</td></tr>
 *   <tr><td>GET /api/v1/tail</td><td>{@link TailRoute}: 200 Server-Sent Events; 400 bad pattern or offset; 404
 *       unknown lane</td></tr>
 *   <tr><td>GET /api/v1/lanes</td><td>200 per-lane status</td></tr>
 *   <tr><td>GET /, /lanes, /explorer, /sql</td><td>200 the web UI's page; its assets under /ui/ and /webjars/</td></tr>
 *   <tr><td>GET /api/v1/sources</td><td>200 the completeness ledger per source ({@link SourcesAnswer})</td></tr>
 *   <tr><td>any</td><td>404 unknown route, 413 body too large, 431 request head over {@code server.http_max_header}
 *       (414 for the URI), 500 {@code internal_error} with the error; once {@code server.auth.tokens} lists a token,
 *       401/403/429 from {@link ApiAuth} before the route runs (scopes per route in {@link RouteScopes})</td></tr>
 * </table>
 * The port speaks HTTPS only when {@code server.tls} is set, and closes connections that are slow to send a request
 * head or finish a handshake ({@link HttpConnectorFactory}).
 * Every server error (5xx) outside ingest is logged, rate-limited per route and reason, and counted
 * under {@code loglane.api.errors{route, reason}}; the http input logs and counts its own refusals.
 *
 * <p>Thread-safety: Jetty serves requests on its own pool; every collaborator is thread-safe.
 */
public final class HttpApi implements Component {
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(120);

    private final ServerSettings settings;
    private final Ingest ingest;
    /** The inputs served on this port (http, cloudwatch, otlp); empty in tests of other routes. */
    private final List<Input> inputs;
    private final SqlEngine sql;
    /** Null when the node has no index search (tests of other routes). */
    private final SearchHandler search;
    private final FieldsHandler fields;
    private final ContextHandler context;
    private final DeliveryEngine delivery;
    private final LaneStatusSource lanes;
    private final TailService tail;
    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final int port;
    private final RateLimitedLog log;
    private final WebUi ui = new WebUi();
    private final AuditHeadRoute auditHead;
    private Javalin app;

    /**
     * @param inputs the node's inputs, null for none: those served on this port (the {@code type: http}
     *               input's ingest route, the {@code type: cloudwatch} input's API) register their
     *               routes; a route whose input is not declared answers 404
     */
    public HttpApi(ServerSettings settings, int port, Ingest ingest, List<Input> inputs, SqlEngine sql, HotColdSearch search,
                   DeliveryEngine delivery, LaneStatusSource lanes, TailService tail, PrometheusMeterRegistry registry, Clock clock) {
        this(settings, port, ingest, inputs, sql, search, delivery, lanes, tail, null, registry, clock);
    }

    /** As above, with {@code GET /api/v1/audit/head} served by {@code auditHead} (404 when null). */
    public HttpApi(ServerSettings settings, int port, Ingest ingest, List<Input> inputs, SqlEngine sql, HotColdSearch search,
                   DeliveryEngine delivery, LaneStatusSource lanes, TailService tail, AuditHeadRoute auditHead,
                   PrometheusMeterRegistry registry, Clock clock) {
        this.auditHead = auditHead;
        this.settings = settings;
        this.port = port;
        this.ingest = ingest;
        this.inputs = inputs == null ? List.of() : List.copyOf(inputs);
        this.sql = sql;
        this.search = search == null ? null
                : new SearchHandler(search, clock, name -> lanes.laneStatuses().stream().anyMatch(l -> l.name().equals(name)));
        this.fields = search == null ? null : new FieldsHandler(search, this.search);
        this.context = search == null ? null : new ContextHandler(search.index(), this.search);
        this.delivery = delivery;
        this.lanes = lanes;
        this.tail = tail;
        this.registry = registry;
        this.clock = clock;
        this.log = new RateLimitedLog(LoggerFactory.getLogger(HttpApi.class), clock, Duration.ofSeconds(10));
    }

    @Override
    public void start() {
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = settings.httpMaxBody();
            cfg.http.asyncTimeout = FLUSH_TIMEOUT.toMillis() + 5_000;
            cfg.useVirtualThreads = true;
            cfg.jetty.addConnector((server, http) -> HttpConnectorFactory.create(server, http, settings.bind(), port, settings.http(), registry));
            ui.configure(cfg);
        });
        if (settings.http().authEnabled()) {
            app.before(new ApiAuth(settings.http().tokens(), registry, clock));
        }
        ui.routes(app);
        app.get("/healthz", ctx -> ctx.json(lanes.health()));
        app.get("/readyz", this::ready);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
        app.post("/api/v1/ingest/{tag}", input(HttpInput.class).map(h -> h.handler(settings.httpMaxBody()))
                .orElse(notConfigured("http")));
        app.post("/", input(CloudWatchInput.class).map(c -> c.handler(settings.httpMaxBody())).orElse(notConfigured("cloudwatch")));
        app.post("/v1/logs", input(OtlpInput.class).map(o -> o.handler(settings.httpMaxBody())).orElse(notConfigured("otlp")));
        app.post("/api/v1/sql", this::sql);
        app.post("/api/v1/flush", this::flush);
        if (search != null) {
            app.get("/api/v1/search", search::handle);
            app.get("/api/v1/histogram", search::histogram);
            app.get("/api/v1/fields", fields::fields);
            app.get("/api/v1/fields/{name}/top", fields::top);
            app.get("/api/v1/context", context::handle);
        }
        app.post("/api/v1/filter/test", new FilterTestRoute(settings.httpMaxBody()));
        if (tail != null) {
            app.get("/api/v1/tail", new TailRoute(tail));
        }
        app.get("/api/v1/lanes", ctx -> ctx.json(Map.of("lanes", lanes.laneStatuses())));
        app.get("/api/v1/sources", ctx -> ctx.json(SourcesAnswer.of(ingest.sources())));
        if (auditHead != null) {
            app.get("/api/v1/audit/head", auditHead);
        }
        // Javalin throws a plain HttpResponseException (status 413) when a Content-Length is over the limit.
        app.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(ApiError.of(e.getStatus() == 413
                ? "request body exceeds " + settings.httpMaxBody() + " bytes (server.http_max_body)" : e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> serverError(ctx, 500, "internal_error", e.toString()));
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                ctx.json(ApiError.of("no such route: " + ctx.method() + " " + ctx.path()));
            }
        });
        app.start(); // on the one connector built above
    }

    /** The input of that class, if the node has one (the loader allows at most one of each type served on this port). */
    private <T extends Input> java.util.Optional<T> input(Class<T> type) {
        return inputs.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    private static io.javalin.http.Handler notConfigured(String type) {
        return ctx -> ctx.status(404).json(ApiError.of("no " + type + " input is configured: add `- type: " + type + "` to inputs:"));
    }

    private void ready(Context ctx) {
        NodeHealth h = lanes.health();
        if (h.ready()) {
            ctx.json(Map.of("ready", true, "phase", h.phase()));
        } else {
            ctx.status(503).json(ApiError.of("not ready: " + h.phase(), "ready", false, "phase", h.phase()));
        }
    }

    /** The bound port (useful when configured as 0). */
    public int port() { return app.port(); }

    private void sql(Context ctx) throws java.io.IOException {
        com.fasterxml.jackson.databind.JsonNode body = JsonBodies.read(ctx, settings.httpMaxBody(), "{\"sql\": \"SELECT ...\"}");
        if (body == null) {
            return;
        }
        com.fasterxml.jackson.databind.JsonNode q = body.get("sql");
        if (q == null || !q.isTextual() || q.asText().isBlank()) {
            ctx.status(400).json(ApiError.of("body must be {\"sql\": \"SELECT ...\"}"));
            return;
        }
        String query = q.asText();
        try {
            ctx.json(answer(sql.execute(query)));
        } catch (SqlRejectedException e) {
            ctx.status(400).json(ApiError.of(e.getMessage()));
        } catch (SqlTimeoutException e) {
            ctx.status(408).json(ApiError.of(e.getMessage()));
        } catch (SqlExecutionException e) {
            ctx.status(400).json(ApiError.of(e.getMessage()));
        } catch (SqlStorageException e) {
            serverError(ctx, 503, "archive_unavailable", e.getMessage());
        }
    }

    /**
     * Answers a server error {@code {"error": message, "reason": reason}}, logs it (rate-limited
     * per route and reason) and counts it under {@code loglane.api.errors{route, reason}}.
     */
    private void serverError(Context ctx, int status, String reason, String message) {
        String route = ctx.endpointHandlerPath();
        registry.counter(MetricNames.API_ERRORS, MetricNames.ROUTE, route, MetricNames.REASON, reason).increment();
        log.warn(route + " " + reason, "api: " + ctx.method() + " " + route + " answered " + status + " " + reason + ": " + message);
        ctx.status(status).json(ApiError.of(message, "reason", reason));
    }

    /**
     * The query result plus what it covered, so an empty or small answer is never mistaken for
     * "no such events": the store it read ({@code archive}) and, per lane, the events already
     * acknowledged that the archive does not hold yet ({@code notYetQueryable}; empty when none,
     * {@code POST /api/v1/flush} makes them queryable).
     */
    private Map<String, Object> answer(QueryResult r) {
        Map<String, Long> pending = new TreeMap<>();
        for (LaneStatus lane : lanes.laneStatuses()) {
            for (LaneStatus.StoreStatus s : lane.stores()) {
                if (s.store().equals(ArchiveSink.STORE) && s.lag() > 0) {
                    pending.put(lane.name(), s.lag());
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columns", r.columns());
        out.put("rows", r.rows());
        out.put("truncated", r.truncated());
        out.put("rowLimit", r.rowLimit());
        out.put("elapsedMs", r.elapsedMs());
        out.put("store", ArchiveSink.STORE);
        out.put("notYetQueryable", pending);
        return out;
    }

    private void flush(Context ctx) throws Exception {
        // it takes no body, but one is read within the limit like everywhere else, never unbounded
        if (io.loglane.inputs.http.RequestBodies.read(ctx, io.loglane.inputs.http.RequestBodies.cap(settings.httpMaxBody())).tooLarge()) {
            ctx.status(413).json(ApiError.of("request body exceeds " + settings.httpMaxBody() + " bytes (server.http_max_body)"));
            return;
        }
        long t0 = System.nanoTime();
        try {
            delivery.flushAll().get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ctx.json(Map.of("flushed", true, "elapsed_ms", (System.nanoTime() - t0) / 1_000_000));
        } catch (TimeoutException e) {
            serverError(ctx, 504, "flush_timeout", "flush did not complete within " + FLUSH_TIMEOUT.toSeconds()
                    + " s; a store may be failing (see GET /healthz)");
        }
    }

    /** Stops accepting requests; in-flight requests finish. */
    @Override
    public void close() {
        if (tail != null) {
            tail.close(); // live tails never end by themselves: end them so in-flight requests finish
        }
        if (app != null) {
            app.stop();
            app = null;
        }
    }
}
