package io.loglane.search.filter;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Standalone {@code %regex%} patterns (FILTER-PATTERNS.md §2, ambiguities 2 and 7). */
class RegexPatternTest extends PatternTableTest {

    static Stream<Arguments> examples() {
        return Stream.of(
                // a search, not a whole-text match (S1)
                row("%AUTHORIZED%", "user UNAUTHORIZED to read", true),
                row("%AUTHORIZED%", "user unauthorized", false),
                // case sensitive (S2)
                row("%[Ee]rror|[Ff]ail%", "Error: x", true),
                row("%[Ee]rror|[Ff]ail%", "request failed", true),
                row("%[Ee]rror|[Ff]ail%", "ERROR FAIL", false),
                // | separates whole alternatives (S1: "gra" or "ey")
                row("%gra|ey%", "grey", true),
                row("%gra|ey%", "gray", true),
                row("%gra|ey%", "gry", false),
                // ambiguity 2: a search, so 127.0.0.10 matches too; likewise six a's hold three to five
                row("%127\\.0\\.0\\.[1-9]%", "from 127.0.0.1", true),
                row("%127\\.0\\.0\\.[1-9]%", "from 127.0.0.10", true),
                row("%127\\.0\\.0\\.[1-9]%", "from 127.0.0.0", false),
                row("%127\\.0\\.0\\.[1-9]%", "from 127x0.0.1", false),
                row("%a{3,5}%", "aaa", true),
                row("%a{3,5}%", "aaaaaa", true),
                row("%a{3,5}%", "aa", false),
                // {m,n} with m or n omitted
                row("%xa{,2}b%", "xb", true),
                row("%xa{,2}b%", "xaaab", false),
                row("%xa{2,}b%", "xaaaab", true),
                row("%[{,]%", "a,b", true),
                row("%[{,]%", "a0b", false),
                // ^ and $ anchor at the message (S1 %^shutting down%; ambiguity 7 %abcc|ab[^c]$%)
                row("%^shutting down%", "shutting down now", true),
                row("%^shutting down%", "now shutting down", false),
                row("%abcc|ab[^c]$%", "xaba", true),
                row("%abcc|ab[^c]$%", "aba then more", false),
                row("%abcc|ab[^c]$%", "abcc then more", true),
                // classes and escapes
                row("%\\d{3}%", "code 404", true),
                row("%\\d{3}%", "code 44", false),
                row("%\\s+ERROR\\W%", "x   ERROR: y", true),
                row("%\\x28a\\x29%", "f(a)", true),
                row("%\\[ERROR\\]%", "[ERROR] x", true),
                row("%user:\\w+@example%", "user:bob@example.com", true),
                row("%#=@/;,-%", "a#=@/;,-b", true),
                // multi-byte text is searched as text
                row("%\\d+ Bytes%", "größe 123 Bytes", true));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                error("%something!%", "Invalid character '!' in regex", 10),
                error("%(a|b)c%", "Invalid character '(' in regex: sub-patterns are not supported (write \\x28 for a literal '(')", 1),
                error("%ab)%", "Invalid character ')' in regex: sub-patterns are not supported (write \\x29 for a literal ')')", 3),
                error("%é%", "Invalid character 'é' in regex: multi-byte characters are not supported", 1),
                error("%a\"b%", "Invalid character '\"' in regex", 2),
                error("%a\\bc%", "Unsupported escape '\\b' in regex", 2),
                error("%a\\1%", "Unsupported escape '\\1' in regex", 2),
                error("%a\\xZ1%", "'\\x' must be followed by two hex digits", 2),
                error("%abc", "Missing closing '%' of the regex", 0),
                // ambiguity 7: the documentation's own example lacks its closing %
                error("%abcc|ab[^c]$", "Missing closing '%' of the regex", 0),
                error("%%", "Empty regex", 0),
                error("%abc% x", "Unexpected text after the regex", 6),
                error("%a**%", "Invalid regex %a**%: invalid nested repetition operator", 0));
    }
}
