package io.loglane.stores.index;

import io.loglane.core.event.RecordView;
import io.loglane.search.filter.FilterMatcher;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.CollectionTerminatedException;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.util.BytesRef;

/**
 * Hands the matches of one query to a {@link Visitor}, leaf by leaf, across the day searchers of a
 * range: when a filter pattern's matcher is given, each candidate is first verified against its
 * stored record (the search's candidate + verify path); and the scan stops after {@code cap}
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

    private final FilterMatcher matcher;
    private final Visitor visitor;
    private final long cap;
    private final RecordView view = new RecordView(null);
    private long read;
    private long matches;
    private boolean stopped;

    /** @param matcherOrNull verifies each document (a filter pattern's candidates); null when every document matches */
    MatchScan(FilterMatcher matcherOrNull, long cap, Visitor visitor) {
        this.matcher = matcherOrNull;
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
        private final StoredFields stored;

        Leaf(LeafReaderContext context, LeafVisitor leaf) throws IOException {
            this.leaf = leaf;
            this.stored = matcher == null ? null : context.reader().storedFields();
        }

        @Override
        public void setScorer(Scorable scorer) {}

        @Override
        public void collect(int doc) throws IOException {
            if (read++ >= cap) {
                stopped = true;
                throw new CollectionTerminatedException(); // Lucene still calls finish() on this leaf
            }
            if (matcher != null) {
                BytesRef source = stored.document(doc, Set.of(IndexFields.SOURCE)).getBinaryValue(IndexFields.SOURCE);
                view.read(source.bytes, source.offset, source.length);
                if (!matcher.matches(view)) {
                    return;
                }
            }
            matches++;
            leaf.match(doc);
        }

        @Override
        public void finish() throws IOException { leaf.finish(); }
    }
}
