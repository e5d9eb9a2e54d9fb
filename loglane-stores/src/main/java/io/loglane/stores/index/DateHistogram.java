package io.loglane.stores.index;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

/**
 * Counts matching documents per fixed interval of event time, from the {@code ts} doc values
 * (no stored field is read): bucket {@code i} covers {@code [from + i·interval, from + (i+1)·interval)}
 * in epoch milliseconds. One manager per histogram; its collectors add into their own arrays, summed on reduce.
 *
 * <p>Thread-safety: a manager may hand collectors to several threads; each collector is single-threaded.
 */
final class DateHistogram implements CollectorManager<DateHistogram.Counts, long[]> {
    /** The intervals an automatic histogram chooses from, smallest first. */
    static final List<Duration> NICE = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1),
            Duration.ofDays(7), Duration.ofDays(30));
    /** Most buckets a histogram has; an automatic interval stays at or under it. */
    static final int MAX_BUCKETS = 1000;
    /** Buckets an automatic interval aims at (at most). */
    static final int AUTO_BUCKETS = 120;

    private final long fromNanos;
    private final long intervalNanos;
    private final int buckets;

    DateHistogram(long fromMillis, long intervalMillis, int buckets) {
        this.fromNanos = fromMillis * 1_000_000L;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.buckets = buckets;
    }

    /** The smallest {@link #NICE} interval giving at most {@link #AUTO_BUCKETS} buckets over the span (the largest if none does). */
    static long autoInterval(long spanMillis) {
        for (Duration d : NICE) {
            if (spanMillis / d.toMillis() < AUTO_BUCKETS) {
                return d.toMillis();
            }
        }
        return NICE.getLast().toMillis();
    }

    @Override
    public Counts newCollector() { return new Counts(); }

    @Override
    public long[] reduce(Collection<Counts> collectors) {
        long[] sum = new long[buckets];
        for (Counts c : collectors) {
            for (int i = 0; i < buckets; i++) {
                sum[i] += c.counts[i];
            }
        }
        return sum;
    }

    /** One thread's counts. */
    final class Counts implements Collector {
        final long[] counts = new long[buckets];

        @Override
        public ScoreMode scoreMode() { return ScoreMode.COMPLETE_NO_SCORES; }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
            NumericDocValues ts = DocValues.getNumeric(context.reader(), IndexFields.TS);
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {}

                @Override
                public void collect(int doc) throws IOException {
                    if (ts.advanceExact(doc)) {
                        long i = Math.floorDiv(ts.longValue() - fromNanos, intervalNanos);
                        if (i >= 0 && i < buckets) { // the query's range already holds ts inside; kept for safety
                            counts[(int) i]++;
                        }
                    }
                }
            };
        }
    }
}
