package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * The CloudWatch Logs API ({@code POST /}, {@code X-Amz-Target: Logs_20140328.*}) against a node in
 * this JVM, driven by the real AWS SDK v2 {@link CloudWatchLogsClient} (fake static credentials,
 * endpoint overridden to the node), and by the raw request Docker's {@code awslogs} driver sends.
 */
class CloudWatchApiTest {
    @TempDir
    Path dir;
    private TestNode t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    private CloudWatchLogsClient client() {
        return CloudWatchLogsClient.builder().endpointOverride(URI.create(t.url())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret")))
                .build();
    }

    private long now() { return t.clock.millis(); }

    @Test
    void theAwsSdkCreatesDescribesAndPutsAndTheEventsArriveInSqlUnderTheGroupsTag() throws Exception {
        t = TestNode.start(dir, "");
        try (CloudWatchLogsClient cw = client()) {
            cw.createLogGroup(b -> b.logGroupName("/ecs/shop"));
            assertThatThrownBy(() -> cw.createLogGroup(b -> b.logGroupName("/ecs/shop")))
                    .isInstanceOf(ResourceAlreadyExistsException.class);
            assertThatThrownBy(() -> cw.createLogStream(b -> b.logGroupName("/ecs/nope").logStreamName("s")))
                    .isInstanceOf(ResourceNotFoundException.class);
            cw.createLogStream(b -> b.logGroupName("/ecs/shop").logStreamName("web/1"));
            cw.createLogStream(b -> b.logGroupName("/ecs/shop").logStreamName("web/2"));
            List<LogStream> streams = cw.describeLogStreams(b -> b.logGroupName("/ecs/shop").logStreamNamePrefix("web/")).logStreams();
            assertThat(streams).extracting(LogStream::logStreamName).containsExactly("web/1", "web/2");
            assertThat(cw.describeLogGroups(b -> b.logGroupNamePrefix("/ecs")).logGroups()).hasSize(1);
            for (int i = 0; i < 5; i++) {
                String name = "batch/" + i;
                cw.createLogStream(b -> b.logGroupName("/ecs/shop").logStreamName(name));
            }
            assertThat(cw.describeLogStreamsPaginator(b -> b.logGroupName("/ecs/shop").logStreamNamePrefix("batch/").limit(2)).logStreams())
                    .as("the SDK's paginator follows nextToken").extracting(LogStream::logStreamName)
                    .containsExactly("batch/0", "batch/1", "batch/2", "batch/3", "batch/4");

            long ts = now() - 1_000;
            PutLogEventsResponse r = cw.putLogEvents(b -> b.logGroupName("/ecs/shop").logStreamName("web/1")
                    .sequenceToken("ignored-token")
                    .logEvents(InputLogEvent.builder().timestamp(ts).message("cw first line").build(),
                            InputLogEvent.builder().timestamp(ts + 1).message("cw second line").build()));
            assertThat(r.rejectedLogEventsInfo()).isNull();

            assertThatThrownBy(() -> cw.putLogEvents(b -> b.logGroupName("/ecs/shop").logStreamName("web/9")
                    .logEvents(InputLogEvent.builder().timestamp(ts).message("x").build())))
                    .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("log stream does not exist");
            assertThatThrownBy(() -> cw.putLogEvents(b -> b.logGroupName("/ecs/shop").logStreamName("web/1")
                    .logEvents(InputLogEvent.builder().timestamp(ts).message("late").build(),
                            InputLogEvent.builder().timestamp(ts - 5).message("early").build())))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("chronological order");

            String half = "x".repeat(600_000);
            assertThatThrownBy(() -> cw.putLogEvents(b -> b.logGroupName("/ecs/shop").logStreamName("web/1")
                    .logEvents(InputLogEvent.builder().timestamp(ts).message(half).build(),
                            InputLogEvent.builder().timestamp(ts).message(half).build())))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Upload too large");

            PutLogEventsResponse partly = cw.putLogEvents(b -> b.logGroupName("/ecs/shop").logStreamName("web/2")
                    .logEvents(InputLogEvent.builder().timestamp(now() - 15L * 24 * 3600 * 1000).message("too old").build(),
                            InputLogEvent.builder().timestamp(ts).message("cw in window").build(),
                            InputLogEvent.builder().timestamp(now() + 3 * 3600 * 1000).message("too new").build()));
            assertThat(partly.rejectedLogEventsInfo().tooOldLogEventEndIndex()).isEqualTo(0);
            assertThat(partly.rejectedLogEventsInfo().tooNewLogEventStartIndex()).isEqualTo(2);
        }
        t.flush();
        JsonNode rows = t.sqlRows("SELECT message, tag, source, json_extract_string(attrs, '$.log_group') FROM logs"
                + " WHERE tag = 'ecs.shop' ORDER BY ts, message");
        assertThat(rows.toString()).isEqualTo("[[\"cw first line\",\"ecs.shop\",\"web/1\",\"/ecs/shop\"],"
                + "[\"cw in window\",\"ecs.shop\",\"web/2\",\"/ecs/shop\"],[\"cw second line\",\"ecs.shop\",\"web/1\",\"/ecs/shop\"]]");
        JsonNode sources = TestNode.json(t.get("/api/v1/sources")).get("sources");
        JsonNode web2 = null;
        for (JsonNode s : sources) {
            if (s.path("input").asText().equals("cloudwatch") && s.path("peer").asText().equals("web/2")) {
                web2 = s;
            }
        }
        assertThat(web2).as(sources.toString()).isNotNull();
        assertThat(web2.get("received").asLong()).isEqualTo(3);
        assertThat(web2.get("accepted").asLong()).isEqualTo(1);
        assertThat(web2.get("rejected").toString()).isEqualTo("{\"too_new\":1,\"too_old\":1}");
    }

    @Test
    void logGroupsAndStreamsSurviveARestart() throws Exception {
        t = TestNode.start(dir, "");
        try (CloudWatchLogsClient cw = client()) {
            cw.createLogGroup(b -> b.logGroupName("kept"));
            cw.createLogStream(b -> b.logGroupName("kept").logStreamName("s1"));
        }
        t.close();
        t = TestNode.start(dir, "");
        try (CloudWatchLogsClient cw = client()) {
            assertThatThrownBy(() -> cw.createLogStream(b -> b.logGroupName("kept").logStreamName("s1")))
                    .isInstanceOf(ResourceAlreadyExistsException.class);
            cw.putLogEvents(b -> b.logGroupName("kept").logStreamName("s1")
                    .logEvents(InputLogEvent.builder().timestamp(now()).message("after restart").build()));
            assertThatThrownBy(() -> cw.putLogEvents(b -> b.logGroupName("never").logStreamName("s1")
                    .logEvents(InputLogEvent.builder().timestamp(now()).message("x").build())))
                    .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("log group does not exist");
        }
    }

    /**
     * The requests of Docker's awslogs driver (moby daemon/logger/awslogs, aws-sdk-go-v2's awsJson1_1
     * serializer: members in alphabetical order, so the events come before the names), byte for byte
     * in shape; answers carry AWS's {@code __type}.
     */
    @Test
    void dockersAwslogsDriverRequestsAreAnsweredAsAwsDoes() throws Exception {
        t = TestNode.start(dir, "");
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDFAKE/20261205/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=00");
        HttpResponse<String> stream = t.post("/", "{\"logGroupName\":\"docker\",\"logStreamName\":\"c0ffee\"}",
                with(headers, "Logs_20140328.CreateLogStream"));
        assertThat(stream.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(stream).get("__type").asText()).isEqualTo("ResourceNotFoundException");
        assertThat(t.post("/", "{\"logGroupName\":\"docker\"}", with(headers, "Logs_20140328.CreateLogGroup")).statusCode())
                .isEqualTo(200);
        assertThat(t.post("/", "{\"logGroupName\":\"docker\",\"logStreamName\":\"c0ffee\"}",
                with(headers, "Logs_20140328.CreateLogStream")).statusCode()).isEqualTo(200);
        String put = "{\"logEvents\":[{\"message\":\"docker says hi\",\"timestamp\":" + now() + "}],"
                + "\"logGroupName\":\"docker\",\"logStreamName\":\"c0ffee\"}";
        HttpResponse<String> r = t.post("/", put, with(headers, "Logs_20140328.PutLogEvents"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-amz-json-1.1");
        assertThat(TestNode.json(r).has("nextSequenceToken")).isTrue();

        HttpResponse<String> unknown = t.post("/", "{}", with(headers, "Logs_20140328.DeleteLogGroup"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(unknown).get("__type").asText()).isEqualTo("UnknownOperationException");
        t.flush();
        assertThat(t.sqlRows("SELECT message, source FROM logs WHERE tag = 'docker'").toString())
                .isEqualTo("[[\"docker says hi\",\"c0ffee\"]]");
    }

    /**
     * The requests of Fluent Bit's cloudwatch_logs output (plugins/out_cloudwatch_logs/cloudwatch_api.c) with
     * {@code auto_create_group}, {@code log_group_class}, {@code log_retention_days} and {@code log_format}: it creates
     * the stream first, the group on ResourceNotFoundException, sets a retention, and takes a 200 without an
     * {@code x-amzn-RequestId} header for a failure.
     */
    @Test
    void fluentBitsCloudwatchLogsRequestsAreAnsweredAsItExpects() throws Exception {
        t = TestNode.start(dir, "");
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1");
        HttpResponse<String> stream = t.post("/", "{\"logGroupName\":\"fluent-bit\",\"logStreamName\":\"from-fb-app.1\"}",
                with(headers, "Logs_20140328.CreateLogStream"));
        assertThat(TestNode.json(stream).get("__type").asText()).isEqualTo("ResourceNotFoundException");
        HttpResponse<String> group = t.post("/", "{\"logGroupName\":\"fluent-bit\", \"logGroupClass\":\"INFREQUENT_ACCESS\"}",
                with(headers, "Logs_20140328.CreateLogGroup"));
        assertThat(group.statusCode()).isEqualTo(200);
        assertThat(group.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(t.post("/", "{\"logGroupName\":\"fluent-bit\",\"retentionInDays\":14}",
                with(headers, "Logs_20140328.PutRetentionPolicy")).statusCode()).isEqualTo(200);
        assertThat(t.post("/", "{\"logGroupName\":\"fluent-bit\",\"logStreamName\":\"from-fb-app.1\"}",
                with(headers, "Logs_20140328.CreateLogStream")).statusCode()).isEqualTo(200);
        Map<String, String> put = with(headers, "Logs_20140328.PutLogEvents");
        put.put("x-amzn-logs-format", "json/emf");
        HttpResponse<String> r = t.post("/", "{\"logGroupName\":\"fluent-bit\",\"logStreamName\":\"from-fb-app.1\","
                + "\"entity\":{\"keyAttributes\":{\"Type\":\"Service\",\"Name\":\"app\"},\"attributes\":{\"PlatformType\":\"Generic\"}},"
                + "\"logEvents\":[{\"timestamp\":" + now() + ",\"message\":\"{\\\"log\\\":\\\"fb line\\\"}\"}]}", put);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-amzn-RequestId")).as("Fluent Bit retries a 200 without it").isPresent();
        t.flush();
        assertThat(t.sqlRows("SELECT message, source FROM logs WHERE tag = 'fluent-bit'").toString())
                .isEqualTo("[[\"{\\\"log\\\":\\\"fb line\\\"}\",\"from-fb-app.1\"]]");
    }

    private static Map<String, String> with(Map<String, String> headers, String target) {
        Map<String, String> m = new java.util.HashMap<>(headers);
        m.put("X-Amz-Target", target);
        return m;
    }
}
