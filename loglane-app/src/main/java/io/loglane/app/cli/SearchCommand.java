package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./loglane search QUERY}: one page of {@code GET /api/v1/search} on a running server, newest
 * first. Text prints a line per hit (time, tag, message or else the record) and, on stderr, how
 * many hits there are and which store covered which part of the time range (the index, the archive for what
 * is older than the index holds, or a part no store covered and why); JSON prints each hit as one line of JSON. Colour only when stdout is a
 * terminal and {@code NO_COLOR} is not set.
 */
@Command(name = "search", description = "Search a lane (its index, and its archive for what the index does not hold) with a CloudWatch filter pattern or Lucene syntax, newest first.")
final class SearchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", arity = "0..1", defaultValue = "", description = "The query: a filter pattern (timeout -debug) or Lucene (status:[500 TO 599]); empty: everything.")
    String query;

    @Option(names = "--server", description = "Server URL (default: $LOGLANE_SERVER, else the server `up` recorded in the data directory, else http://127.0.0.1:8080).")
    String server;

    @picocli.CommandLine.Mixin
    TokenOption token = new TokenOption();

    @Option(names = "--lane", required = true, description = "The lane to search (one delivered to the index or the archive).")
    String lane;

    @Option(names = "--since", description = "How far back from now (a duration: 15m, 2h, 7d; default 15m); not with --from.")
    String since;

    @Option(names = "--from", description = "Start: ISO-8601, epoch milliseconds, or a duration before now.")
    String from;

    @Option(names = "--to", description = "End, exclusive (same forms; default now).")
    String to;

    @Option(names = "--syntax", description = "filter or lucene (default: detected from the query).")
    String syntax;

    @Option(names = "--limit", defaultValue = "100", description = "Most hits to print, 1-10000 (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", defaultValue = "text", description = "text or json (one hit per line) (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        if (!format.matches("text|json")) {
            System.err.println("error: --format must be text or json");
            return 2;
        }
        if (since != null && from != null) {
            System.err.println("error: --since and --from both set the start; give one");
            return 2;
        }
        StringBuilder path = new StringBuilder("api/v1/search?lane=").append(enc(lane)).append("&q=").append(enc(query))
                .append("&limit=").append(limit).append("&from=").append(enc(from != null ? from : since != null ? since : "15m"));
        if (to != null) {
            path.append("&to=").append(enc(to));
        }
        if (syntax != null) {
            path.append("&syntax=").append(enc(syntax));
        }
        JsonNode answer;
        try {
            answer = new ServerClient(server, token.value()).get(path.toString());
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        Colours c = colourTerminal() ? Colours.ANSI : Colours.NONE;
        for (JsonNode hit : answer.get("hits")) {
            if (format.equals("json")) {
                System.out.println(hit);
            } else {
                String text = hit.hasNonNull("message") ? hit.get("message").asText() : hit.get("record").toString();
                System.out.println(c.dim + hit.get("ts").asText() + c.reset + " " + c.tag + TerminalText.safe(hit.path("tag").asText()) + c.reset
                        + " " + TerminalText.safe(text));
            }
        }
        System.err.printf("%d of %s%d hits (%s syntax) in %s from %s to %s%s%n", answer.get("hits").size(),
                answer.get("total_relation").asText().equals("eq") ? "" : "at least ", answer.get("total").asLong(),
                answer.get("syntax").asText(), answer.get("lane").asText(), answer.get("from").asText(), answer.get("to").asText(),
                answer.hasNonNull("next_cursor") ? "; more: raise --limit or narrow the range" : "");
        if (format.equals("text")) {
            System.err.println(coverage(answer));
        }
        return 0;
    }

    /**
     * The answer's coverage as one line: each part of the range with the store that answered it,
     * and each part none did with the reason ({@code stores: index A → B; archive C → D (no stream
     * offsets); NOT COVERED archive E → F: reason}).
     */
    static String coverage(JsonNode answer) {
        List<String> parts = new ArrayList<>();
        for (JsonNode s : answer.path("stores")) {
            String range = s.path("store").asText() + " " + s.path("from").asText() + " → " + s.path("to").asText();
            if (!s.path("covered").asBoolean(true)) {
                parts.add("NOT COVERED " + range + ": " + s.path("reason").asText());
            } else {
                String note = s.path("store").asText().equals("archive") ? " (no stream offsets" + (s.hasNonNull("note")
                        ? "; " + s.get("note").asText() : "") + ")" : "";
                parts.add(range + note);
            }
        }
        return "stores: " + String.join("; ", parts);
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** The escape sequences text output uses: none off a terminal. */
    private record Colours(String dim, String tag, String reset) {
        static final Colours ANSI = new Colours("\u001b[2m", "\u001b[36m", "\u001b[0m");
        static final Colours NONE = new Colours("", "", "");
    }

    /** Whether stdout is a terminal that takes colour: a console, {@code NO_COLOR} unset, {@code TERM} not dumb. */
    static boolean colourTerminal() {
        if (System.getenv("NO_COLOR") != null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        return TerminalText.isTerminal();
    }
}
