package io.loglane.core.config;

import java.util.regex.Pattern;

/**
 * The one rule for lane names. A lane name is a config key, a stream directory, an archive
 * partition directory ({@code lane=<name>}), a metric label and an SQL view name, so it is limited
 * to what is safe and needs no quoting in all of them: a lower-case ASCII letter, then up to 62
 * lower-case letters, digits or {@code '_'} (63 characters at most, the identifier limit of
 * PostgreSQL-family SQL engines). No {@code '-'}: {@code web-logs} would be a subtraction in SQL.
 *
 * <p>The config loader reports a name that breaks it as an error naming file, line and key; the
 * stream and the archive check it again only as a defensive assertion.
 *
 * <p>Thread-safety: immutable.
 */
public final class LaneNames {
    private LaneNames() {}

    /** The rule as a regular expression (whole-name match). */
    public static final Pattern PATTERN = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** The rule in words, for error messages and the configuration reference. */
    public static final String RULE = "a lower-case letter, then up to 62 lower-case letters, digits or '_'";

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * Returns {@code name} when it follows the rule.
     *
     * @throws IllegalArgumentException naming the rule otherwise
     */
    public static String check(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("bad lane name \"" + name + "\" (" + RULE + ")");
        }
        return name;
    }
}
