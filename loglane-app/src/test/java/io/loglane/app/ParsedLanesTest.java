package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parser chains end to end: lines sent over HTTP are parsed by their lane's chain, their typed
 * fields land as typed archive columns (SQL) and typed index fields (search), their stated time is
 * the event time, and a line no parser of the chain reads is kept whole as the message.
 */
class ParsedLanesTest {
    private static final String RANGE = "&from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z";

    private static final String OVERLAY = """
            lanes:
              svc:
                match:
                  - tag_suffix: [svc]
                parser:
                  - {name: json, types: {status: int, took: double}}
                  - {name: logfmt, types: {status: int, took: double}}
                  - regex: '^(?P<level>[A-Z]+) status=(?P<status>\\d+) took=(?P<took>[\\d.]+) at=(?P<at>\\S+)'
                    types: {status: int, took: double}
                    time_key: at
                    time_format: '%Y-%m-%dT%H:%M:%S%z'
                to: [archive, index]
              sys:
                match:
                  - tag_suffix: [sys]
                parser: syslog
                to: [archive, index]
            """;

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private static JsonNode sql(TestNode t, String sql) throws Exception {
        var r = t.post("/api/v1/sql", TestNode.JSON.writeValueAsString(Map.of("sql", sql)), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.json(r).get("rows");
    }

    @Test
    void chainFieldsAreTypedColumnsAndIndexFieldsWithTheLinesOwnTime(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, OVERLAY)) {
            String body = """
                    {"log":"{\\"status\\":503,\\"took\\":0.5,\\"time\\":\\"2026-12-05T01:00:00Z\\",\\"user\\":\\"ann\\"}\\n","container_id":"c1"}
                    {"log":"time=2026-12-05T02:00:00Z status=404 took=1.25 user=bob\\n","container_id":"c1"}
                    {"log":"ERROR status=500 took=2.5 at=2026-12-05T05:00:00+0200","container_id":"c2"}
                    {"log":"nothing a parser reads","container_id":"c2"}
                    """;
            assertThat(t.post("/api/v1/ingest/app.svc", body, Map.of()).statusCode()).isEqualTo(202);
            String sys = """
                    {"message":"<165>1 2026-12-05T04:00:00.5Z web-1 nginx 77 - - upstream timed out"}
                    {"message":"<11>Dec  5 04:30:00 web-2 sshd[9]: auth failure"}
                    """;
            assertThat(t.post("/api/v1/ingest/host.sys", sys, Map.of()).statusCode()).isEqualTo(202);
            t.flush();

            JsonNode types = sql(t, "SELECT typeof(status), typeof(took) FROM svc LIMIT 1");
            assertThat(types.get(0).get(0).asText()).isEqualTo("BIGINT");
            assertThat(types.get(0).get(1).asText()).isEqualTo("DOUBLE");
            JsonNode rows = sql(t, "SELECT status, took, level, strftime(ts, '%Y-%m-%dT%H:%M:%S'), message FROM svc ORDER BY ts");
            assertThat(rows).hasSize(4);
            assertThat(rows.get(0).get(0).asLong()).isEqualTo(503);
            assertThat(rows.get(0).get(1).asDouble()).isEqualTo(0.5);
            assertThat(rows.get(0).get(3).asText()).isEqualTo("2026-12-05T01:00:00");
            assertThat(rows.get(1).get(0).asLong()).as("logfmt").isEqualTo(404);
            assertThat(rows.get(1).get(3).asText()).isEqualTo("2026-12-05T02:00:00");
            assertThat(rows.get(2).get(0).asLong()).as("regex").isEqualTo(500);
            assertThat(rows.get(2).get(2).asText()).isEqualTo("ERROR");
            assertThat(rows.get(2).get(3).asText()).as("time_key in its time_format").isEqualTo("2026-12-05T03:00:00");
            assertThat(rows.get(3).get(0).isNull()).isTrue();
            assertThat(rows.get(3).get(4).asText()).as("an unparsed line is kept whole").isEqualTo("nothing a parser reads");
            assertThat(sql(t, "SELECT count(*) FROM svc WHERE json_extract_string(attrs, '$.user') = 'bob'").get(0).get(0).asLong())
                    .as("logfmt pairs not declared as columns are in attrs").isEqualTo(1);

            JsonNode hits = TestNode.json(t.get("/api/v1/search?lane=svc&q=" + q("status:[500 TO 599]") + RANGE));
            assertThat(hits.get("total").asLong()).as(hits.toString()).isEqualTo(2);

            JsonNode s = sql(t, "SELECT severity, facility, app_name, hostname, msg, strftime(ts, '%H:%M:%S') FROM sys ORDER BY ts");
            assertThat(s.get(0).get(0).asText()).isEqualTo("notice");
            assertThat(s.get(0).get(1).asText()).isEqualTo("local4");
            assertThat(s.get(0).get(4).asText()).isEqualTo("upstream timed out");
            assertThat(s.get(1).get(0).asText()).isEqualTo("err");
            assertThat(s.get(1).get(2).asText()).isEqualTo("sshd");
            assertThat(s.get(1).get(5).asText()).isEqualTo("04:30:00");
            JsonNode err = TestNode.json(t.get("/api/v1/search?lane=sys&q=" + q("severity:err") + "&from=2020-01-01T00:00:00Z"));
            assertThat(err.get("total").asLong()).as(err.toString()).isEqualTo(1);
        }
    }

    @Test
    void ecsAndKubernetesMetadataAreColumnsAndIndexFieldsOfEveryLane(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, "")) {
            String body = """
                    {"log":"10.0.0.1 - - [05/Dec/2026:04:00:00 +0000] \\"GET / HTTP/1.1\\" 200 5 \\"-\\" \\"curl\\"","container_id":"c1","ecs_cluster":"prod","ecs_task_arn":"arn:aws:ecs:eu-west-1:1:task/prod/abc","ecs_task_definition":"shop:7"}
                    {"log":"ERROR payment failed","k8s_namespace":"shop","k8s_pod":"api-7d9f","k8s_pod_uid":"0f1e","k8s_container":"api","time":"2026-12-05T04:00:01Z"}
                    """;
            assertThat(t.post("/api/v1/ingest/app", body, Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            JsonNode access = sql(t, "SELECT ecs_cluster, ecs_task_arn, ecs_task_definition, status, attrs FROM access");
            assertThat(access.get(0).get(0).asText()).isEqualTo("prod");
            assertThat(access.get(0).get(1).asText()).isEqualTo("arn:aws:ecs:eu-west-1:1:task/prod/abc");
            assertThat(access.get(0).get(2).asText()).isEqualTo("shop:7");
            assertThat(access.get(0).get(3).asLong()).as("beside the parser's columns").isEqualTo(200);
            assertThat(access.get(0).get(4).isNull() || !access.get(0).get(4).asText().contains("ecs_")).as("not repeated in attrs").isTrue();
            JsonNode error = sql(t, "SELECT k8s_namespace, k8s_pod, k8s_pod_uid, k8s_container, ecs_cluster FROM error");
            assertThat(error.get(0).get(0).asText()).isEqualTo("shop");
            assertThat(error.get(0).get(1).asText()).isEqualTo("api-7d9f");
            assertThat(error.get(0).get(2).asText()).isEqualTo("0f1e");
            assertThat(error.get(0).get(3).asText()).isEqualTo("api");
            assertThat(error.get(0).get(4).isNull()).isTrue();
            assertThat(sql(t, "SELECT count(*) FROM logs WHERE ecs_cluster = 'prod' OR k8s_namespace = 'shop'").get(0).get(0).asLong())
                    .as("the all-lanes view has them too").isEqualTo(2);
            JsonNode hits = TestNode.json(t.get("/api/v1/search?lane=error&q=" + q("k8s_pod:api-7d9f") + RANGE));
            assertThat(hits.get("total").asLong()).as(hits.toString()).isEqualTo(1);
            JsonNode accessHits = TestNode.json(t.get("/api/v1/search?lane=access&q=" + q("ecs_cluster:prod") + RANGE));
            assertThat(accessHits.get("total").asLong()).as(accessHits.toString()).isEqualTo(1);
        }
    }
}
