package io.loglane.app.cli;

import io.loglane.app.search.FilterTestMatch;
import io.loglane.app.search.FilterTester;
import io.loglane.search.filter.FilterPatternException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./loglane filter-test PATTERN [FILE]}: the lines of FILE (stdin when absent) that match a
 * CloudWatch Logs filter pattern, each as {@code eventNumber: line} followed by the values a
 * space-delimited pattern extracted; the same answer as {@code POST /api/v1/filter/test}, computed
 * locally (no server needed) and streamed, so a file of any size can be tested. Exit 0 when some
 * line matched, 1 when none did (or FILE cannot be read), 2 when the pattern is invalid.
 */
@Command(name = "filter-test", description = "Test a CloudWatch Logs filter pattern against log lines (FILE, or stdin).")
final class FilterTestCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The filter pattern, e.g. '[ip, user, ..., status = 5*, bytes]'")
    String pattern;

    @Parameters(index = "1", arity = "0..1", description = "File of log lines, one event per line (default: stdin).")
    Path file;

    @Override
    public Integer call() {
        FilterTester tester;
        try {
            tester = new FilterTester(pattern);
        } catch (FilterPatternException e) {
            System.err.println("error: invalid filter pattern: " + e.reason() + " at index " + e.position());
            System.err.println("  " + pattern);
            System.err.println("  " + " ".repeat(Math.min(e.position(), pattern.length())) + "^");
            return 2;
        }
        int matches = 0;
        try (BufferedReader in = file == null
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                Optional<FilterTestMatch> m = tester.next(line);
                if (m.isPresent()) {
                    print(m.get());
                    matches++;
                }
            }
        } catch (IOException e) {
            System.err.println("error: cannot read " + (file == null ? "stdin" : file) + ": " + e.getMessage());
            return 1;
        }
        System.out.flush();
        System.err.println(matches + (matches == 1 ? " event matches" : " events match"));
        return matches > 0 ? 0 : 1;
    }

    private static void print(FilterTestMatch m) {
        System.out.println(m.eventNumber() + ": " + m.eventMessage());
        for (Map.Entry<String, String> v : m.extractedValues().entrySet()) {
            System.out.println("    " + v.getKey() + " = " + v.getValue());
        }
    }
}
