package io.loglane.stores.index;

import java.io.IOException;
import java.util.Collection;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.CollectionTerminatedException;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
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
 * thread; the searchers it runs on have no executor, so their leaves are collected in turn.
 */
final class MatchScan implements CollectorManager<Collector, Void> {
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

    @Override
    public Collector newCollector() {
        return new Collector() {
            @Override
            public ScoreMode scoreMode() { return ScoreMode.COMPLETE_NO_SCORES; }

            @Override
            public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
                if (stopped) {
                    throw new CollectionTerminatedException();
                }
                return new Leaf(context, visitor.leaf(context));
            }
        };
    }

    @Override
    public Void reduce(Collection<Collector> collectors) { return null; }

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
                throw new CollectionTerminatedException(); // Lucene still calls finish() on this leaf
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
