package io.loglane.bench.jmh;

import io.loglane.bench.ingest.FrameFactory;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.JsonMessage;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordParser;
import io.loglane.search.filter.FilterMatcher;
import io.loglane.search.filter.FilterPattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Filter patterns on stored records: {@link RecordView#read} of each record, then
 * {@link FilterMatcher#matches(RecordView)}, as the live tail and a scan of the stream run them
 * for every event. {@value BenchData#EVENTS} records per invocation, laid out back to back in
 * one array as a stored block holds them. Score = events/s (one operation = one event).
 *
 * <p>Param {@code scenario} (records, pattern):
 * <ul>
 *   <li>{@code read}: access records, the empty pattern: the cost of reading the record alone,
 *       to subtract from the others;</li>
 *   <li>{@code term-miss}: access records, {@code ERROR}: a term in no line, so every byte of
 *       every message is scanned (the worst case of a term);</li>
 *   <li>{@code terms}: access records, {@code "POST /api" -healthz}: a phrase found in some lines
 *       plus an exclusion;</li>
 *   <li>{@code json-access}: access records of the {@code access} lane (nginx parser),
 *       <code>&#123; $.status &gt;= 500 &amp;&amp; $.path = "/api/*" &#125;</code>: the typed
 *       fields come from parsing each line;</li>
 *   <li>{@code json-attrs}: JSON application logs lifted as the {@code json} lane stores them,
 *       <code>&#123; $.level = "error" &amp;&amp; $.user.id &gt; 500 &#125;</code>: a nested
 *       property read in place from the record's msgpack;</li>
 *   <li>{@code space}: access records, {@code [ip, ..., status = 5*, bytes > 1000, referer, agent, time]}:
 *       message fields split in place, wildcard and numeric conditions;</li>
 *   <li>{@code regex}: access records, {@code %/api/v[0-9]+/orders%} (RE2/J).</li>
 * </ul>
 *
 * <p>Run: {@code ./loglane bench jmh FilterPatternBench -f 1 -wi 3 -i 5} (allocation per event:
 * add {@code -prof gc}; the common paths should show ~0 B/op).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class FilterPatternBench {
    @Param({"read", "term-miss", "terms", "json-access", "json-attrs", "space", "regex"})
    public String scenario;

    private byte[] records;
    private int[] offsets;
    private RecordView view;
    private FilterMatcher matcher;

    @Setup
    public void setUp() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        boolean json = scenario.equals("json-attrs");
        RecordParser parser = scenario.equals("json-access") ? Parsers.forName("nginx_combined") : null;
        String pattern = switch (scenario) {
            case "read" -> "";
            case "term-miss" -> "ERROR";
            case "terms" -> "\"POST /api\" -healthz";
            case "json-access" -> "{ $.status >= 500 && $.path = \"/api/*\" }";
            case "json-attrs" -> "{ $.level = \"error\" && $.user.id > 500 }";
            case "space" -> "[ip, ..., status = 5*, bytes > 1000, referer, agent, time]";
            case "regex" -> "%/api/v[0-9]+/orders%";
            default -> throw new IllegalArgumentException(scenario);
        };
        JsonMessage lifter = new JsonMessage();
        try (MessageBufferPacker all = MessagePack.newDefaultBufferPacker()) {
            offsets = new int[BenchData.EVENTS + 1];
            for (int i = 0; i < BenchData.EVENTS; i++) {
                offsets[i] = (int) all.getTotalWrittenBytes();
                byte[] rec = json ? liftedJsonRecord(rnd, lifter) : pack(FrameFactory.accessRecord(rnd));
                all.writePayload(rec);
            }
            offsets[BenchData.EVENTS] = (int) all.getTotalWrittenBytes();
            records = all.toByteArray();
        }
        view = new RecordView(parser);
        matcher = FilterPattern.compile(pattern).matcher();
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.EVENTS)
    public int match() throws IOException {
        int hits = 0;
        for (int i = 0; i < BenchData.EVENTS; i++) {
            view.read(records, offsets[i], offsets[i + 1] - offsets[i]);
            if (matcher.matches(view)) {
                hits++;
            }
        }
        return hits;
    }

    private static final String[] LEVELS = {"info", "info", "info", "warn", "error"};

    private static String jsonLine(SplittableRandom rnd) {
        return String.format("{\"time\":\"2026-11-25T06:%02d:%02d.%03dZ\",\"level\":\"%s\",\"msg\":\"order %d processed\","
                + "\"user\":{\"id\":%d,\"plan\":\"pro\"},\"path\":\"/api/v1/orders\",\"duration_ms\":%d}",
                rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(1000), LEVELS[rnd.nextInt(LEVELS.length)],
                rnd.nextInt(100_000), rnd.nextInt(1000), rnd.nextInt(5000));
    }

    /** A Docker record of a JSON line with the line's fields lifted, as the {@code json} lane stores it. */
    private static byte[] liftedJsonRecord(SplittableRandom rnd, JsonMessage lifter) throws IOException {
        String line = jsonLine(rnd);
        byte[] rec = pack(docker(line));
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        if (!lifter.decode(text, 0, text.length)) {
            throw new IllegalStateException("not a JSON object: " + line);
        }
        int lifted = lifter.lift(rec, 0, rec.length);
        return lifted < 0 ? rec : Arrays.copyOf(lifter.liftedArray(), lifted);
    }

    private static Map<String, String> docker(String line) {
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put("log", line);
        rec.put("container_name", "/shop-1");
        rec.put("source", "stdout");
        return rec;
    }

    private static byte[] pack(Map<String, String> rec) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(rec.size());
            for (Map.Entry<String, String> e : rec.entrySet()) {
                p.packString(e.getKey());
                p.packString(e.getValue());
            }
            return p.toByteArray();
        }
    }
}
