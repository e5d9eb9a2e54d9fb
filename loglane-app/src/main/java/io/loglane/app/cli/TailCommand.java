package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./loglane tail [--lane L] [PATTERN]}: follows {@code GET /api/v1/tail} and prints each
 * matching record as it arrives ({@code time lane message}, coloured on a terminal; or the
 * record's JSON, one per line, with {@code --format json}). When the connection drops it
 * reconnects with the last event id, so nothing is skipped or repeated; records the server had
 * to skip because this client fell behind are reported on stderr. Runs until interrupted, or
 * until {@code --limit} records were printed. Exit 0, 1 when the server cannot be reached or
 * fails, 2 for a bad pattern or unknown lane.
 */
@Command(name = "tail", description = "Follow new log records live, filtered on the server by a CloudWatch Logs filter pattern.")
final class TailCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIM = "\u001b[2m";
    private static final String CYAN = "\u001b[36m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RESET = "\u001b[0m";
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);

    @Parameters(index = "0", arity = "0..1", description = "Filter pattern, e.g. 'ERROR -timeout' or '{ $.status >= 500 }' (default: everything).")
    String pattern;

    @Option(names = "--lane", description = "Lane, or lanes separated by commas (default: every lane).")
    String lane;

    @Option(names = "--server", description = "Server URL (default: $LOGLANE_SERVER, else the server `up` recorded in the data directory, else http://127.0.0.1:8080).")
    String server;

    @picocli.CommandLine.Mixin
    TokenOption token = new TokenOption();

    @Option(names = "--format", description = "text or json (default ${DEFAULT-VALUE}).", defaultValue = "text")
    String format;

    @Option(names = "--color", description = "auto, always or never (default ${DEFAULT-VALUE}: on a terminal, unless NO_COLOR is set).", defaultValue = "auto")
    String color;

    @Option(names = "--limit", description = "Stop after this many records (default: follow until interrupted).")
    long limit;

    private boolean colored;
    private long printed;

    @Override
    public Integer call() throws Exception {
        if (!format.matches("text|json") || !color.matches("auto|always|never")) {
            System.err.println("error: --format must be text or json; --color auto, always or never");
            return 2;
        }
        colored = color.equals("always") || color.equals("auto") && format.equals("text") && Terminal.isColorTerminal();
        String base = ServerLocator.resolve(server);
        StringBuilder query = new StringBuilder(base.endsWith("/") ? base : base + "/").append("api/v1/tail?");
        if (lane != null) {
            query.append("lane=").append(URLEncoder.encode(lane, StandardCharsets.UTF_8)).append('&');
        }
        if (pattern != null) {
            query.append("q=").append(URLEncoder.encode(pattern, StandardCharsets.UTF_8));
        }
        URI uri = URI.create(query.toString());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String lastId = null;
        boolean connectedOnce = false;
        while (true) {
            HttpRequest.Builder req = TokenOption.authorize(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream"), token.value());
            if (lastId != null) {
                req.header("Last-Event-ID", lastId);
            }
            HttpResponse<InputStream> r;
            try {
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (!connectedOnce) {
                    System.err.println("error: cannot reach loglane at " + base + " (is `./loglane up` running?)");
                    return 1;
                }
                Thread.sleep(RECONNECT_WAIT.toMillis());
                continue;
            }
            if (r.statusCode() != 200) {
                String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                String msg = body;
                try {
                    msg = JSON.readTree(body).path("error").asText(body);
                } catch (IOException ignored) {
                    // not JSON: print it as it is
                }
                System.err.println("error: HTTP " + r.statusCode() + ": " + msg);
                return r.statusCode() == 400 || r.statusCode() == 404 ? 2 : 1;
            }
            connectedOnce = true;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                SseEventReader events = new SseEventReader(in);
                for (SseEventReader.Event e; (e = events.next()) != null; ) {
                    if (e.comment()) {
                        continue; // heartbeat
                    }
                    if (e.id() != null) {
                        lastId = e.id();
                    }
                    switch (e.event()) {
                        case "message" -> {
                            print(e.data());
                            if (limit > 0 && ++printed >= limit) {
                                System.out.flush();
                                return 0;
                            }
                        }
                        case "missed" -> missed(JSON.readTree(e.data()));
                        case "tail_error" -> {
                            System.err.println("error: " + JSON.readTree(e.data()).path("error").asText());
                            return 1;
                        }
                        default -> { } // open
                    }
                }
            } catch (IOException e) {
                // the connection dropped: resume from lastId
            }
            System.err.println("loglane tail: connection lost; reconnecting");
            Thread.sleep(RECONNECT_WAIT.toMillis());
        }
    }

    private void print(String data) throws IOException {
        if (format.equals("json")) {
            System.out.println(data);
            return;
        }
        JsonNode r = JSON.readTree(data);
        String ts = r.path("ts").asText();
        String laneName = r.path("lane").asText();
        String message = r.path("message").asText("");
        if (!r.has("message")) {
            message = r.path("fields").toString();
        }
        // one event per output line (a stack trace's lines indented); no control character reaches the terminal
        message = TerminalText.safe(message);
        if (colored) {
            System.out.println(DIM + ts + RESET + " " + CYAN + laneName + RESET + " " + message);
        } else {
            System.out.println(ts + " " + laneName + " " + message);
        }
    }

    private void missed(JsonNode m) {
        String text = "loglane tail: missed " + m.path("count").asLong() + " record(s) of lane " + m.path("lane").asText()
                + ", offsets " + m.path("firstOffset").asLong() + "–" + m.path("lastOffset").asLong()
                + " (" + m.path("reason").asText() + ")";
        System.err.println(colored ? YELLOW + text + RESET : text);
    }

    /** Whether standard output is a terminal that takes colour. */
    static final class Terminal {
        private Terminal() {}

        static boolean isColorTerminal() {
            if (System.getenv("NO_COLOR") != null || "dumb".equals(System.getenv("TERM"))) {
                return false;
            }
            java.io.Console c = System.console();
            if (c == null) {
                return false;
            }
            try { // JDK 22+: a Console exists even when redirected; isTerminal() tells
                return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
            } catch (ReflectiveOperationException e) {
                return true; // JDK 21: a Console exists only on a terminal
            }
        }
    }
}
