package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.core.telemetry.MetricNames;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/HTTP logs ({@code POST /v1/logs}) against a node in this JVM: the real OpenTelemetry Java
 * SDK's OTLP/HTTP log exporter (protobuf, gzip) delivers records that arrive in SQL with their
 * resource attributes as Forward's columns, severity as level and trace ids kept; the spec's JSON
 * encoding (hex ids, string int64) is read the same; refusals answer as the spec says.
 */
class OtlpLogsTest {
    private static final String TRACE = "5b8efff798038103d269b633813fc60c";
    private static final String SPAN = "eee19b7ec3c1b174";

    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "server:\n  http_max_body: 64KiB\n");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void theOpenTelemetrySdksExporterDeliversRecordsWithTheirAttributesIntoSql() throws Exception {
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder().setEndpoint(t.url() + "/v1/logs")
                .setCompression("gzip").build();
        Resource resource = Resource.create(Attributes.builder().put("service.name", "checkout")
                .put("host.name", "node-7").put("container.id", "c0ffee").put("k8s.container.name", "api")
                .put("k8s.namespace.name", "shop").put("k8s.pod.name", "api-6d9f").build());
        SdkLoggerProvider provider = SdkLoggerProvider.builder().setResource(resource)
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build();
        try {
            Logger logger = provider.get("io.shop.Checkout");
            Context traced = Context.root().with(Span.wrap(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault())));
            Instant at = Instant.parse("2026-12-05T04:00:00.123456Z");
            logger.logRecordBuilder().setTimestamp(at).setSeverity(Severity.ERROR).setBody("payment declined: E_CARD_DEC")
                    .setAttribute(AttributeKey.longKey("http.status_code"), 402L).setContext(traced).emit();
            logger.logRecordBuilder().setTimestamp(at.plusMillis(1)).setSeverity(Severity.INFO).setBody("order placed").emit();
            CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
            assertThat(flushed.isSuccess()).as("the exporter's requests were answered 200").isTrue();
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
        t.flush();
        JsonNode rows = t.sqlRows("SELECT lane, tag, strftime(ts, '%Y-%m-%dT%H:%M:%S.%f'), message, host, container_id, container_name,"
                + " json_extract_string(attrs, '$.level'), json_extract_string(attrs, '$.trace_id'), json_extract_string(attrs, '$.span_id'),"
                + " json_extract_string(attrs, '$.service_name'), k8s_namespace,"
                + " json_extract_string(attrs, '$.http_status_code'), json_extract_string(attrs, '$.scope_name')"
                + " FROM logs WHERE tag = 'otlp.checkout' ORDER BY ts");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).toString()).isEqualTo("[\"error\",\"otlp.checkout\",\"2026-12-05T04:00:00.123456\","
                + "\"payment declined: E_CARD_DEC\",\"node-7\",\"c0ffee\",\"api\",\"ERROR\",\"" + TRACE + "\",\"" + SPAN + "\","
                + "\"checkout\",\"shop\",\"402\",\"io.shop.Checkout\"]");
        assertThat(rows.get(1).get(3).asText()).isEqualTo("order placed");
        String q = java.net.URLEncoder.encode("{ $.trace_id = \"" + TRACE + "\" }", StandardCharsets.UTF_8);
        HttpResponse<String> found = t.get("/api/v1/search?lane=error&from=2026-12-05T00:00:00Z&q=" + q);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        assertThat(TestNode.json(found).get("total").asInt()).as("searchable by its trace id: " + found.body()).isEqualTo(1);
        assertThat(rows.get(1).get(8).isNull()).as("no trace id without a span context").isTrue();
    }

    @Test
    void theSpecsJsonEncodingWithHexIdsAndStringInt64sIsReadAndAnsweredInJson() throws Exception {
        String body = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
                  "scopeLogs":[{"scope":{"name":"s"},"logRecords":[
                    {"timeUnixNano":"1764907200000000000","severityNumber":17,"traceId":"%s","spanId":"%s",
                     "body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"login"}},{"key":"ok","value":{"boolValue":false}}]}},
                     "attributes":[{"key":"user.id","value":{"intValue":"42"}}]},
                    {"observedTimeUnixNano":"1764907201000000000","body":{"stringValue":"bad id"},"traceId":"abc"}
                  ]}]}]}
                """.formatted(TRACE, SPAN);
        HttpResponse<String> r = t.post("/v1/logs", body, Map.of("Content-Type", "application/json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode partial = TestNode.json(r).get("partialSuccess");
        assertThat(partial.get("rejectedLogRecords").asText()).isEqualTo("1");
        assertThat(partial.get("errorMessage").asText()).contains("trace_id must be 16 bytes");
        t.flush();
        JsonNode rows = t.sqlRows("SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S'), message, json_extract_string(attrs, '$.level'),"
                + " json_extract_string(attrs, '$.trace_id'), json_extract(attrs, '$.user_id') FROM logs WHERE tag = 'otlp.json-svc'");
        assertThat(rows.toString()).isEqualTo("[[\"2025-12-05T04:00:00\",\"{\\\"event\\\":\\\"login\\\",\\\"ok\\\":false}\",\"ERROR\",\""
                + TRACE + "\",\"42\"]]");
        JsonNode source = null;
        for (JsonNode e : TestNode.json(t.get("/api/v1/sources")).get("sources")) {
            if (e.path("input").asText().equals("otlp") && e.path("tag").asText().equals("otlp.json-svc")) {
                source = e;
            }
        }
        assertThat(source).as("the ledger's entry of the client's host and the service").isNotNull();
        assertThat(source.get("peer").asText()).isEqualTo("127.0.0.1");
        assertThat(source.get("received").asLong()).isEqualTo(2);
        assertThat(source.get("accepted").asLong()).isEqualTo(1);
        assertThat(source.get("rejected").toString()).isEqualTo("{\"invalid_record\":1}");
    }

    @Test
    void malformedUnsupportedAndOversizedBodiesAreRefusedAsTheSpecSays() throws Exception {
        HttpResponse<String> garbage = t.post("/v1/logs", HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01, 0x02}),
                Map.of("Content-Type", "application/x-protobuf"));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(t.post("/v1/logs", "{\"resourceLogs\": [", Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(400);
        assertThat(t.post("/v1/logs", "x", Map.of("Content-Type", "text/plain")).statusCode()).isEqualTo(415);
        HttpResponse<String> brokenGzip = t.post("/v1/logs", "not gzip", Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));
        assertThat(brokenGzip.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(brokenGzip).get("code").asInt()).as("google.rpc.Status INVALID_ARGUMENT").isEqualTo(3);
        HttpResponse<String> tooLarge = t.post("/v1/logs", "{\"resourceLogs\":[]}" + " ".repeat(70_000), Map.of("Content-Type", "application/json"));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
            gz.write(("{\"resourceLogs\":[]}" + " ".repeat(300_000)).getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> inflated = t.post("/v1/logs", HttpRequest.BodyPublishers.ofByteArray(bomb.toByteArray()),
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));
        assertThat(inflated.statusCode()).as("decompresses past 4 x http_max_body").isEqualTo(413);
        assertThat(t.node.registry().find(MetricNames.PROTOCOL_ERRORS).tags(MetricNames.INPUT, "otlp", MetricNames.REASON, "malformed_otlp")
                .counter().count()).isEqualTo(3);
        assertThat(t.node.registry().find(MetricNames.PROTOCOL_ERRORS).tags(MetricNames.INPUT, "otlp", MetricNames.REASON, "body_too_large")
                .counter().count()).isEqualTo(2);
        HttpResponse<String> empty = t.post("/v1/logs", "{}", Map.of("Content-Type", "application/json"));
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEqualTo("{}");
    }
}
