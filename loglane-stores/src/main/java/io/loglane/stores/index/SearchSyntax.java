package io.loglane.stores.index;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The two query languages a search takes: CloudWatch Logs filter patterns (case-sensitive
 * substrings, JSON and space-delimited patterns; {@code io.loglane.search.filter}) and Lucene's
 * classic syntax ({@link LaneQueryParser}).
 *
 * <p>Thread-safety: immutable.
 */
public enum SearchSyntax {
    FILTER, LUCENE;

    /** {@code field:} at a word start, a field name being letters, digits, {@code _ . #}. */
    private static final Pattern FIELD = Pattern.compile("(^|[\\s(+\\-])[A-Za-z_][\\w.#]*:");
    /** A Lucene operator word, which a filter pattern would take as a term. */
    private static final Pattern OPERATOR = Pattern.compile("(^|\\s)(AND|OR|NOT)(\\s|$)");

    /**
     * The syntax a query without {@code syntax=} is read in: Lucene when it names a field
     * ({@code status:500}) or uses an operator word ({@code AND}, {@code OR}, {@code NOT}) outside a
     * JSON or space-delimited pattern; otherwise a filter pattern, whose plain terms
     * ({@code ERROR -timeout}) are what CloudWatch users type.
     */
    public static SearchSyntax detect(String query) {
        if (query == null) {
            return FILTER;
        }
        String q = query.strip();
        if (q.startsWith("{") || q.startsWith("[")) {
            return FILTER;
        }
        String unquoted = q.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
        return FIELD.matcher(unquoted).find() || OPERATOR.matcher(unquoted).find() ? LUCENE : FILTER;
    }

    /** {@code filter} or {@code lucene}; IllegalArgumentException for anything else. */
    public static SearchSyntax of(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "filter" -> FILTER;
            case "lucene" -> LUCENE;
            default -> throw new IllegalArgumentException("syntax must be filter or lucene, not '" + name + "'");
        };
    }

    /** The name the API uses. */
    public String label() { return name().toLowerCase(Locale.ROOT); }
}
