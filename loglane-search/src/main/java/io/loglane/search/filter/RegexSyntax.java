package io.loglane.search.filter;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Reads a {@code %regex%} (standalone or as a JSON / space-delimited value) and checks it against
 * the subset CloudWatch allows (S1 #regex-expressions, S2), so a pattern accepted here is one AWS
 * accepts too:
 * <ul>
 *   <li>characters: ASCII letters and digits, the symbols {@code : _ # = @ / ; , -}, the space
 *       (choice, ambiguity 7: the documentation's own examples use it), and the operators
 *       {@code ^ $ ? [ ] { } | \ * + .};</li>
 *   <li>escapes: {@code \d \D \s \S \w \W}, {@code \xhh}, and a backslash before any other ASCII
 *       symbol (a literal); other escapes ({@code \b}, {@code \n}, {@code \1} …) are refused;</li>
 *   <li>refused: {@code (} and {@code )} (no sub-patterns: write {@code \x28}), any other symbol,
 *       and multi-byte characters; the refusal names the character and its index.</li>
 * </ul>
 * {@code {,n}} (lower bound omitted, allowed by AWS) is rewritten {@code {0,n}}, which RE2 needs.
 * The regex is compiled with RE2/J: linear-time matching whatever the pattern, since it runs on
 * every event a live tail sees. Matching is a search ({@code %AUTHORIZED%} matches
 * {@code UNAUTHORIZED}); {@code ^} and {@code $} anchor at the start and end of the text searched.
 *
 * <p>Thread-safety: stateless.
 */
final class RegexSyntax {
    private RegexSyntax() {}

    /** Reads the regex whose opening {@code %} is the scanner's current character, through its closing {@code %}. */
    static PatternNode.Regex read(PatternScanner s) {
        int start = s.pos();
        s.next(); // opening %
        StringBuilder re2 = new StringBuilder();
        boolean inClass = false;
        while (true) {
            if (s.atEnd()) {
                throw PatternScanner.error("Missing closing '%' of the regex", start);
            }
            int at = s.pos();
            char c = s.next();
            if (c == '%') {
                break;
            }
            if (c == '\\') {
                escape(s, at, re2);
            } else if (c == '{' && s.peek() == ',' && !inClass) {
                re2.append("{0");
            } else if (allowed(c)) {
                inClass = c == '[' || (inClass && c != ']');
                re2.append(c);
            } else {
                throw invalid(c, at);
            }
        }
        String source = s.text().substring(start, s.pos());
        if (re2.isEmpty()) {
            throw PatternScanner.error("Empty regex", start);
        }
        try {
            return new PatternNode.Regex(source, Pattern.compile(re2.toString()), start);
        } catch (PatternSyntaxException e) {
            throw PatternScanner.error("Invalid regex " + source + ": " + e.getDescription(), start);
        }
    }

    private static void escape(PatternScanner s, int at, StringBuilder re2) {
        if (s.atEnd()) {
            throw PatternScanner.error("Regex ends with '\\'", at);
        }
        char e = s.next();
        switch (e) {
            case 'd', 'D', 's', 'S', 'w', 'W' -> re2.append('\\').append(e);
            case 'x' -> {
                if (!hex(s.peek()) || !hex(s.peek(1))) {
                    throw PatternScanner.error("'\\x' must be followed by two hex digits", at);
                }
                re2.append("\\x").append(s.next()).append(s.next());
            }
            default -> {
                if (e < 0x80 && !Character.isLetterOrDigit(e) && !Character.isWhitespace(e) && e != '%' && e >= 0x20) {
                    re2.append('\\').append(e); // an escaped symbol is that symbol, literally
                } else {
                    throw PatternScanner.error("Unsupported escape '\\" + e + "' in regex", at);
                }
            }
        }
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || ":_#=@/;,- ".indexOf(c) >= 0 || "^$?[]{}|*+.".indexOf(c) >= 0;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static FilterPatternException invalid(char c, int at) {
        if (c == '(' || c == ')') {
            return PatternScanner.error("Invalid character '" + c + "' in regex: sub-patterns are not supported (write \\x"
                    + Integer.toHexString(c) + " for a literal '" + c + "')", at);
        }
        if (c >= 0x80) {
            return PatternScanner.error("Invalid character '" + c + "' in regex: multi-byte characters are not supported", at);
        }
        return PatternScanner.error("Invalid character '" + c + "' in regex", at);
    }
}
