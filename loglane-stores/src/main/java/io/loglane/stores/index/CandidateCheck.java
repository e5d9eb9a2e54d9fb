package io.loglane.stores.index;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.RecordParser;
import io.loglane.search.filter.FilterMatcher;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.PatternNode;
import java.io.IOException;
import java.util.Set;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.util.BytesRef;

/**
 * Verifies a filter pattern's trigram candidates ({@link FilterCandidates}) against the pattern,
 * reading no more than the pattern needs: nothing for the empty pattern (every candidate
 * matches), the {@code message} doc value for a pattern that reads only the message (terms,
 * regex, space-delimited: FilterMatcher#readsMessageOnly), the stored {@code _source} record
 * only for a JSON pattern. Decompressing a stored block per candidate costs microseconds, a doc
 * value tens of nanoseconds: hence {@link #cap}, the most candidates one answer verifies.
 *
 * <p>Thread-safety: not thread-safe (it holds the pattern's matcher); one per request.
 */
final class CandidateCheck {
    /** Most candidates one answer verifies when each costs a stored-record read (a JSON pattern). */
    static final long MAX_RECORDS_READ = 200_000;
    /** Most candidates one answer verifies from message doc values (~10 M a second or more). */
    static final long MAX_MESSAGES_READ = 50_000_000;

    private final FilterMatcher matcher;
    private final RecordView view;

    private CandidateCheck(FilterMatcher matcherOrNull, RecordParser parserOrNull) {
        this.matcher = matcherOrNull;
        this.view = new RecordView(parserOrNull);
    }

    /** The check of {@code pattern}'s candidates in a lane read by {@code parserOrNull} (whose typed fields a JSON pattern reads). */
    static CandidateCheck of(FilterPattern pattern, RecordParser parserOrNull) {
        return new CandidateCheck(pattern.node() instanceof PatternNode.MatchAll ? null : pattern.matcher(), parserOrNull);
    }

    /** Whether every candidate matches (nothing to verify). */
    boolean everyCandidateMatches() { return matcher == null; }

    /** The most candidates an answer should verify, by what a check reads. */
    long cap() {
        return matcher == null ? Long.MAX_VALUE : matcher.readsMessageOnly() ? MAX_MESSAGES_READ : MAX_RECORDS_READ;
    }

    /** A leaf's check; its {@link Leaf#matches} takes the leaf's document ids in increasing order. */
    Leaf leaf(LeafReader reader) throws IOException {
        if (matcher == null) {
            return doc -> true;
        }
        if (matcher.readsMessageOnly()) {
            BinaryDocValues messages = reader.getBinaryDocValues(IndexFields.MESSAGE);
            return doc -> {
                if (messages != null && messages.advanceExact(doc)) {
                    BytesRef m = messages.binaryValue();
                    return matcher.matchesMessage(m.bytes, m.offset, m.length);
                }
                return matcher.matchesMessage(BytesRef.EMPTY_BYTES, 0, 0); // a record without a message
            };
        }
        StoredFields stored = reader.storedFields();
        return doc -> {
            BytesRef source = stored.document(doc, Set.of(IndexFields.SOURCE)).getBinaryValue(IndexFields.SOURCE);
            view.read(source.bytes, source.offset, source.length);
            return matcher.matches(view);
        };
    }

    /** Verifies one leaf's candidates. */
    @FunctionalInterface
    interface Leaf {
        boolean matches(int doc) throws IOException;
    }
}
