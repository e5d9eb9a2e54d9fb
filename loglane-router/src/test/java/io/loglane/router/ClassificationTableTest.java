package io.loglane.router;

import static io.loglane.router.Records.block;
import static io.loglane.router.Records.rec;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled lanes' content rules over real-looking lines, each sent as Docker/FireLens sends a
 * container's stdout line ({@code log} with a trailing newline, container metadata beside it) under a
 * tag that names no lane, so content alone decides.
 */
class ClassificationTableTest {
    static Stream<Arguments> lines() {
        return Stream.of(
                // access: nginx combined (with and without $request_time), Apache common, a probe, a garbled request
                row("access", "172.17.0.1 - - [05/Dec/2026:04:15:49 +0000] \"GET /api/v1/items?page=2 HTTP/1.1\" 200 5316 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" 0.012"),
                row("access", "10.0.3.7 - alice [05/Dec/2026:04:15:49 +0100] \"POST /login HTTP/2.0\" 302 0 \"https://shop.example/\" \"curl/8.5.0\""),
                row("access", "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326"),
                row("access", "10.244.0.1 - - [05/Dec/2026:04:15:49 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.31\""),
                row("access", "45.13.0.9 - - [05/Dec/2026:04:15:49 +0000] \"\\x16\\x03\\x01\\x00\\xCA\" 400 157 \"-\" \"-\""),
                // error: levels in JSON, logfmt and plain text
                row("error", "{\"time\":\"2026-12-05T04:15:49Z\",\"level\":\"error\",\"msg\":\"payment declined\",\"order\":42}"),
                row("error", "{\"@timestamp\":\"2026-12-05T04:15:49.123Z\",\"log.level\":\"ERROR\",\"severity\":\"FATAL\",\"message\":\"out of memory\"}"),
                row("error", "{\"ts\":1795586400,\"lvl\":\"crit\",\"msg\":\"raid degraded\""),                       // half a JSON line
                row("error", "time=2026-12-05T04:15:49Z level=error msg=\"db down\" err=\"dial tcp: i/o timeout\""),
                row("error", "ts=2026-12-05T04:15:49Z caller=main.go:42 component=\"query engine\" msg=\"shard failed\" level=error"),
                row("error", "2026-12-05T04:15:49.123Z ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet failed"),
                row("error", "2026-12-05 04:15:49,123 [main] ERROR com.example.Billing - invoice 42 not sent"),
                row("error", "ERROR:root:division by zero"),
                row("error", "[2026-12-05 04:15:49] production.ERROR: SQLSTATE[HY000] [2002] Connection refused"),
                row("error", "2026/12/05 04:15:49 [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream"),
                row("error", "E1205 04:15:49.123456       1 reflector.go:138] failed to list *v1.Pod: Unauthorized"),
                row("error", "<11>Dec  5 04:15:49 web-1 app[1]: disk full"),
                row("error", "E, [2026-12-05T04:15:49.123456 #1] ERROR -- : ActiveRecord::ConnectionNotEstablished"),
                row("error", "panic: runtime error: invalid memory address or nil pointer dereference"),
                // trace: frames of every runtime, one record per line as a logging driver splits them
                row("trace", "\tat com.example.Billing.send(Billing.java:88)"),
                row("trace", "Caused by: java.net.SocketTimeoutException: Read timed out"),
                row("trace", "Exception in thread \"main\" java.lang.IllegalStateException: boom"),
                row("trace", "Traceback (most recent call last):"),
                row("trace", "  File \"/app/worker.py\", line 12, in handle"),
                row("trace", "goroutine 1 [running]:"),
                row("trace", "    at processTicksAndRejections (node:internal/process/task_queues:95:5)"),
                row("trace", "   at Shop.Orders.Handler.Process(Order o) in /src/Orders/Handler.cs:line 42"),
                row("trace", "java.lang.NullPointerException: x\n\tat a.B.c(B.java:1)\n\tat a.B.main(B.java:9)"),
                // audit: auditd, Kubernetes audit events, an AUDIT level
                row("audit", "type=USER_LOGIN msg=audit(1733372149.123:456): pid=812 uid=0 auid=1000 ses=3 msg='op=login acct=\"alice\" res=success'"),
                row("audit", "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"verb\":\"delete\",\"objectRef\":{\"resource\":\"secrets\"}}"),
                row("audit", "2026-12-05 04:15:49 AUDIT user=alice action=transfer amount=100"),
                row("audit", "[AUDIT] role granted: admin to bob"),
                // default: everything else
                row("default", "2026-12-05 04:15:49 INFO  [main] c.e.App - started in 2.1s"),
                row("default", "{\"level\":\"info\",\"msg\":\"error count is 0\"}"),
                row("default", "time=2026-12-05T04:15:49Z level=warn msg=\"slow query\" took=2.1s"),
                row("default", "W1205 04:15:49.123456       1 warnings.go:70] v1 Endpoints is deprecated"),
                row("default", "<14>Dec  5 04:15:49 web-1 app[1]: user logged in"),
                row("default", "GET /health 200"),
                row("default", "Listening on :8080"),
                row("default", "audit log rotated"),
                row("default", ""));
    }

    private static Arguments row(String lane, String log) {
        return Arguments.of(lane, log);
    }

    @ParameterizedTest(name = "{0} ← {1}")
    @MethodSource("lines")
    void eachLineGoesToItsLane(String lane, String log) throws Exception {
        LoglaneConfig config = RouterTest.LOADER.load(new ConfigSource(RouterTest.BUNDLED.toString(), Files.readString(RouterTest.BUNDLED)));
        InMemoryStream stream = new InMemoryStream(config);
        Router router = new Router(config, stream, new SimpleMeterRegistry(), new MutableClock());
        router.start();
        Map<String, String> r = rec("log", log + "\n", "container_id", "3f2a9c", "container_name", "/shop-api", "source", "stdout",
                "ecs_cluster", "prod");
        router.submit(new IngestRequest(new Source("forward", "127.0.0.1"), "docker.3f2a9c", block(r), null, 1L, null))
                .get(10, TimeUnit.SECONDS);
        List<String> got = config.lanes().keySet().stream().filter(l -> !stream.lane(l).appended.isEmpty()).toList();
        assertThat(got).as(log).containsExactly(lane);
    }
}
