package io.loglane.search.filter;

/**
 * A compiled CloudWatch Logs filter pattern (the syntax of metric filters, subscription filters,
 * FilterLogEvents and Live Tail): the one filter language of loglane, whatever store or stream it
 * runs over. {@link #compile} parses and checks the pattern; {@link #matcher()} gives the object
 * that tests records against it. The semantics, and the choices made where AWS's documentation
 * is ambiguous, are in the {@linkplain io.loglane.search.filter package documentation}.
 *
 * <p>Thread-safety: immutable; share one pattern between threads, each with its own matcher.
 */
public final class FilterPattern {
    /** Longest pattern accepted, in characters (the AWS API's {@code filterPattern} limit). */
    public static final int MAX_LENGTH = 1024;

    private final String text;
    private final PatternNode node;

    private FilterPattern(String text, PatternNode node) {
        this.text = text;
        this.node = node;
    }

    /**
     * Parses {@code pattern}; null is the empty pattern.
     *
     * @throws FilterPatternException when the pattern is not valid, with the position
     */
    public static FilterPattern compile(String pattern) {
        String text = pattern == null ? "" : pattern;
        if (text.length() > MAX_LENGTH) {
            throw new FilterPatternException("Pattern is " + text.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed", MAX_LENGTH);
        }
        PatternScanner s = new PatternScanner(text, 0);
        s.skipSpace();
        if (s.atEnd() || text.strip().equals("\" \"")) {
            return new FilterPattern(text, new PatternNode.MatchAll());
        }
        PatternNode node = switch (s.peek()) {
            case '%' -> wholeRegex(s);
            case '{' -> new PatternNode.JsonPattern(JsonPatternParser.parse(s));
            case '[' -> SpacePatternParser.parse(s);
            default -> TermsParser.parse(s);
        };
        return new FilterPattern(text, node);
    }

    private static PatternNode.Regex wholeRegex(PatternScanner s) {
        PatternNode.Regex regex = RegexSyntax.read(s);
        s.skipSpace();
        if (!s.atEnd()) {
            throw s.error("Unexpected text after the regex");
        }
        return regex;
    }

    /** The pattern as written. */
    public String text() { return text; }

    /** The parsed pattern. */
    public PatternNode node() { return node; }

    /** A new matcher of records against this pattern, for one thread. */
    public FilterMatcher matcher() { return new FilterMatcher(this); }

    @Override
    public String toString() { return text; }
}
