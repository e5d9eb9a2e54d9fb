package io.loglane.stores.index;

import io.loglane.search.filter.PatternNode;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The documents that may match a filter pattern, from the message trigrams: a required term of
 * three bytes or more needs all its trigrams; optional terms (when they count) need one of them
 * to; everything else (excluded terms, short terms, JSON, space-delimited and regex patterns)
 * does not narrow. A superset by construction: every candidate is verified by the pattern's
 * matcher, and a term's trigrams are case-sensitive bytes exactly as the pattern searches.
 *
 * <p>Thread-safety: stateless.
 */
final class FilterCandidates {
    private FilterCandidates() {}

    static final int MAX_TRIGRAMS = 64;

    static Query of(PatternNode node) {
        if (!(node instanceof PatternNode.Terms terms)) {
            return new MatchAllDocsQuery();
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        boolean narrowed = false;
        BooleanQuery.Builder anyOptional = new BooleanQuery.Builder();
        boolean optionalNarrows = !terms.optionalIgnored();
        for (PatternNode.Term t : terms.terms()) {
            Query q = trigrams(t.text());
            switch (t.role()) {
                case REQUIRED -> {
                    if (q != null) {
                        all.add(q, BooleanClause.Occur.FILTER);
                        narrowed = true;
                    }
                }
                case OPTIONAL -> {
                    if (q == null) {
                        optionalNarrows = false; // a short optional term may match anything
                    } else {
                        anyOptional.add(q, BooleanClause.Occur.SHOULD);
                    }
                }
                case EXCLUDED -> { }
            }
        }
        if (optionalNarrows && terms.terms().stream().anyMatch(t -> t.role() == PatternNode.Term.Role.OPTIONAL)) {
            all.add(anyOptional.build(), BooleanClause.Occur.FILTER);
            narrowed = true;
        }
        return narrowed ? all.build() : new MatchAllDocsQuery();
    }

    /** All trigrams of {@code text} (a conjunction), or null when it is shorter than three bytes. */
    static Query trigrams(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length < TrigramTokenStream.N) {
            return null;
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        // The first MAX_TRIGRAMS narrow enough; all of a long term's would pass BooleanQuery's clause limit.
        for (int i = 0; i + TrigramTokenStream.N <= b.length && i < MAX_TRIGRAMS; i++) {
            q.add(new TermQuery(new Term(IndexFields.TRIGRAMS, new BytesRef(b, i, TrigramTokenStream.N))), BooleanClause.Occur.FILTER);
        }
        return q.build();
    }
}
