package io.loglane.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SourceLedgerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static final Source A = new Source("forward", "10.0.0.1");
    private static final Source B = new Source("forward", "10.0.0.2");
    private static final long T0 = 1_750_000_000_000_000_000L;

    private double counter(String name, String input, String peer, String tag, String... reason) {
        var search = registry.find(name).tags(MetricNames.INPUT, input, MetricNames.PEER, peer, MetricNames.TAG, tag);
        if (reason.length > 0) {
            search = search.tag(MetricNames.REASON, reason[0]);
        }
        Counter c = search.counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void eachInputPeerAndTagIsItsOwnEntryWithItsOutcomesAndTimes() {
        SourceLedger ledger = new SourceLedger(registry, 10);
        SourceTally a = ledger.tally(A, "app.audit");
        a.received(5, T0);
        a.settled(new IngestResult(3, 1));
        a.rejected("rate_limited", 1);
        a.received(2, T0 + 5_000_000_000L);
        ledger.tally(A, "app.web").received(7, T0);
        ledger.tally(new Source("http", "10.0.0.1"), "app.audit").received(1, T0);

        assertThat(ledger.tally(A, "app.audit")).as("found again, not created again").isSameAs(a);
        assertThat(ledger.tracked()).isEqualTo(3);
        SourceStatus s = a.status();
        assertThat(List.of(s.input(), s.peer(), s.tag())).containsExactly("forward", "10.0.0.1", "app.audit");
        assertThat(List.of(s.received(), s.accepted(), s.deduplicated(), s.pending())).containsExactly(7L, 3L, 1L, 2L);
        assertThat(s.rejected()).containsExactly(Map.entry("rate_limited", 1L));
        assertThat(s.firstSeen()).isEqualTo(Instant.ofEpochSecond(0, T0));
        assertThat(s.lastSeen()).isEqualTo(Instant.ofEpochSecond(0, T0 + 5_000_000_000L));

        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "forward", "10.0.0.1", "app.audit")).isEqualTo(7);
        assertThat(counter(MetricNames.SOURCE_EVENTS_ACCEPTED, "forward", "10.0.0.1", "app.audit")).isEqualTo(3);
        assertThat(counter(MetricNames.SOURCE_EVENTS_DEDUPLICATED, "forward", "10.0.0.1", "app.audit")).isEqualTo(1);
        assertThat(counter(MetricNames.SOURCE_EVENTS_REJECTED, "forward", "10.0.0.1", "app.audit", "rate_limited")).isEqualTo(1);
        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "forward", "10.0.0.1", "app.web")).isEqualTo(7);
        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "http", "10.0.0.1", "app.audit")).isEqualTo(1);
        assertThat(registry.get(MetricNames.SOURCE_LAST_SEEN).tags(MetricNames.TAG, "app.audit", MetricNames.INPUT, "forward")
                .gauge().value()).isEqualTo((T0 + 5_000_000_000L) / 1e9);
    }

    @Test
    void rejectionsAndDropsAreCountedByReasonAndOnlyReasonsThatOccurredExportASeries() {
        SourceLedger ledger = new SourceLedger(registry, 10);
        SourceTally t = ledger.tally(A, "x");
        t.received(10, T0);
        t.rejected("invalid", 2);
        t.rejected("backpressure", 3);
        t.rejected("invalid", 1);
        t.rejected("storage_error", 0);
        t.settled(new IngestResult(4, 0));
        t.dropped("overflow", 4);

        SourceStatus s = t.status();
        assertThat(s.rejected()).containsExactly(Map.entry("backpressure", 3L), Map.entry("invalid", 3L));
        assertThat(s.dropped()).containsExactly(Map.entry("overflow", 4L));
        assertThat(s.pending()).as("drops come after acceptance: they do not settle anything").isZero();
        assertThat(counter(MetricNames.SOURCE_EVENTS_REJECTED, "forward", "10.0.0.1", "x", "storage_error"))
                .as("a reason with no events registers nothing").isEqualTo(-1);
        assertThat(counter(MetricNames.SOURCE_EVENTS_DROPPED, "forward", "10.0.0.1", "x", "overflow")).isEqualTo(4);
    }

    @Test
    void sourcesBeyondTheCapAreCountedInTheirInputsOtherBucket() {
        SourceLedger ledger = new SourceLedger(registry, 2);
        ledger.tally(A, "t1").received(1, T0);
        ledger.tally(A, "t2").received(1, T0);
        SourceTally overflow = ledger.tally(B, "t1");
        overflow.received(4, T0);
        ledger.tally(A, "t3").received(8, T0);
        ledger.tally(new Source("http", "10.0.0.9"), "h").received(16, T0);

        assertThat(ledger.tracked()).isEqualTo(2);
        assertThat(registry.get(MetricNames.SOURCES_TRACKED).gauge().value()).isEqualTo(2);
        assertThat(overflow.source()).isEqualTo(new Source("forward", MetricNames.OTHER_SOURCES));
        assertThat(ledger.tally(A, "t3")).as("every further source of the input shares the bucket").isSameAs(overflow);
        assertThat(ledger.tally(A, "t1").status().received()).as("tracked sources keep their entry").isEqualTo(1);
        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "forward", "other", "other")).isEqualTo(12);
        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "http", "other", "other")).as("one bucket per input").isEqualTo(16);
        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "forward", "10.0.0.2", "t1")).isEqualTo(-1);
        assertThat(ledger.statuses()).extracting(s -> s.input() + "/" + s.peer() + "/" + s.tag() + "=" + s.received())
                .as("sorted by input, each input's bucket after its sources")
                .containsExactly("forward/10.0.0.1/t1=1", "forward/10.0.0.1/t2=1", "forward/other/other=12", "http/other/other=16");
    }

    @Test
    void deliveriesAreCountedPerStoreAndAStoredOtherSourceFindsItsInputsBucket() {
        SourceLedger ledger = new SourceLedger(registry, 1);
        SourceTally a = ledger.tally(A, "t");
        SourceTally overflow = ledger.tally(B, "t");
        a.delivered("archive", 5);
        a.delivered("archive-cold", 2);
        a.delivered("archive", 3);
        a.delivered("index", 0);
        // A stored batch names the entry its events were counted under: for an overflowed source, the bucket.
        ledger.tally(overflow.source(), "t").delivered("archive", 4);

        assertThat(a.status().delivered()).containsExactly(Map.entry("archive", 8L), Map.entry("archive-cold", 2L));
        assertThat(overflow.status().delivered()).containsExactly(Map.entry("archive", 4L));
        assertThat(ledger.tracked()).as("the bucket's source is not a new source").isEqualTo(1);
        assertThat(registry.get(MetricNames.SOURCE_EVENTS_DELIVERED).tags(MetricNames.PEER, "10.0.0.1", MetricNames.STORE, "archive")
                .counter().count()).isEqualTo(8);
        assertThat(registry.find(MetricNames.SOURCE_EVENTS_DELIVERED).tags(MetricNames.STORE, "index").counter())
                .as("a store with no events registers nothing").isNull();
    }

    /** A clock the test moves. */
    private static final class TestClock extends java.time.Clock {
        Instant now = Instant.ofEpochSecond(0, T0);
        @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
        @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
        long nanos() { return now.getEpochSecond() * 1_000_000_000L + now.getNano(); }
        void advance(Duration d) { now = now.plus(d); }
    }

    private static long sum(List<SourceStatus> statuses, java.util.function.ToLongFunction<SourceStatus> f) {
        return statuses.stream().mapToLong(f).sum();
    }

    @Test
    void anIdleSourceIsFoldedIntoItsInputsEvictedBucketMakingRoomWhileTheSumsStillAddUp() {
        TestClock clock = new TestClock();
        SourceLedger ledger = new SourceLedger(registry, 2, Duration.ofMinutes(10), clock);
        SourceTally quiet = ledger.tally(A, "container-1");
        quiet.received(5, clock.nanos());
        quiet.settled(new IngestResult(4, 0));
        quiet.rejected("invalid", 1);
        quiet.delivered("archive", 4);
        SourceTally busy = ledger.tally(B, "container-2");
        busy.received(3, clock.nanos());
        busy.settled(new IngestResult(3, 0));
        clock.advance(Duration.ofMinutes(6));
        busy.received(1, clock.nanos());
        busy.settled(new IngestResult(1, 0));
        clock.advance(Duration.ofMinutes(5)); // quiet: idle 11 min; busy: 5 min

        SourceTally next = ledger.tally(new Source("forward", "10.0.0.3"), "container-3");
        assertThat(next.source().peer()).as("the quiet source's eviction made room under the cap").isEqualTo("10.0.0.3");
        assertThat(ledger.tracked()).isEqualTo(2);
        next.received(2, clock.nanos());
        next.settled(new IngestResult(2, 0));
        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "forward", "10.0.0.1", "container-1")).as("its series are gone").isEqualTo(-1);
        assertThat(registry.find(MetricNames.SOURCE_LAST_SEEN).tags(MetricNames.TAG, "container-1").gauge()).isNull();

        List<SourceStatus> all = ledger.statuses();
        assertThat(all).extracting(st -> st.peer() + "/" + st.tag())
                .containsExactly("10.0.0.2/container-2", "10.0.0.3/container-3", "evicted/evicted");
        SourceStatus bucket = all.getLast();
        assertThat(List.of(bucket.received(), bucket.accepted())).containsExactly(5L, 4L);
        assertThat(bucket.rejected()).containsExactly(Map.entry("invalid", 1L));
        assertThat(bucket.delivered()).containsExactly(Map.entry("archive", 4L));
        assertThat(counter(MetricNames.SOURCE_EVENTS_RECEIVED, "forward", "evicted", "evicted")).isEqualTo(5);
        assertThat(sum(all, SourceStatus::received)).as("received still adds up over the input").isEqualTo(11);
        assertThat(sum(all, SourceStatus::accepted)).isEqualTo(10);

        // An input still holding the evicted entry (a Forward connection) counts into the source's current entry.
        quiet.delivered("archive", 1);
        List<SourceStatus> after = ledger.statuses();
        assertThat(after.stream().mapToLong(st -> st.delivered().getOrDefault("archive", 0L)).sum()).isEqualTo(5);
        assertThat(ledger.statuses().getLast().received()).as("the bucket is not counted twice").isEqualTo(5);
    }

    @Test
    void withEvictionOffNoSourceIsEverEvicted() {
        TestClock clock = new TestClock();
        SourceLedger ledger = new SourceLedger(registry, 1, Duration.ZERO, clock);
        ledger.tally(A, "t").received(1, clock.nanos());
        clock.advance(Duration.ofDays(30));
        assertThat(ledger.tally(B, "t").source().peer()).as("the cap is still held by the first source").isEqualTo("other");
        assertThat(ledger.evictIdle()).isZero();
        assertThat(ledger.statuses()).extracting(SourceStatus::peer).containsExactly("10.0.0.1", "other");
    }

    @Test
    void concurrentNewSourcesNeverExceedTheCap() throws Exception {
        SourceLedger ledger = new SourceLedger(registry, 50);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int w = 0; w < 4; w++) {
                int worker = w;
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        ledger.tally(new Source("forward", "10.1." + worker + "." + i), "t").received(1, T0);
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.tracked()).isEqualTo(50);
        assertThat(ledger.statuses()).hasSize(51);
        assertThat(ledger.statuses().stream().mapToLong(SourceStatus::received).sum()).as("nothing lost on the way").isEqualTo(400);
    }

    @Test
    void aLongTagIsCutToTheLabelLimit() {
        SourceLedger ledger = new SourceLedger(registry, 10);
        String tag = "t".repeat(SourceLedger.MAX_TAG_LABEL + 50);
        SourceTally t = ledger.tally(A, tag);
        assertThat(t.tag()).hasSize(SourceLedger.MAX_TAG_LABEL);
        assertThat(ledger.tally(A, tag + "more")).as("same prefix, same entry").isSameAs(t);
    }

    @Test
    void aNetworkPeerIsItsHostWithoutThePort() {
        assertThat(Source.ofAddress("forward", new InetSocketAddress("127.0.0.1", 52114)))
                .isEqualTo(new Source("forward", "127.0.0.1"));
        assertThat(Source.ofAddress("forward", new InetSocketAddress("::1", 40000)).peer()).isEqualTo("0:0:0:0:0:0:0:1");
    }
}
