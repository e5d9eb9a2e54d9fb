package io.loglane.core.parse;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code {regex: '…', types: {status: int}}}: a regular expression whose named groups
 * ({@code (?P<name>…)} or {@code (?<name>…)}) become typed fields, strings unless {@code types}
 * says otherwise. The pattern is searched for in the message (not anchored: write {@code ^…$} to
 * match whole lines); a trailing newline is not part of the message it sees.
 *
 * <p>RE2/J, not java.util.regex: matching takes time linear in the line whatever the pattern, so a
 * user's pattern cannot hang the pipeline on a hostile line (catastrophic backtracking). Lines
 * longer than {@link #MAX_LENGTH} are not matched (the record keeps its line as the message). The
 * match runs over the UTF-8 bytes; each record costs one copy of its line (RE2/J takes whole
 * arrays) and a matcher.
 *
 * <p>Thread-safety: immutable, thread-safe.
 */
public final class RegexParser extends BytesParser {
    /** Longest line matched, in bytes. */
    public static final int MAX_LENGTH = 64 * 1024;

    private final Pattern pattern;
    private final List<FieldDef> fields;
    private final int[] groups;
    private final FieldType[] types;

    /**
     * @throws IllegalArgumentException when the pattern does not compile, has no named group, or
     *     {@code types} names a field that is not a group
     */
    public RegexParser(String regex, Map<String, FieldType> declared) {
        try {
            this.pattern = Pattern.compile(javaNamedGroups(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regex: " + e.getMessage());
        }
        Map<String, Integer> named = pattern.namedGroups();
        if (named.isEmpty()) {
            throw new IllegalArgumentException("a regex parser needs named groups, e.g. (?P<status>\\d+)");
        }
        for (String t : declared.keySet()) {
            if (!named.containsKey(t)) {
                throw new IllegalArgumentException("types names \"" + t + "\", which is not a group of the regex (groups: "
                        + String.join(", ", named.keySet()) + ")");
            }
        }
        List<Map.Entry<String, Integer>> ordered = new ArrayList<>(named.entrySet());
        ordered.sort(Comparator.comparingInt(Map.Entry::getValue));
        List<FieldDef> defs = new ArrayList<>();
        groups = new int[ordered.size()];
        types = new FieldType[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            String name = ordered.get(i).getKey();
            types[i] = declared.getOrDefault(name, FieldType.STRING);
            groups[i] = ordered.get(i).getValue();
            defs.add(new FieldDef(name, types[i]));
        }
        this.fields = List.copyOf(defs);
    }

    /** {@code (?<name>} as Java and PCRE write it becomes RE2's {@code (?P<name>}; lookbehind does not exist in RE2 anyway. */
    static String javaNamedGroups(String regex) {
        return regex.replaceAll("\\(\\?<([A-Za-z_])", "(?P<$1");
    }

    @Override
    public String name() { return ParserSpec.REGEX; }

    @Override
    public List<FieldDef> fields() { return fields; }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        out.clear();
        byte[] line = lineCopy(b, off, len, MAX_LENGTH);
        if (line == null) {
            return false;
        }
        Matcher m = pattern.matcher(line);
        try {
            if (!m.find()) {
                return false;
            }
            for (int i = 0; i < groups.length; i++) {
                int s = m.start(groups[i]);
                if (s >= 0) {
                    TypedValues.set(out, i, types[i], line, s, m.end(groups[i]));
                }
            }
        } catch (IllegalStateException e) {
            // RE2/J can fail to load a group's bounds for some patterns ("inconsistency in matching
            // group data", a fuzzing finding): the line is left unparsed rather than failing delivery.
            out.clear();
            return false;
        }
        return true;
    }
}
