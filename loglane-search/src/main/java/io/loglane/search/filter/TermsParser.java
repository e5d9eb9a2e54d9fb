package io.loglane.search.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses unstructured terms: whitespace-separated {@code word}, {@code "phrase"}, each optionally
 * prefixed by {@code -} (exclude) or {@code ?} (any of). An unquoted term holds only ASCII letters,
 * digits and {@code _}; anything else must be quoted (CloudWatch's
 * {@code Invalid character(s) in term '…'} otherwise). {@code \"} and {@code \\} escape inside quotes.
 *
 * <p>Thread-safety: stateless.
 */
final class TermsParser {
    private TermsParser() {}

    static PatternNode.Terms parse(PatternScanner s) {
        List<PatternNode.Term> terms = new ArrayList<>();
        s.skipSpace();
        while (!s.atEnd()) {
            int at = s.pos();
            PatternNode.Term.Role role = PatternNode.Term.Role.REQUIRED;
            if (s.peek() == '-') {
                role = PatternNode.Term.Role.EXCLUDED;
                s.next();
            } else if (s.peek() == '?') {
                role = PatternNode.Term.Role.OPTIONAL;
                s.next();
            }
            if (s.atEnd() || Character.isWhitespace(s.peek())) {
                throw PatternScanner.error("Missing term after '" + s.text().charAt(at) + "'", at);
            }
            int textAt = s.pos();
            boolean quoted = s.peek() == '"';
            String text;
            if (quoted) {
                text = s.quoted();
                if (!s.atEnd() && !Character.isWhitespace(s.peek())) {
                    throw s.invalidCharacters(s.pos());
                }
            } else {
                while (!s.atEnd() && !Character.isWhitespace(s.peek())) {
                    if (!PatternScanner.unquotedChar(s.peek())) {
                        throw s.invalidCharacters(s.pos());
                    }
                    s.next();
                }
                text = s.text().substring(textAt, s.pos());
            }
            terms.add(new PatternNode.Term(text, role, quoted, at));
            s.skipSpace();
        }
        return new PatternNode.Terms(terms);
    }
}
