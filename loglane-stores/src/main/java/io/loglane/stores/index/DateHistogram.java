package io.loglane.stores.index;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.util.BytesRef;

/**
 * Counts matching documents per fixed interval of event time, from the {@code ts} doc values
 * (no stored field is read): bucket {@code i} covers {@code [from + i·interval, from + (i+1)·interval)}
 * in epoch milliseconds. With a split, it also counts per bucket each of the given values of one
 * keyword field (series {@code k} for {@code splitValues[k]}) and, in a last series, the matches
 * with another value or none.
 *
 * <p>Thread-safety: not thread-safe; one per histogram, fed by one {@link MatchScan}.
 */
final class DateHistogram implements MatchScan.Visitor {
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
    private final long[] counts;
    private final String splitField;
    private final List<String> splitValues;
    /** Per split value, then one for the rest: counts per bucket. Empty without a split. */
    private final long[][] series;

    /** @param splitField a keyword field to split by, or null; {@code splitValues} its values to count apart */
    DateHistogram(long fromMillis, long intervalMillis, int buckets, String splitField, List<String> splitValues) {
        this.fromNanos = fromMillis * 1_000_000L;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.counts = new long[buckets];
        this.splitField = splitField;
        this.splitValues = List.copyOf(splitValues);
        this.series = new long[splitField == null ? 0 : splitValues.size() + 1][buckets];
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

    long[] counts() { return counts; }

    /** Per split value (in the given order) and then the rest: counts per bucket; empty without a split. */
    long[][] series() { return series; }

    @Override
    public MatchScan.LeafVisitor leaf(LeafReaderContext context) throws IOException {
        NumericDocValues ts = DocValues.getNumeric(context.reader(), IndexFields.TS);
        SortedDocValues split = splitField == null ? null : context.reader().getSortedDocValues(splitField);
        // This leaf's ordinal of each split value (negative when the leaf lacks it): found once, compared per match.
        int[] ords = new int[splitValues.size()];
        for (int k = 0; k < ords.length; k++) {
            ords[k] = split == null ? -1 : split.lookupTerm(new BytesRef(splitValues.get(k)));
        }
        return doc -> {
            if (!ts.advanceExact(doc)) {
                return;
            }
            long i = Math.floorDiv(ts.longValue() - fromNanos, intervalNanos);
            if (i < 0 || i >= counts.length) {
                return; // the query's range already holds ts inside; kept for safety
            }
            counts[(int) i]++;
            if (series.length > 0) {
                int k = split != null && split.advanceExact(doc) ? indexOf(ords, split.ordValue()) : -1;
                series[k < 0 ? ords.length : k][(int) i]++;
            }
        };
    }

    /**
     * Whether {@link #countSorted} may count this leaf: no deleted documents (a replaced record
     * leaves one), and a {@code ts} on every document.
     */
    static boolean countableBySort(LeafReader reader) throws IOException {
        NumericDocValues ts = reader.getNumericDocValues(IndexFields.TS);
        return reader.getLiveDocs() == null && ts != null && ts.cost() == reader.maxDoc();
    }

    /**
     * Adds every document of a leaf whose {@code ts} lies in {@code [loNanos, hiNanos)} to its
     * bucket, reading no document one by one: the index sort ({@code ts} descending) makes the
     * documents at or after any time a prefix of the leaf, so each bucket's count is the
     * difference of two binary searches ({@code O(buckets · log docs)} doc-value reads, where a
     * scan reads every document). Only for a leaf {@link #countableBySort} and a histogram
     * without a split.
     */
    void countSorted(LeafReader reader, long loNanos, long hiNanos) throws IOException {
        int previous = -1; // firstBelow of the bucket's upper edge, carried from the bucket after it
        for (int i = counts.length - 1; i >= 0; i--) {
            long lo = Math.max(fromNanos + i * intervalNanos, loNanos);
            long hi = Math.min(fromNanos + (i + 1) * intervalNanos, hiNanos);
            if (lo >= hi) {
                previous = -1;
                continue;
            }
            int upper = previous >= 0 ? previous : firstBelow(reader, hi);
            int lower = firstBelow(reader, lo);
            counts[i] += lower - upper;
            previous = lower;
        }
    }

    /** The first document whose ts is below {@code nanos} ({@code maxDoc} when none is), ts descending with the doc id. */
    private static int firstBelow(LeafReader reader, long nanos) throws IOException {
        int lo = 0;
        int hi = reader.maxDoc();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            NumericDocValues ts = reader.getNumericDocValues(IndexFields.TS); // forward-only: a fresh one per probe
            if (!ts.advanceExact(mid)) {
                throw new IllegalStateException("document without ts in a leaf counted by its sort");
            }
            if (ts.longValue() < nanos) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int indexOf(int[] ords, int ord) {
        for (int k = 0; k < ords.length; k++) {
            if (ords[k] == ord) {
                return k;
            }
        }
        return -1;
    }
}
