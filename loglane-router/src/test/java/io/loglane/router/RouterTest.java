package io.loglane.router;

import static io.loglane.router.Records.block;
import static io.loglane.router.Records.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.inputs.cloudwatch.CloudWatchKeys;
import io.loglane.inputs.forward.ForwardKeys;
import io.loglane.inputs.http.HttpKeys;
import io.loglane.inputs.otlp.OtlpKeys;
import io.loglane.stores.archive.ArchiveKeys;
import io.loglane.stores.index.IndexKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouterTest {
    static final Path BUNDLED = Path.of("..", "config", "loglane.yaml");
    /** The types the bundled file uses (the application registers the same ones). */
    static final ConfigLoader LOADER = new ConfigLoader(new ConfigCatalog(
            List.of(ForwardKeys.INSTANCE, HttpKeys.INSTANCE, CloudWatchKeys.INSTANCE, OtlpKeys.INSTANCE),
            List.of(ArchiveKeys.INSTANCE, IndexKeys.INSTANCE)));
    static final String ACCESS = "203.0.113.9 - - [01/Jun/2025:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 12 \"-\" \"curl/8\"";
    static final String JAVA_TRACE = "java.lang.NullPointerException\n\tat com.example.A.b(A.java:1)";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock();
    private InMemoryStream stream;
    private Router router;

    private Router router(String overlay) throws Exception {
        ConfigSource base = new ConfigSource(BUNDLED.toString(), Files.readString(BUNDLED));
        LoglaneConfig config = overlay == null ? LOADER.load(base) : LOADER.load(base, new ConfigSource("overlay.yaml", overlay));
        stream = new InMemoryStream(config);
        router = new Router(config, stream, registry, clock);
        router.start();
        return router;
    }

    private static IngestRequest request(String tag, RecordBlock records, String chunk) {
        return new IngestRequest(new Source("forward", "127.0.0.1"), tag, records, chunk, 1L, null);
    }

    private static IngestResult await(CompletableFuture<IngestResult> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static Reason reasonOf(CompletableFuture<IngestResult> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return ((IngestRejectedException) e.getCause()).reason();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Event times of every record the lane got, in order. */
    private List<Long> times(String lane) {
        return stream.lane(lane).appended.stream().flatMap(a -> Records.times(a.records()).stream()).toList();
    }

    /** An access line dated {@code epochSecond} in UTC, written with the given offset (e.g. {@code +0100}). */
    static String accessLineAt(long epochSecond, String offset, int i) {
        java.time.ZoneOffset zone = java.time.ZoneOffset.of(offset.substring(0, 3) + ":" + offset.substring(3));
        String time = java.time.OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(epochSecond), zone)
                .format(java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH));
        return "10.0.0." + (i % 250) + " - - [" + time + "] \"GET /item/" + i + " HTTP/1.1\" 200 " + i + " \"-\" \"curl/8\"";
    }

    private List<String> logs(String lane) {
        return stream.lane(lane).appended.stream().flatMap(a -> Records.values(a.records(), "log").stream()).toList();
    }

    private double counter(String name, String lane, String... extra) {
        var search = registry.find(name).tag(MetricNames.INPUT, "forward").tag(MetricNames.LANE, lane);
        for (int i = 0; i < extra.length; i += 2) {
            search = search.tag(extra[i], extra[i + 1]);
        }
        var c = search.counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void fieldBeatsTagBeatsContent() throws Exception {
        router(null);
        RecordBlock b = block(
                rec("log_type", "audit", "log", ACCESS),          // field → audit, despite tag and content
                rec("log", ACCESS),                               // tag → error, despite the access line
                rec("log_type", "nonsense", "log", "plain"));     // unknown log_type value → tag
        IngestResult r = await(router.submit(request("web-1.error", b, null)));
        assertThat(r).isEqualTo(new IngestResult(3, 0));
        assertThat(logs("audit")).containsExactly(ACCESS);
        assertThat(logs("error")).containsExactly(ACCESS, "plain");
        assertThat(stream.lane("audit").appended.get(0).input()).as("each append names its input").isEqualTo("forward");
        assertThat(stream.lane("audit").appended.get(0).source()).as("and carries its source's ledger entry, for a memory lane's drops")
                .isSameAs(router.sources().tally(new Source("forward", "127.0.0.1"), "web-1.error"));
    }

    @Test
    void eachLanePartCarriesTheRequestsSourcePosition() throws Exception {
        router(null);
        byte[] position = {1, 2, 3, 4};
        RecordBlock b = block(rec("log_type", "audit", "log", "a"), rec("log", "b"));
        await(router.submit(new IngestRequest(new Source("tail", "/var/log/app.log:42"), "app", b, null, 1L, position)));
        assertThat(stream.lane("audit").appended.getFirst().sourcePosition()).containsExactly(1, 2, 3, 4);
        assertThat(stream.lane("default").appended.getFirst().sourcePosition()).containsExactly(1, 2, 3, 4);
        await(router.submit(request("app", block(rec("log", "c")), null)));
        assertThat(stream.lane("default").appended.getLast().sourcePosition()).as("none for Forward/HTTP").isNull();
    }

    @Test
    void contentDecidesWhenNoFieldOrTagDoes() throws Exception {
        router(null);
        RecordBlock b = block(
                rec("log", ACCESS),
                rec("message", "2025-06-01 10:00:00 ERROR payment failed"),
                rec("msg", "all is fine", "level", "fatal"),
                rec("log", JAVA_TRACE),
                rec("log", "2025-06-01 ERROR [main] failed\n\tat com.example.A.b(A.java:1)"),
                rec("log", "user 7 liked post 9"),
                rec("container_id", "abc"));
        assertThat(await(router.submit(request("docker.abc123", b, null))).accepted()).isEqualTo(7);
        assertThat(logs("access")).containsExactly(ACCESS);
        assertThat(Records.values(stream.lane("error").appended.get(0).records(), "message")).containsExactly("2025-06-01 10:00:00 ERROR payment failed", null);
        // trace is declared before error, so an ERROR line carrying a trace goes to trace
        assertThat(logs("trace")).containsExactly(JAVA_TRACE, "2025-06-01 ERROR [main] failed\n\tat com.example.A.b(A.java:1)");
        assertThat(logs("default")).containsExactly("user 7 liked post 9", null);
        assertThat(stream.lane("activity").appended).isEmpty();
    }

    @Test
    void splitPreservesOrderWithinEachLaneAndCountsPerLane() throws Exception {
        router(null);
        RecordBlock b = block(
                rec("log_type", "activity", "log", "a1"), rec("log_type", "audit", "log", "u1"),
                rec("log_type", "activity", "log", "a2"), rec("log_type", "audit", "log", "u2"),
                rec("log_type", "activity", "log", "a3"));
        await(router.submit(request("app", b, "chunk-1")));
        assertThat(logs("activity")).containsExactly("a1", "a2", "a3");
        assertThat(logs("audit")).containsExactly("u1", "u2");
        assertThat(stream.lane("audit").appended.get(0).chunkId()).isEqualTo("chunk-1");
        assertThat(stream.lane("audit").appended.get(0).records().minTsNanos()).isEqualTo(1_001);
        assertThat(counter(MetricNames.EVENTS_ACCEPTED, "activity")).isEqualTo(3);
        assertThat(counter(MetricNames.EVENTS_ACCEPTED, "audit")).isEqualTo(2);
        assertThat(counter(MetricNames.BYTES_ACCEPTED, "audit")).isEqualTo(stream.lane("audit").appended.get(0).records().length());
    }

    @Test
    void tagFastPathPassesTheBlockThroughUntouched() throws Exception {
        router(null);
        RecordBlock b = block(rec("log", "x"), rec("log", ACCESS));
        await(router.submit(request("app.activity", b, null)));
        assertThat(stream.lane("activity").appended.get(0).records()).isSameAs(b);
        RecordBlock withField = block(rec("log", "x"), rec("log_type", "audit"));
        await(router.submit(request("app.activity", withField, null)));
        assertThat(stream.lane("audit").appended).hasSize(1);
    }

    @Test
    void resentChunksAreDeduplicatedPerLane() throws Exception {
        router(null);
        RecordBlock b = block(rec("log_type", "audit", "log", "u"), rec("log", ACCESS));
        assertThat(await(router.submit(request("app", b, "c-9")))).isEqualTo(new IngestResult(2, 0));
        assertThat(await(router.submit(request("app", b, "c-9")))).isEqualTo(new IngestResult(0, 2));
        assertThat(counter(MetricNames.EVENTS_DEDUPLICATED, "audit")).isEqualTo(1);
        assertThat(counter(MetricNames.EVENTS_DEDUPLICATED, "access")).isEqualTo(1);
        assertThat(stream.lane("audit").appended).hasSize(1);
    }

    @Test
    void theFutureCompletesOnlyWhenEveryLaneIsDurable() throws Exception {
        router(null);
        stream.lane("audit").hold = true;
        CompletableFuture<IngestResult> f = router.submit(request("app", block(rec("log_type", "audit"), rec("log", ACCESS)), null));
        assertThat(f).isNotDone();
        stream.lane("audit").release();
        assertThat(await(f)).isEqualTo(new IngestResult(2, 0));
    }

    @Test
    void rateLimitRejectsTheWholeRequestUntilTokensRefill() throws Exception {
        router("lanes:\n  activity:\n    rate: {events_per_second: 10, burst: 5}\n");
        RecordBlock three = block(rec("log", "1"), rec("log", "2"), rec("log", "3"));
        await(router.submit(request("x.activity", three, null)));
        // 2 tokens left: a request of 3 is refused, and its access part is not stored either
        RecordBlock mixed = block(rec("log_type", "activity"), rec("log_type", "activity"), rec("log_type", "activity"), rec("log", ACCESS));
        assertThat(reasonOf(router.submit(request("y", mixed, null)))).isEqualTo(Reason.RATE_LIMITED);
        assertThat(stream.lane("access").appended).isEmpty();
        assertThat(counter(MetricNames.EVENTS_REJECTED, "activity", MetricNames.REASON, "rate_limited")).isEqualTo(3);
        assertThat(counter(MetricNames.EVENTS_REJECTED, "access", MetricNames.REASON, "rate_limited")).isEqualTo(1);
        assertThat(counter(MetricNames.BYTES_REJECTED, "activity", MetricNames.REASON, "rate_limited")).as("record bytes of the lane's part")
                .isEqualTo(block(rec("log_type", "activity"), rec("log_type", "activity"), rec("log_type", "activity")).length());
        assertThat(counter(MetricNames.BYTES_REJECTED, "access", MetricNames.REASON, "rate_limited"))
                .isEqualTo(block(rec("log", ACCESS)).length());
        clock.advance(Duration.ofMillis(100)); // +1 token = 3
        assertThat(await(router.submit(request("y", mixed, null))).accepted()).isEqualTo(4);
        assertThat(reasonOf(router.submit(request("x.activity", block(rec("log", "4")), null)))).isEqualTo(Reason.RATE_LIMITED);
        clock.advance(Duration.ofSeconds(10));
        // a batch larger than the burst passes once the bucket is full, leaving it in debt
        RecordBlock eight = block(rec("log", "1"), rec("log", "2"), rec("log", "3"), rec("log", "4"), rec("log", "5"), rec("log", "6"), rec("log", "7"), rec("log", "8"));
        assertThat(await(router.submit(request("x.activity", eight, null))).accepted()).isEqualTo(8);
        clock.advance(Duration.ofMillis(400)); // debt -3 + 4 = 1 token
        assertThat(reasonOf(router.submit(request("x.activity", three, null)))).isEqualTo(Reason.RATE_LIMITED);
    }

    @Test
    void aFullDiskLaneRejectsTheWholeRequestBeforeAnythingIsStored() throws Exception {
        router(null);
        InMemoryStream.Lane audit = stream.lane("audit");
        await(router.submit(request("x.audit", block(rec("log", "first")), null)));
        audit.room = false; // the lane's own admission says no (LaneLog#hasRoomFor, tested by the stream contract)
        RecordBlock b = block(rec("log", ACCESS), rec("log_type", "audit"));
        assertThat(reasonOf(router.submit(request("app", b, null)))).isEqualTo(Reason.BACKPRESSURE);
        assertThat(stream.lane("access").appended).as("no part stored").isEmpty();
        assertThat(audit.appended).hasSize(1);
        assertThat(counter(MetricNames.EVENTS_REJECTED, "audit", MetricNames.REASON, "backpressure")).isEqualTo(1);
        audit.room = true; // a consumer committed
        assertThat(await(router.submit(request("app", b, null))).accepted()).isEqualTo(2);
    }

    @Test
    void aFailingLanePropagatesPreferringBackpressure() throws Exception {
        router(null);
        stream.lane("audit").failWith = new IngestRejectedException(Reason.STORAGE_ERROR, "disk gone");
        stream.lane("access").failWith = new IngestRejectedException(Reason.BACKPRESSURE, "full");
        RecordBlock b = block(rec("log_type", "audit"), rec("log", ACCESS), rec("log", "other"));
        assertThat(reasonOf(router.submit(request("app", b, null)))).isEqualTo(Reason.BACKPRESSURE);
        assertThat(counter(MetricNames.EVENTS_REJECTED, "audit", MetricNames.REASON, "storage_error")).isEqualTo(1);
        assertThat(counter(MetricNames.EVENTS_REJECTED, "access", MetricNames.REASON, "backpressure")).isEqualTo(1);
        assertThat(counter(MetricNames.BYTES_REJECTED, "audit", MetricNames.REASON, "storage_error"))
                .isEqualTo(block(rec("log_type", "audit")).length());
        assertThat(counter(MetricNames.EVENTS_ACCEPTED, "default")).isEqualTo(1);
        assertThat(counter(MetricNames.BYTES_ACCEPTED, "default")).isEqualTo(block(rec("log", "other")).length());
        stream.lane("access").failWith = null;
        stream.lane("audit").failWith = new IllegalStateException("bug");
        assertThat(reasonOf(router.submit(request("app", b, null)))).isEqualTo(Reason.STORAGE_ERROR);
    }

    @Test
    void aRefusalOfASplitRequestSaysWhichPartTheOtherLanesStored() throws Exception {
        router(null);
        stream.lane("audit").failWith = new IngestRejectedException(Reason.STORAGE_ERROR, "disk gone");
        RecordBlock b = block(rec("log_type", "audit"), rec("log", ACCESS), rec("log", "other"));
        CompletableFuture<IngestResult> f = router.submit(request("app", b, null));
        assertThat(reasonOf(f)).isEqualTo(Reason.STORAGE_ERROR);
        IngestRejectedException e = (IngestRejectedException) f.exceptionNow();
        assertThat(e.stored()).as("access and default stored their parts").isEqualTo(new IngestResult(2, 0));

        SourceTally tally = new SourceLedger(registry, 10).tally(new Source("http", "10.0.0.1"), "app");
        tally.received(3, 1);
        tally.failed(e.reason().label(), 3, e);
        assertThat(tally.status().rejected()).as("only the failed lane's part").containsExactly(Map.entry("storage_error", 1L));
        assertThat(tally.status().accepted()).isEqualTo(2);
        assertThat(tally.status().pending()).isZero();

        stream.lane("access").failWith = new IngestRejectedException(Reason.STORAGE_ERROR, "disk gone");
        stream.lane("default").failWith = new IngestRejectedException(Reason.STORAGE_ERROR, "disk gone");
        CompletableFuture<IngestResult> none = router.submit(request("app", b, null));
        assertThat(reasonOf(none)).isEqualTo(Reason.STORAGE_ERROR);
        assertThat(((IngestRejectedException) none.exceptionNow()).stored()).as("nothing stored").isEqualTo(new IngestResult(0, 0));
    }

    @Test
    void malformedBlocksAndLifecycleAreRejectedAndCounted() throws Exception {
        router(null);
        byte[] junk = new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 9};
        RecordBlock broken = new RecordBlock(junk, 0, junk.length, 1, 1, 1);
        assertThat(reasonOf(router.submit(request("app", broken, null)))).isEqualTo(Reason.INVALID);
        assertThat(counter(MetricNames.EVENTS_REJECTED, RouterMeters.UNROUTED, MetricNames.REASON, "invalid")).isEqualTo(1);
        assertThat(counter(MetricNames.BYTES_REJECTED, RouterMeters.UNROUTED, MetricNames.REASON, "invalid")).isEqualTo(junk.length);
        assertThat(await(router.submit(request("app", RecordBlock.EMPTY, null)))).isEqualTo(new IngestResult(0, 0));
        router.close();
        assertThat(reasonOf(router.submit(request("app", block(rec("log", "x")), null)))).isEqualTo(Reason.STORAGE_ERROR);
    }

    @Test
    void aLaneMissingFromTheStreamFailsStart() throws Exception {
        LoglaneConfig config = LOADER.load(new ConfigSource(BUNDLED.toString(), Files.readString(BUNDLED)));
        LoglaneConfig smaller = LOADER.load(new ConfigSource("s.yaml", "lanes: {default: {}}"));
        Router r = new Router(config, new InMemoryStream(smaller), registry, clock);
        assertThatThrownBy(r::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("access");
    }

    @Test
    void reportsAMovingRatePerLane() throws Exception {
        router(null);
        for (int s = 0; s < 3; s++) {
            await(router.submit(request("x.activity", block(rec("log", "a"), rec("log", "b")), null)));
            clock.advance(Duration.ofSeconds(1));
        }
        Map<String, Double> rates = router.eventsPerSecond();
        assertThat(rates).containsKeys("access", "activity", "trace", "error", "audit", "default");
        assertThat(rates.get("activity")).isEqualTo(6 / 10.0);
        assertThat(router.eventsPerSecond("access")).isZero();
    }

    /** 2026-11-25T06:00:00Z */
    static final long NOV_25 = 1_795_586_400L;

    @SuppressWarnings("unchecked")
    private static RecordBlock accessLines(int n, int secondsApart, String offset, String... extraKv) {
        Map<String, String>[] recs = new Map[n];
        for (int i = 0; i < n; i++) {
            recs[i] = rec("log", accessLineAt(NOV_25 + (long) i * secondsApart, offset, i));
            for (int k = 0; k < extraKv.length; k += 2) {
                recs[i].put(extraKv[k], extraKv[k + 1]);
            }
        }
        return block(recs);
    }

    private static List<Long> expectedTimes(int n, int secondsApart) {
        return java.util.stream.LongStream.range(0, n).map(i -> (NOV_25 + i * secondsApart) * 1_000_000_000L).boxed().toList();
    }

    @Test
    void accessLinesSpanningSeventeenMinutesEachGetTheirOwnTimeWhateverDecidesTheirLane() throws Exception {
        router(null);
        // 150 lines, 7 s apart (17.4 minutes), all arriving together: before, all shared one arrival-ish time
        List<Long> expected = expectedTimes(150, 7);
        await(router.submit(request("web.access", accessLines(150, 7, "+0000"), null)));          // the tag decides
        await(router.submit(request("docker.abc", accessLines(150, 7, "+0100"), null)));          // the content decides
        await(router.submit(request("docker.abc", accessLines(150, 7, "-0630", "log_type", "access"), null))); // a field decides
        assertThat(stream.lane("access").appended).hasSize(3);
        for (var append : stream.lane("access").appended) {
            assertThat(Records.times(append.records())).containsExactlyElementsOf(expected).doesNotHaveDuplicates();
            assertThat(append.records().minTsNanos()).isEqualTo(expected.get(0));
            assertThat(append.records().maxTsNanos()).isEqualTo(expected.get(149));
        }
    }

    @Test
    void theLineTimeIsReadOnlyInLanesWhoseParserReadsItAndOnlyFromLinesThatStateOne() throws Exception {
        router(null);
        RecordBlock b = block(
                rec("log", accessLineAt(NOV_25, "+0000", 1)),
                rec("log", "2026-11-25 ERROR payment failed"),
                rec("log", "user 7 liked post 9"));
        await(router.submit(request("docker.abc", b, null)));
        assertThat(times("access")).containsExactly(NOV_25 * 1_000_000_000L);
        assertThat(times("error")).as("no time in the line: the record keeps its own").containsExactly(1_001L);
        assertThat(times("default")).containsExactly(1_002L);

        RecordBlock inTrace = accessLines(3, 1, "+0000");
        await(router.submit(request("web.trace", inTrace, null)));
        assertThat(stream.lane("trace").appended.get(0).records()).as("parser none: passed through untouched").isSameAs(inTrace);

        RecordBlock notAccess = block(rec("log", "not an access line"), rec("message", accessLineAt(NOV_25 + 5, "+0000", 2)));
        await(router.submit(request("web.access", notAccess, null)));
        assertThat(Records.times(stream.lane("access").appended.get(1).records()))
                .as("a record without a line time keeps its own; the message key may be any of log/message/msg")
                .containsExactly(1_000L, (NOV_25 + 5) * 1_000_000_000L);
    }

    /** What Docker's fluentd driver and FireLens send for a JSON application log line. */
    static final String DOCKER_JSON_LOG = "{\"level\":\"error\",\"log_type\":\"audit\",\"time\":\"2026-11-25T06:00:00.123456789Z\","
            + "\"user\":\"u-17\",\"amount\":12.5,\"container_name\":\"app-says\",\"tags\":[\"a\",{\"b\":1}]}\n";

    private List<Map<String, String>> records(String lane) {
        return stream.lane(lane).appended.stream().flatMap(a -> Records.maps(a.records()).stream()).toList();
    }

    @Test
    void aDockerDriverJsonLogIsRoutedTimedAndLiftedByItsOwnFields() throws Exception {
        router(null);
        RecordBlock b = block(rec("log", DOCKER_JSON_LOG, "container_id", "c0ffee", "container_name", "/pay", "source", "stdout"));
        await(router.submit(request("docker.c0ffee", b, null)));
        assertThat(times("audit")).as("the object's time field").containsExactly(1_795_586_400_123_456_789L);
        Map<String, String> stored = records("audit").get(0);
        assertThat(stored).containsExactly(
                Map.entry("log", DOCKER_JSON_LOG),          // the original line stays the message
                Map.entry("container_id", "c0ffee"),
                Map.entry("container_name", "/pay"),        // the record's own field wins a clash
                Map.entry("source", "stdout"),
                Map.entry("level", "error"),
                Map.entry("log_type", "audit"),
                Map.entry("time", "2026-11-25T06:00:00.123456789Z"),
                Map.entry("user", "u-17"),
                Map.entry("amount", "12.5"),
                Map.entry("tags", "[\"a\",{\"b\":1}]"));
    }

    @Test
    void routingLooksInsideAJsonMessageButTheRecordsOwnFieldsWin() throws Exception {
        router(null);
        String farLevel = "{\"msg\":\"" + "x".repeat(600) + "\",\"level\":\"FATAL\"}"; // beyond the text heuristic's reach
        RecordBlock b = block(
                rec("log", farLevel),                                                    // level inside → error
                rec("log", "{\"level\":\"info\",\"log_type\":\"audit\"}", "log_type", "activity"),  // own field wins
                rec("log", " {\"log_type\":\"audit\"} \n"),                               // whitespace around the object
                rec("log", "{\"log_type\":\"audit\""),                                   // truncated: not JSON, no lane from it
                rec("log", "{\"log_type\":\"audit\"} trailing text"));                    // not one object
        await(router.submit(request("docker.abc", b, null)));
        assertThat(logs("error")).containsExactly(farLevel);
        assertThat(records("activity")).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("log_type", "activity").containsEntry("level", "info"));
        assertThat(logs("audit")).containsExactly(" {\"log_type\":\"audit\"} \n");
        assertThat(logs("default")).containsExactly("{\"log_type\":\"audit\"", "{\"log_type\":\"audit\"} trailing text");
        assertThat(records("default")).allSatisfy(r -> assertThat(r).containsOnlyKeys("log"));
    }

    @Test
    void aLaneTheTagNamesLiftsAndTimesJsonMessagesAndLeavesPlainLinesAsTheyCame() throws Exception {
        router(null);
        RecordBlockBuilder bb = new RecordBlockBuilder();
        byte[] meta = Records.msgpack(rec("otlp_trace", "t1"));
        byte[] plain = Records.msgpack(rec("log", "user 7 liked post 9"));
        byte[] json = Records.msgpack(rec("message", "{\"log\":\"inner\",\"msg\":\"liked\",\"ts\":1795586400}"));
        byte[] badTime = Records.msgpack(rec("log", "{\"event\":\"like\",\"time\":\"yesterday\"}"));
        bb.add(10, plain, 0, plain.length).add(11, json, 0, json.length, meta, 0, meta.length).add(12, badTime, 0, badTime.length);
        RecordBlock b = bb.build();
        await(router.submit(request("web.activity", b, null)));
        RecordBlock stored = stream.lane("activity").appended.get(0).records();
        assertThat(Records.times(stored)).containsExactly(10L, 1_795_586_400_000_000_000L, 12L);
        assertThat(Records.maps(stored)).containsExactly(
                Map.of("log", "user 7 liked post 9"),
                // "log" would take the message over from "message", so it is not lifted
                new java.util.LinkedHashMap<>(Map.of("message", "{\"log\":\"inner\",\"msg\":\"liked\",\"ts\":1795586400}", "msg", "liked",
                        "ts", "1795586400")),
                new java.util.LinkedHashMap<>(Map.of("log", "{\"event\":\"like\",\"time\":\"yesterday\"}", "event", "like", "time", "yesterday")));
        RecordCursor c = stored.cursor();
        c.next();
        c.next();
        assertThat(java.util.Arrays.copyOfRange(c.array(), c.metaOffset(), c.metaOffset() + c.metaLength()))
                .as("the entry's metadata is kept").isEqualTo(meta);

        RecordBlock plainOnly = block(rec("log", "a"), rec("log", "{b}"));
        await(router.submit(request("web.activity", plainOnly, null)));
        assertThat(stream.lane("activity").appended.get(1).records()).as("nothing to lift or time: no copy").isSameAs(plainOnly);
    }

    @Test
    void aLaneWithParserNoneStoresAJsonMessageAsItCame() throws Exception {
        router(null);
        RecordBlock b = block(rec("log", DOCKER_JSON_LOG.replace("\"log_type\":\"audit\",", "")));
        await(router.submit(request("web.trace", b, null)));
        assertThat(stream.lane("trace").appended.get(0).records()).isSameAs(b);
    }

    @Test
    void recordsOfOneLaneKeepTheirOrderAndTimesWhenALaterOneIsLifted() throws Exception {
        router(null);
        RecordBlock b = block(
                rec("log", "first plain line"),
                rec("log", "{\"user\":\"u1\",\"time\":1795586400}"),
                rec("log", "last plain line"));
        RecordBlock same = block(rec("log", "a"), rec("log", "b"));
        await(router.submit(request("docker.abc", b, null)));
        await(router.submit(request("docker.abc", same, null)));
        assertThat(Records.times(stream.lane("default").appended.get(0).records()))
                .containsExactly(1_000L, 1_795_586_400_000_000_000L, 1_002L);
        assertThat(Records.maps(stream.lane("default").appended.get(0).records())).extracting(r -> r.get("user"))
                .containsExactly(null, "u1", null);
        assertThat(stream.lane("default").appended.get(1).records()).as("nothing changed: passed on as is").isSameAs(same);
    }
}
