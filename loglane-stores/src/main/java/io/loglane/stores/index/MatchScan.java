package io.loglane.stores.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.BulkScorer;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.NumericUtils;
import org.apache.lucene.search.CollectionTerminatedException;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

/**
 * Hands the matches of one query to a {@link Visitor}, leaf by leaf, across the day searchers of a
 * range: when a filter pattern's check is given, each candidate is first verified by it (the
 * search's candidate + verify path, {@link CandidateCheck}); and the scan stops after {@code cap}
 * documents read (candidates verified, or matches when there is no matcher), so the work is
 * bounded and {@link #complete()} says whether every match was seen.
 *
 * <p>Thread-safety: not thread-safe. One scan per request, used across that request's days on its
 * thread ({@link #scanNewestFirst}, one window at a time).
 */
final class MatchScan {
    /** Receives matches: one {@link LeafVisitor} per leaf, its documents in increasing id order. */
    interface Visitor {
        LeafVisitor leaf(LeafReaderContext context) throws IOException;
    }

    /** A leaf's matches. */
    interface LeafVisitor {
        void match(int doc) throws IOException;

        /** After the leaf's last match (also when the scan stops inside it). */
        default void finish() throws IOException {}
    }

    private final CandidateCheck check;
    private final Visitor visitor;
    private final long cap;
    private long read;
    private long matches;
    private boolean stopped;

    /** @param checkOrNull verifies each document (a filter pattern's candidates); null when every document matches */
    MatchScan(CandidateCheck checkOrNull, long cap, Visitor visitor) {
        this.check = checkOrNull;
        this.cap = cap;
        this.visitor = visitor;
    }

    /** Matches handed to the visitor. */
    long matches() { return matches; }

    /** Whether no document was left unread (the cap was not reached). */
    boolean complete() { return !stopped; }

    /** Documents per window of {@link #scanNewestFirst}. */
    static final int WINDOW = 1 << 16;

    /**
     * Hands the matches of {@code q} in {@code searcher} to the visitor, roughly newest first, so
     * that a capped scan reads the newest matches: segments by their newest {@code ts}, newest
     * first, and each segment in windows of {@code window} documents ({@link #WINDOW} in search)
     * from its end (documents are in the order written, which is mostly time order), each window in
     * increasing id order with its own {@link LeafVisitor}.
     */
    void scanNewestFirst(IndexSearcher searcher, Query q, int window) throws IOException {
        Weight weight = searcher.createWeight(searcher.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f);
        List<LeafReaderContext> leaves = new ArrayList<>(searcher.getIndexReader().leaves());
        long[] newest = new long[leaves.size()];
        for (int i = 0; i < newest.length; i++) {
            PointValues ts = leaves.get(i).reader().getPointValues(IndexFields.TS);
            newest[i] = ts == null ? Long.MIN_VALUE : NumericUtils.sortableBytesToLong(ts.getMaxPackedValue(), 0);
        }
        Integer[] order = new Integer[newest.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong((Integer i) -> newest[i]).reversed());
        for (int i : order) {
            LeafReaderContext context = leaves.get(i);
            for (int end = context.reader().maxDoc(); end > 0 && !stopped; end -= window) {
                BulkScorer scorer = weight.bulkScorer(context);
                if (scorer == null) {
                    break; // no match in this segment
                }
                Leaf leaf = new Leaf(context, visitor.leaf(context));
                try {
                    scorer.score(leaf, context.reader().getLiveDocs(), Math.max(0, end - window), end);
                } catch (CollectionTerminatedException capped) {
                    // the cap: stopped is set
                } finally {
                    leaf.finish();
                }
            }
            if (stopped) {
                return;
            }
        }
    }

    private final class Leaf implements LeafCollector {
        private final LeafVisitor leaf;
        private final CandidateCheck.Leaf verify;

        Leaf(LeafReaderContext context, LeafVisitor leaf) throws IOException {
            this.leaf = leaf;
            this.verify = check == null || check.everyCandidateMatches() ? null : check.leaf(context.reader());
        }

        @Override
        public void setScorer(Scorable scorer) {}

        @Override
        public void collect(int doc) throws IOException {
            if (read++ >= cap) {
                stopped = true;
                throw new CollectionTerminatedException(); // ends this window; scanNewestFirst finishes the leaf
            }
            if (verify != null && !verify.matches(doc)) {
                return;
            }
            matches++;
            leaf.match(doc);
        }

        @Override
        public void finish() throws IOException { leaf.finish(); }
    }
}
