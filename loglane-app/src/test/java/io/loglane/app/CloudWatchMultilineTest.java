package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.telemetry.MetricNames;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;

/**
 * The CloudWatch Logs API input with {@code multiline: java}, driven by the real AWS SDK v2 client:
 * a Java trace the awslogs driver sent in two {@code PutLogEvents} calls of one log stream is one
 * event, a frame-like line of another stream of the same group stays apart, the first call is
 * answered only once its lines are stored, and the lines still held are stored (and their calls
 * answered) when the node shuts down. The flush timeout is long, so only the next call or the
 * shutdown can store held lines here.
 */
class CloudWatchMultilineTest {
    @Test
    void aTraceSplitOverTwoPutsOfOneLogStreamIsOneEventAndOtherStreamsStayApart(@TempDir Path dir) throws Exception {
        String overlay = "inputs:\n  - type: cloudwatch\n    name: cloudwatch\n    multiline: java\n    flush_timeout: 10m\n";
        TestNode t = TestNode.start(dir, overlay);
        // one thread per call: the common pool may have one thread on a small machine, and each call waits for the next
        ExecutorService calls = Executors.newFixedThreadPool(3);
        try (CloudWatchLogsClient cw = CloudWatchLogsClient.builder().endpointOverride(URI.create(t.url())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret"))).build()) {
            cw.createLogGroup(b -> b.logGroupName("/ecs/shop"));
            cw.createLogStream(b -> b.logGroupName("/ecs/shop").logStreamName("web/1"));
            cw.createLogStream(b -> b.logGroupName("/ecs/shop").logStreamName("web/2"));
            long ts = t.clock.millis() - 10_000;
            // every call's last line may still go on, so each is answered late: sent in order from other threads
            CompletableFuture<PutLogEventsResponse> first = CompletableFuture.supplyAsync(() -> cw.putLogEvents(b -> b
                    .logGroupName("/ecs/shop").logStreamName("web/1").logEvents(
                            InputLogEvent.builder().timestamp(ts).message("ERROR request failed").build(),
                            InputLogEvent.builder().timestamp(ts + 1).message("java.lang.IllegalStateException: boom").build())), calls);
            awaitReceived(t, 2);
            CompletableFuture<PutLogEventsResponse> other = CompletableFuture.supplyAsync(() -> cw.putLogEvents(b -> b
                    .logGroupName("/ecs/shop").logStreamName("web/2").logEvents(
                            InputLogEvent.builder().timestamp(ts + 2).message("\tat other.Stream.line(Other.java:9)").build())), calls);
            awaitReceived(t, 3);
            assertThat(first).as("its trace may go on: not answered").isNotDone();
            CompletableFuture<PutLogEventsResponse> last = CompletableFuture.supplyAsync(() -> cw.putLogEvents(b -> b
                    .logGroupName("/ecs/shop").logStreamName("web/1").logEvents(
                            InputLogEvent.builder().timestamp(ts + 3).message("\tat com.example.App.handle(App.java:42)").build(),
                            InputLogEvent.builder().timestamp(ts + 4).message("INFO done").build())), calls);
            assertThat(first.get(20, TimeUnit.SECONDS).rejectedLogEventsInfo()).isNull();
            t.flush();
            assertThat(t.sqlRows("SELECT message, source FROM logs WHERE source IN ('web/1', 'web/2') ORDER BY ts").toString())
                    .as("stored before the first call was answered: the trace, joined across the calls; not the other stream's line")
                    .isEqualTo("[[\"ERROR request failed\\njava.lang.IllegalStateException: boom\\n"
                            + "\\tat com.example.App.handle(App.java:42)\",\"web/1\"]]");
            assertThat(other).as("its line may go on: held").isNotDone();
            t.close(); // the drain stores what is held and answers the calls
            assertThat(other.get(20, TimeUnit.SECONDS).rejectedLogEventsInfo()).isNull();
            assertThat(last.get(20, TimeUnit.SECONDS).rejectedLogEventsInfo()).isNull();
        } finally {
            t.close();
            calls.shutdownNow();
        }
    }

    private static void awaitReceived(TestNode t, double events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            var c = t.node.registry().find(MetricNames.EVENTS_RECEIVED).tag(MetricNames.INPUT, "cloudwatch").counter();
            if (c != null && c.count() >= events) {
                return;
            }
            assertThat(System.nanoTime()).as("waiting for " + events + " events received").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
