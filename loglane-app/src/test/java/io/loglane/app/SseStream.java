package io.loglane.app;

import io.loglane.app.cli.SseEventReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP client of a Server-Sent Events stream, as a browser's EventSource reads it: events
 * ({@code id}, {@code event}, {@code data}) and comment lines are parsed ({@link SseEventReader}) on a thread of their own
 * as soon as the test {@linkplain #startReading starts reading}; until then nothing is read, so the
 * server meets a client that does not keep up.
 *
 * <p>Thread-safety: one test thread.
 */
final class SseStream implements AutoCloseable {
    /** One event; {@code event} is null for a comment line (then {@code data} is its text). */
    record Event(String id, String event, String data) {}

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final int status;
    final String contentType;
    private final InputStream body;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private Thread reader;

    private SseStream(HttpResponse<InputStream> r) {
        this.status = r.statusCode();
        this.contentType = r.headers().firstValue("Content-Type").orElse("");
        this.body = r.body();
    }

    /** Opens {@code url}; with {@code read} false nothing is read until {@link #startReading}. */
    static SseStream open(String url, Map<String, String> headers, boolean read) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(b::header);
        SseStream s = new SseStream(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
        if (read) {
            s.startReading();
        }
        return s;
    }

    void startReading() {
        reader = Thread.ofVirtual().start(this::parse);
    }

    /** The body of a refused request (status ≥ 400). */
    String errorBody() throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    private void parse() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            SseEventReader reader = new SseEventReader(in);
            for (SseEventReader.Event e; (e = reader.next()) != null; ) {
                events.add(new Event(e.id(), e.event(), e.data()));
            }
        } catch (IOException e) {
            // closed by the test or the server: the events read so far stay in the queue
        }
    }

    /** The next event or comment, or null when none comes within {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next event that is not a comment, or null when none comes within {@code wait}. */
    Event nextEvent(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Event e = next(Duration.ofNanos(left));
            if (e != null && e.event() != null) {
                return e;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        body.close();
        if (reader != null) {
            reader.interrupt();
        }
    }
}
