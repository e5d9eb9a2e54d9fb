package io.loglane.core.parse;

import java.util.List;

/**
 * A lane's {@code multiline:} rules: which records of one stream are lines of one event (a stack
 * trace) to be joined. Built-in rules by name ({@link #BUILT_IN}) and user rules with regular
 * expressions. See {@link io.loglane.core.multiline.MultilineJoiner} for where and how records are joined.
 *
 * @param rules none for a lane without joining
 */
public record MultilineSpec(List<Rule> rules) {
    /** Built-in stack-trace rules. */
    public static final List<String> BUILT_IN = List.of("java", "python", "go", "node", "dotnet");
    public static final MultilineSpec NONE = new MultilineSpec(List.of());

    /**
     * One rule: a built-in ({@code builtIn} set, the regexes null) or a user rule: a line matching
     * {@code continuePattern} continues the open event; with {@code startPattern}, only a line
     * matching it opens one (else any line does).
     */
    public record Rule(String builtIn, String startPattern, String continuePattern) {
        public static Rule named(String name) {
            return new Rule(name, null, null);
        }
    }

    public MultilineSpec {
        rules = List.copyOf(rules);
    }

    public boolean isNone() { return rules.isEmpty(); }
}
