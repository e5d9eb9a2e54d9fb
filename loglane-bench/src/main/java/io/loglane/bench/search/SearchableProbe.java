package io.loglane.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.bench.ingest.ServerProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Ack → searchable: one probe at a time, an access line carrying a unique token posted to
 * {@code POST /api/v1/ingest/bench.access} (so it takes the access lane's whole path: stream,
 * index delivery, refresh), then {@code GET /api/v1/search} for the token every
 * {@value #POLL_MILLIS} ms until it is found (or {@value #GIVE_UP_SECONDS} s pass); the sample is
 * the time from the {@code 202} to the first answer that holds it. Probes go at most
 * {@code perSecond}, each tagged with the phase it started in, so the bench reports under load
 * and idle apart. A probe record's {@code source} is {@code probe}: the bench's counts leave them out.
 *
 * <p>Thread-safety: {@link #phase} and {@link #stop} from any thread; the samples after {@link #stop}.
 */
final class SearchableProbe implements Runnable {
    static final int POLL_MILLIS = 25;
    static final int GIVE_UP_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss '+0000'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    /** One probe: the phase it was sent in, and ack → found in ms (NaN when it was never found). */
    record Sample(String phase, double millis) {}

    private final int port;
    private final String runId;
    private final double perSecond;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Sample> samples = new ArrayList<>();
    private volatile String phase = "load";
    private volatile boolean stopped;
    private Thread thread;

    SearchableProbe(ServerProcess server, String runId, double perSecond) {
        this.port = server.httpPort();
        this.runId = runId;
        this.perSecond = perSecond;
    }

    void start() { thread = Thread.ofPlatform().name("searchable-probe").daemon().start(this); }

    /** Later probes are counted under {@code name}. */
    void phase(String name) { phase = name; }

    /** Stops after the probe in flight and returns every sample. */
    List<Sample> stop() throws InterruptedException {
        stopped = true;
        thread.join(Duration.ofSeconds(GIVE_UP_SECONDS + 10).toMillis());
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void run() {
        long gap = (long) (1e9 / perSecond);
        for (int seq = 0; !stopped; seq++) {
            long start = System.nanoTime();
            String p = phase;
            double ms;
            try {
                ms = probe("zq" + runId + "probe" + seq);
            } catch (Exception e) {
                System.err.println("probe " + seq + " failed: " + e);
                ms = Double.NaN;
            }
            synchronized (samples) {
                samples.add(new Sample(p, ms));
            }
            long wait = start + gap - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    private double probe(String token) throws Exception {
        Instant now = Instant.now();
        String line = "10.9.9.9 - - [" + TIME_LOCAL.format(now) + "] \"GET /probe/" + token + " HTTP/1.1\" 200 12 \"-\" \"bench-probe\" 0.001";
        String body = JSON.writeValueAsString(java.util.Map.of("log", line, "source", "probe"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/ingest/bench.access"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        long acked = System.nanoTime();
        if (r.statusCode() != 202) {
            throw new IllegalStateException("ingest answered " + r.statusCode() + ": " + r.body());
        }
        long from = now.toEpochMilli() - 60_000;
        URI search = URI.create(base() + "/api/v1/search?lane=access&syntax=filter&limit=1&q=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&from=" + from + "&to=" + (from + 180_000));
        long until = acked + Duration.ofSeconds(GIVE_UP_SECONDS).toNanos();
        while (System.nanoTime() < until) {
            HttpResponse<String> s = http.send(HttpRequest.newBuilder(search).build(), HttpResponse.BodyHandlers.ofString());
            long answered = System.nanoTime();
            JsonNode hits = JSON.readTree(s.body()).path("hits");
            if (hits.size() > 0) {
                return (answered - acked) / 1e6;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return Double.NaN;
    }

    private String base() { return "http://127.0.0.1:" + port; }
}
