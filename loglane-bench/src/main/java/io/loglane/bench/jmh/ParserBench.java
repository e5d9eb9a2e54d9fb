package io.loglane.bench.jmh;

import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.MessageView;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.ParserSpec;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One lane parser over a batch of {@value #LINES} lines held in one byte array, as a store and the
 * router meet them: per line, what the router asks ({@link RecordParser#eventTime},
 * {@link RecordParser#liftedFields}) and what a store asks ({@link RecordParser#parse} into typed
 * fields). Score = lines/s (one operation = one line); run with {@code -prof gc} for the bytes
 * allocated per line.
 *
 * <p>Param {@code parser}: {@code nginx_combined} (hand scanner), {@code nginx_format} (the
 * combined format written as a {@code log_format}, RE2/J), {@code regex} (four named groups, two
 * typed), {@code logfmt}, {@code json}, {@code syslog_rfc5424}, {@code syslog_rfc3164}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ParserBench {
    static final int LINES = 1000;

    @Param({"nginx_combined", "nginx_format", "regex", "logfmt", "json", "syslog_rfc5424", "syslog_rfc3164"})
    public String parser;

    private RecordParser p;
    private ParsedFields out;
    private final MessageView view = new MessageView();
    private byte[] buf;
    private final int[] offs = new int[LINES];
    private final int[] lens = new int[LINES];

    @Setup
    public void setUp() {
        p = switch (parser) {
            case "nginx_format" -> Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.NGINX_FORMAT,
                    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time",
                    Map.of(), null, null))));
            case "regex" -> Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.REGEX,
                    "^(?P<level>[A-Z]+) (?P<status>\\d+) took=(?P<took>[\\d.]+) user=(?P<user>\\S+)",
                    Map.of("status", FieldType.LONG, "took", FieldType.DOUBLE), null, null))));
            default -> Parsers.forName(parser);
        };
        out = new ParsedFields(p.fields().size());
        SplittableRandom r = new SplittableRandom(42);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < LINES; i++) {
            byte[] line = line(r, i).getBytes(StandardCharsets.UTF_8);
            offs[i] = all.size();
            lens[i] = line.length;
            all.writeBytes(line);
        }
        buf = all.toByteArray();
        for (int i = 0; i < LINES; i++) { // every line must be one the parser reads, or this measures rejections
            view.set(buf, offs[i], lens[i]);
            if (!p.parse(buf, offs[i], lens[i], out) && p.liftedFields(view) == null) {
                throw new IllegalStateException(parser + " does not read " + new String(buf, offs[i], lens[i], StandardCharsets.UTF_8));
            }
        }
    }

    private String line(SplittableRandom r, int i) {
        int status = r.nextInt(10) == 0 ? 500 + r.nextInt(4) : 200;
        String ip = "10.0." + r.nextInt(256) + "." + r.nextInt(256);
        String sec = String.format("%02d", i % 60);
        return switch (parser) {
            case "nginx_combined", "nginx_format" -> ip + " - - [05/Dec/2026:04:15:" + sec + " +0000] \"GET /api/v1/items/" + r.nextInt(100_000)
                    + "?page=" + r.nextInt(10) + " HTTP/1.1\" " + status + " " + r.nextInt(50_000)
                    + " \"https://example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0\" 0."
                    + r.nextInt(1000);
            case "regex" -> (status >= 500 ? "ERROR " : "INFO ") + status + " took=" + r.nextInt(900) + "." + r.nextInt(10) + " user=u" + r.nextInt(1000);
            case "logfmt" -> "time=2026-12-05T04:15:" + sec + "Z level=" + (status >= 500 ? "error" : "info") + " msg=\"request done\" status="
                    + status + " took=0." + r.nextInt(1000) + " path=/api/v1/items/" + r.nextInt(100_000) + " user=u" + r.nextInt(1000);
            case "json" -> "{\"time\":\"2026-12-05T04:15:" + sec + "Z\",\"level\":\"" + (status >= 500 ? "error" : "info")
                    + "\",\"msg\":\"request done\",\"status\":" + status + ",\"took\":0." + r.nextInt(1000) + ",\"path\":\"/api/v1/items/" + r.nextInt(100_000) + "\"}\n";
            case "syslog_rfc5424" -> "<165>1 2026-12-05T04:15:" + sec + ".003Z web-" + r.nextInt(20) + " nginx " + r.nextInt(30_000)
                    + " ID47 [origin ip=\"" + ip + "\"] upstream timed out while reading response header from upstream";
            case "syslog_rfc3164" -> "<34>Dec  5 04:15:" + sec + " web-" + r.nextInt(20) + " sshd[" + r.nextInt(30_000)
                    + "]: Failed password for invalid user admin from " + ip + " port " + r.nextInt(65_536) + " ssh2";
            default -> throw new IllegalArgumentException(parser);
        };
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void parseBatch(Blackhole bh) {
        for (int i = 0; i < LINES; i++) {
            view.set(buf, offs[i], lens[i]);
            bh.consume(p.eventTime(view));
            bh.consume(p.liftedFields(view));
            bh.consume(p.parse(buf, offs[i], lens[i], out));
        }
    }
}
