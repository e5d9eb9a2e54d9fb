package io.loglane.bench.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.app.LoglaneNode;
import io.loglane.app.RegisteredTypes;
import io.loglane.app.cli.SseEventReader;
import io.loglane.core.config.ConfigSource;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ack → live-tail latency: how long after loglane acknowledged an event a live-tail client sees
 * it. Models a person watching {@code ./loglane tail} while an application logs: a node in this
 * JVM on the bundled configuration (data in a temporary directory), one SSE client on
 * {@code GET /api/v1/tail?lane=default&q=benchtail} (so the filter runs on every record), and
 * events sent one per HTTP ingest request at a steady pace (default 200/s: a busy service's log
 * rate as one person's tail sees it). Each event carries its sequence number; the bench records
 * when the request was sent, when its {@code 202} (the ack) came back and when the tail delivered
 * it, and prints p50/p90/p99/max of ack → tail and send → tail. Ack → tail can be negative: the
 * stream hands a record to readers once it is durable, which can be before the HTTP answer
 * reaches the client. Not a timed test: a measurement to report.
 *
 * <pre>java -cp loglane-bench/target/loglane-bench.jar io.loglane.bench.tail.TailLatencyBench [events] [per-second]</pre>
 */
public final class TailLatencyBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARMUP = 500;

    private TailLatencyBench() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path data = Files.createTempDirectory("loglane-tail-bench");
        Path bundled = Path.of("config", "loglane.yaml");
        String overlay = """
                server:
                  data_dir: "%s"
                  http_port: 0
                inputs:
                  - type: forward
                    name: forward
                    port: 0
                """.formatted(data);
        LoglaneNode node = new LoglaneNode(RegisteredTypes.LOADER.load(
                new ConfigSource(bundled.toString(), Files.readString(bundled)), new ConfigSource("bench.yaml", overlay)),
                Clock.systemUTC());
        node.start();
        try {
            Latency l = measure(node.httpPort(), "default", "bench", events, perSecond);
            System.out.printf("tail latency over %d events at %d/s (after %d warm-up), one SSE client, filter on the server%n",
                    events, perSecond, WARMUP);
            print("ack  -> tail", l.ackToTail());
            print("send -> tail", l.sendToTail());
        } finally {
            node.close();
        }
    }

    /**
     * Latencies of one run, in nanoseconds, sorted; one per measured event.
     *
     * @param lost events that never reached the tail within 60 s (left out of the latencies)
     */
    public record Latency(long[] ackToTail, long[] sendToTail, int lost) {
        /** The {@code p}-th percentile (0-100) of ack → tail, in milliseconds; NaN without samples. */
        public double ackToTailMillis(double p) {
            if (ackToTail.length == 0) return Double.NaN;
            return ms(ackToTail[(int) Math.min(ackToTail.length - 1, Math.floor(ackToTail.length * p / 100.0))]);
        }
    }

    /**
     * Runs the measurement against a loglane server on {@code 127.0.0.1:port}: a tail client on
     * {@code lane} filtered to {@code benchtail}, and {@code events} (after {@value #WARMUP} warm-up
     * ones) events {@code {"message":"benchtail <n>"}} posted one per request to
     * {@code /api/v1/ingest/<tag>} at {@code perSecond}; {@code tag} must route to {@code lane}.
     */
    public static Latency measure(int port, String lane, String tag, int events, int perSecond) throws Exception {
        int total = WARMUP + events;
        long[] sent = new long[total];
        long[] acked = new long[total];
        long[] seen = new long[total];
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        HttpResponse<InputStream> tail = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tail?lane=" + lane + "&q=benchtail"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(total);
        Thread reader = Thread.ofPlatform().name("tail-client").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(tail.body(), StandardCharsets.UTF_8))) {
                SseEventReader sse = new SseEventReader(in);
                for (SseEventReader.Event e; (e = sse.next()) != null; ) {
                    long now = System.nanoTime();
                    if ("open".equals(e.event())) {
                        opened.countDown();
                    } else if ("message".equals(e.event())) {
                        JsonNode r = JSON.readTree(e.data());
                        String msg = r.path("message").asText();
                        int seq = Integer.parseInt(msg.substring(msg.lastIndexOf(' ') + 1));
                        seen[seq] = now;
                        all.countDown();
                    } else if ("missed".equals(e.event())) {
                        System.err.println("missed: " + e.data());
                    }
                }
            } catch (Exception e) {
                // the stream ends when the node closes
            }
        });
        if (!opened.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tail did not open");
        }
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long next = System.nanoTime();
        for (int seq = 0; seq < total; seq++) {
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
            next += interval;
            byte[] body = ("{\"message\":\"benchtail " + seq + "\"}\n").getBytes(StandardCharsets.UTF_8);
            sent[seq] = System.nanoTime();
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/ingest/" + tag))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            acked[seq] = System.nanoTime();
            if (r.statusCode() != 202) {
                throw new IllegalStateException("ingest answered " + r.statusCode());
            }
        }
        boolean complete = all.await(60, TimeUnit.SECONDS);
        reader.interrupt();
        int n = 0;
        long[] ackToTail = new long[events];
        long[] sendToTail = new long[events];
        for (int i = 0; i < events; i++) {
            int seq = WARMUP + i;
            if (seen[seq] != 0) {
                ackToTail[n] = seen[seq] - acked[seq];
                sendToTail[n++] = seen[seq] - sent[seq];
            }
        }
        if (!complete) {
            System.err.println("only " + (total - all.getCount()) + " of " + total + " events reached the tail");
        }
        long[] a = Arrays.copyOf(ackToTail, n);
        long[] s = Arrays.copyOf(sendToTail, n);
        Arrays.sort(a);
        Arrays.sort(s);
        return new Latency(a, s, events - n);
    }

    private static void print(String label, long[] s) {
        System.out.printf("%s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n", label,
                ms(s[s.length / 2]), ms(s[(int) (s.length * 0.90)]), ms(s[(int) (s.length * 0.99)]), ms(s[s.length - 1]));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
