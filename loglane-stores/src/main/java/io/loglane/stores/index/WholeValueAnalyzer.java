package io.loglane.stores.index;

import java.io.IOException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Reads a query's text for a keyword field as one term, unchanged (keyword fields are indexed
 * whole and case-sensitive). Lucene core has no such analyzer; analysis-common's KeywordAnalyzer
 * would be a jar for a dozen lines.
 *
 * <p>Thread-safety: as any {@link Analyzer}: thread-safe, components per thread.
 */
final class WholeValueAnalyzer extends Analyzer {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        return new TokenStreamComponents(new WholeValue());
    }

    private static final class WholeValue extends Tokenizer {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private boolean done;

        @Override
        public boolean incrementToken() throws IOException {
            if (done) {
                return false;
            }
            clearAttributes();
            done = true;
            char[] buf = new char[256];
            for (int n; (n = input.read(buf)) > 0; ) {
                term.append(new String(buf, 0, n));
            }
            return true;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            done = false;
        }
    }
}
