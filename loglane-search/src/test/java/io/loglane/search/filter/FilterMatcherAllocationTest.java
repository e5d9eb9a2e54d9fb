package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordParser;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The common paths allocate nothing per record once a matcher exists: measured with the JVM's
 * per-thread allocation counter over many matches (a count of bytes, not a timing), less what
 * reading the records into the view allocates by itself.
 */
class FilterMatcherAllocationTest {
    private static final int RECORDS = 20_000;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " ~ ", value = {
            "api -timeout ~ access",
            "\"POST /api\" ~ access",
            "{ $.status >= 500 && $.path = \"/api/*\" } ~ access",
            "{ $.level = \"error\" && $.user.id > 500 } ~ json",
            "{ $.user.roles[*] = admin || $.ok IS TRUE } ~ json",
            "[ip, ..., status = 5*, bytes > 1000, referer, agent, time] ~ access",
            "[ip, u, n, t, request = *api*, status, bytes, referer, agent, time] ~ access"})
    void matchingAllocatesNothingPerRecord(String pattern, String records) throws Exception {
        RecordParser parser = records.equals("access") ? Parsers.forName("nginx_combined") : null;
        byte[][] recs = records.equals("access") ? accessRecords() : jsonRecords();
        RecordView view = new RecordView(parser);
        FilterMatcher matcher = FilterPattern.compile(pattern).matcher();
        int hits = run(view, matcher, recs); // first pass: grows the reused buffers, loads classes
        run(view, null, recs);
        boolean typed = pattern.startsWith("{") && parser != null;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        run(view, null, recs, typed);
        // what reading the record (and, for typed fields, the lane parser) allocates by itself, not the filter
        long reading = threads.getCurrentThreadAllocatedBytes() - before;
        before = threads.getCurrentThreadAllocatedBytes();
        int again = run(view, matcher, recs);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - reading;
        assertThat(again).isEqualTo(hits).isPositive(); // the pattern really matches some records
        assertThat(allocated).as("bytes allocated by matching %d records", RECORDS).isLessThan(RECORDS / 10);
    }

    private static int run(RecordView view, FilterMatcher matcher, byte[][] recs) throws Exception {
        return run(view, matcher, recs, false);
    }

    /** Reads (and, with {@code parse}, parses for typed fields) every record; matches when {@code matcher} is given. */
    private static int run(RecordView view, FilterMatcher matcher, byte[][] recs, boolean parse) throws Exception {
        int hits = 0;
        for (int i = 0; i < RECORDS; i++) {
            byte[] r = recs[i % recs.length];
            view.read(r, 0, r.length);
            if (parse) {
                view.messageMatched();
            }
            if (matcher != null && matcher.matches(view)) {
                hits++;
            }
        }
        return hits;
    }

    private static byte[][] accessRecords() {
        String[] lines = {
                "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"POST /api/v1/orders HTTP/1.1\" 503 2326 \"-\" \"curl/8\" 0.120",
                "10.0.0.2 - - [10/Oct/2000:13:55:37 -0700] \"GET /static/app.js HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\" 0.002",
                "10.0.0.3 - - [10/Oct/2000:13:55:38 -0700] \"GET /api/v1/users HTTP/1.1\" 500 1500 \"-\" \"Mozilla/5.0\" 0.300",
                // bytes "-": a numeric condition on a field that is no number
                "10.0.0.4 - - [10/Oct/2000:13:55:39 -0700] \"GET /old HTTP/1.1\" 410 - \"-\" \"curl/8\" 0.001"};
        byte[][] out = new byte[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("log", lines[i]);
            rec.put("container_name", "/web-1");
            rec.put("source", "stdout");
            out[i] = Records.pack(rec);
        }
        return out;
    }

    private static byte[][] jsonRecords() {
        byte[][] out = new byte[3][];
        for (int i = 0; i < out.length; i++) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("log", "{...}");
            rec.put("level", i == 0 ? "info" : "error");
            rec.put("user", Map.of("id", 400 + 100 * i, "roles", List.of("dev", i == 2 ? "admin" : "ops")));
            rec.put("ok", i == 1);
            out[i] = Records.pack(rec);
        }
        return out;
    }
}
