package io.loglane.search.filter;

import java.util.List;

/**
 * The parsed form of a filter pattern: one node per pattern kind, chosen by the pattern's first
 * character that is not whitespace (<code>&#123;</code> JSON, {@code [} space-delimited,
 * {@code %} regex, anything else terms). Values only: matching is {@link FilterMatcher}'s job.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface PatternNode {

    /** The empty pattern, a blank one, and {@code " "} (CloudWatch's "match everything"). */
    record MatchAll() implements PatternNode {}

    /**
     * Unstructured terms, in the order written. An event matches when it holds every
     * {@link Term.Role#REQUIRED} term, none of the {@link Term.Role#EXCLUDED} ones, and at least
     * one {@link Term.Role#OPTIONAL} one; but optional terms count only when the pattern has
     * nothing else ({@link #optionalIgnored()}).
     */
    record Terms(List<Term> terms) implements PatternNode {
        public Terms {
            terms = List.copyOf(terms);
        }

        /** CloudWatch ignores {@code ?} terms written beside plain or excluded ones. */
        public boolean optionalIgnored() {
            return terms.stream().anyMatch(t -> t.role() != Term.Role.OPTIONAL);
        }
    }

    /** A JSON pattern <code>&#123; … &#125;</code>, tested against the record's fields ({@link FilterMatcher}). */
    record JsonPattern(JsonExpr expr) implements PatternNode {}

    /**
     * A space-delimited pattern {@code [ip, user, ..., status = 4*, bytes > 1000]}: slots matched in
     * order against the message's fields.
     */
    record SpaceDelimited(List<Slot> slots) implements PatternNode {
        public SpaceDelimited {
            slots = List.copyOf(slots);
        }

        /** Whether a {@code ...} lets the field count differ from the slot count. */
        public boolean hasEllipsis() {
            return slots.stream().anyMatch(s -> s instanceof Ellipsis);
        }
    }

    /** One place in a space-delimited pattern. */
    sealed interface Slot {}

    /** {@code ...}: any number of fields, none included. */
    record Ellipsis(int position) implements Slot {}

    /**
     * A named field; {@code condition} (null: any value) tests it, in the form of a JSON pattern's
     * body whose selectors are the one-step {@code name}.
     */
    record Field(String name, JsonExpr condition, int position) implements Slot {}

    /**
     * A {@code %regex%}: {@code source} as written (with its {@code %}s), compiled to RE2 after the
     * checks of the allowed subset. As a whole pattern it searches the message; as a JSON or
     * space-delimited value, the value.
     */
    record Regex(String source, com.google.re2j.Pattern compiled, int position) implements PatternNode {}

    /**
     * One term: {@code text} is searched for as a case-sensitive substring of the message.
     * {@code position} is where it was written, for messages.
     */
    record Term(String text, Role role, boolean quoted, int position) {
        /** What the term's prefix made of it: none, {@code -} or {@code ?}. */
        public enum Role { REQUIRED, EXCLUDED, OPTIONAL }
    }
}
