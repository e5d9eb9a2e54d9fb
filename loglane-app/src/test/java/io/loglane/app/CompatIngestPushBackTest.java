package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatible ingest routes push back the way their clients retry: a lane's rate limit is 400
 * {@code ThrottlingException} for the CloudWatch Logs API and 429 for OTLP, a paused node 503 for
 * both, each with {@code Retry-After}; nothing of a refused request is stored.
 */
class CompatIngestPushBackTest {
    private static final String CW = "application/x-amz-json-1.1";

    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, """
                lanes:
                  limited:
                    match:
                      - tag_suffix: [limited]
                    rate: {events_per_second: 1, burst: 2}
                """);
        cw("CreateLogGroup", "{\"logGroupName\":\"/app/limited\"}");
        cw("CreateLogStream", "{\"logGroupName\":\"/app/limited\",\"logStreamName\":\"s\"}");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static HttpResponse<String> cw(String action, String body) throws Exception {
        return t.post("/", body, Map.of("Content-Type", CW, "X-Amz-Target", "Logs_20140328." + action));
    }

    private static String putEvents(int n) {
        StringBuilder b = new StringBuilder("{\"logGroupName\":\"/app/limited\",\"logStreamName\":\"s\",\"logEvents\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"timestamp\":").append(t.clock.millis()).append(",\"message\":\"m").append(i).append("\"}");
        }
        return b.append("]}").toString();
    }

    private static String otlpRecords(int n) {
        StringBuilder b = new StringBuilder("{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                + "\"value\":{\"stringValue\":\"limited\"}}]},\"scopeLogs\":[{\"logRecords\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"body\":{\"stringValue\":\"r").append(i).append("\"}}");
        }
        return b.append("]}]}]}").toString();
    }

    @Test
    void aLanesRateLimitIsThrottlingForCloudWatchAnd429ForOtlp() throws Exception {
        long before = t.lane("limited").streamEnd();
        HttpResponse<String> cw = cw("PutLogEvents", putEvents(5));
        assertThat(cw.statusCode()).as(cw.body()).isEqualTo(400);
        assertThat(TestNode.json(cw).get("__type").asText()).isEqualTo("ThrottlingException");
        assertThat(cw.headers().firstValue("Retry-After")).hasValue("1");

        HttpResponse<String> otlp = t.post("/v1/logs", otlpRecords(5), Map.of("Content-Type", "application/json"));
        assertThat(otlp.statusCode()).as(otlp.body()).isEqualTo(429);
        assertThat(otlp.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TestNode.json(otlp).get("code").asInt()).as("RESOURCE_EXHAUSTED").isEqualTo(8);
        assertThat(t.lane("limited").streamEnd()).as("nothing stored").isEqualTo(before);
    }

    @Test
    void aPausedNodeIs503WithRetryAfterForBoth() throws Exception {
        t.node.pauseInputs();
        try {
            HttpResponse<String> cw = cw("PutLogEvents", putEvents(1));
            assertThat(cw.statusCode()).isEqualTo(503);
            JsonNode error = TestNode.json(cw);
            assertThat(error.get("__type").asText()).isEqualTo("ServiceUnavailableException");
            assertThat(cw.headers().firstValue("Retry-After")).hasValue("1");
            HttpResponse<String> otlp = t.post("/v1/logs", otlpRecords(1), Map.of("Content-Type", "application/json"));
            assertThat(otlp.statusCode()).isEqualTo(503);
            assertThat(otlp.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(TestNode.json(otlp).get("code").asInt()).as("UNAVAILABLE").isEqualTo(14);
        } finally {
            t.node.resumeInputs();
        }
        assertThat(t.post("/v1/logs", otlpRecords(1), Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(200);
    }
}
