package io.loglane.router;

import static io.loglane.router.Records.block;
import static io.loglane.router.Records.rec;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Bad input through every parser: invalid UTF-8, binary garbage, half a JSON line, a huge line. Each
 * record is stored whole with its line as the message, and counted as a parse failure of its lane;
 * nothing throws, nothing is refused.
 */
class ParseFailuresTest {
    private static final String OVERLAY = """
            lanes:
              p_logfmt: {match: [{tag_suffix: [p_logfmt]}], parser: logfmt}
              p_syslog: {match: [{tag_suffix: [p_syslog]}], parser: syslog}
              p_regex: {match: [{tag_suffix: [p_regex]}], parser: {regex: '^(?P<a>\\w+)=(?P<n>\\d+)$', types: {n: int}}}
              p_format: {match: [{tag_suffix: [p_format]}], parser: {nginx_format: '$remote_addr [$time_local] $status'}}
              p_chain: {match: [{tag_suffix: [p_chain]}], parser: [json, logfmt, nginx_combined, syslog]}
            """;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private InMemoryStream stream;
    private Router router;

    private void router() throws Exception {
        LoglaneConfig config = RouterTest.LOADER.load(new ConfigSource(RouterTest.BUNDLED.toString(), Files.readString(RouterTest.BUNDLED)),
                new ConfigSource("overlay.yaml", OVERLAY));
        stream = new InMemoryStream(config);
        router = new Router(config, stream, registry, new MutableClock());
        router.start();
    }

    private IngestResult submit(String tag, RecordBlock b) throws Exception {
        return router.submit(new IngestRequest(new Source("forward", "127.0.0.1"), tag, b, null, 1L, null)).get(10, TimeUnit.SECONDS);
    }

    private double failures(String lane) {
        var c = registry.find(MetricNames.PARSE_FAILURES).tag(MetricNames.INPUT, "forward").tag(MetricNames.LANE, lane).counter();
        return c == null ? 0 : c.count();
    }

    /** A record whose {@code log} is the raw bytes {@code log} (a msgpack str, as Fluent Bit sends any line). */
    private static RecordBlock rawLog(byte[]... logs) throws Exception {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (byte[] log : logs) {
            try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
                p.packMapHeader(2).packString("log").packRawStringHeader(log.length).writePayload(log);
                p.packString("container_id").packString("c1");
                byte[] rec = p.toByteArray();
                b.add(1_000_000_000L, rec, 0, rec.length);
            }
        }
        return b.build();
    }

    @Test
    void badLinesAreStoredWholeAndCountedPerLane() throws Exception {
        router();
        java.util.Random r = new java.util.Random(7);
        byte[] garbage = new byte[300];
        r.nextBytes(garbage);
        byte[][] bad = {
                {(byte) 0xc3, (byte) 0x28, '<', '1', '3', '>', (byte) 0xff},                           // invalid UTF-8
                garbage,                                                                                // binary
                "{\"level\":\"error\",\"msg\":\"cut in the midd".getBytes(),                              // half a JSON line
                ("a=1 " + "x".repeat(3 << 20)).getBytes(),                                              // a 3 MiB line
        };
        for (String lane : List.of("p_logfmt", "p_syslog", "p_regex", "p_format", "p_chain", "access", "activity")) {
            IngestResult res = submit("t." + lane, rawLog(bad));
            assertThat(res.accepted()).as(lane).isEqualTo(bad.length);
            List<Integer> sizes = new java.util.ArrayList<>();
            for (var a : stream.lane(lane).appended) {
                var c = a.records().cursor();
                while (c.next()) {
                    sizes.add(c.recordLength());
                }
            }
            assertThat(sizes).as(lane).hasSize(bad.length);
            assertThat(sizes.get(3)).as("the huge line is kept whole").isGreaterThan(3 << 20);
            assertThat(failures(lane)).as(lane).isEqualTo(bad.length);
        }
    }

    @Test
    void linesTheParserReadsAreNoFailures() throws Exception {
        router();
        submit("t.p_logfmt", block(rec("log", "level=info msg=ok\n"), rec("log", "not logfmt"), rec("other", "no message")));
        assertThat(failures("p_logfmt")).isEqualTo(1);
        submit("t.access", block(rec("log", RouterTest.ACCESS), rec("log", "GET / 200")));
        assertThat(failures("access")).as("the access line's time says it was read").isEqualTo(1);
        submit("t.p_regex", block(rec("log", "abc=12"), rec("log", "abc=x")));
        assertThat(failures("p_regex")).as("no time: the regex is asked").isEqualTo(1);
        submit("t.p_chain", block(rec("log", "{\"a\":1}"), rec("log", "a=1"), rec("log", RouterTest.ACCESS),
                rec("log", "<13>Dec  5 04:15:49 host app: x"), rec("log", "none of them")));
        assertThat(failures("p_chain")).isEqualTo(1);
        submit("t.trace", block(rec("log", "anything")));
        assertThat(failures("trace")).as("parser none reads nothing and fails nothing").isZero();
    }
}
