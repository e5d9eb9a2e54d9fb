package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./loglane filter-test PATTERN [FILE]}: matching lines numbered from 1 with extracted
 * values; exit 0 with matches, 1 with none, 2 for a bad pattern; stdin when no file is given.
 */
class FilterTestCommandTest {
    @TempDir
    Path dir;

    @Test
    void prints_the_matching_lines_of_a_file_with_their_numbers_and_extracted_values() throws Exception {
        Path file = dir.resolve("lines.log");
        Files.writeString(file, "GET /a 200 12\nGET /b 404 7\nPOST /c 500 9\n");

        Cli.Run r = Cli.run("filter-test", "[method, path, status = 4* || status = 5*, bytes]", file.toString());

        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.out()).isEqualTo("""
                2: GET /b 404 7
                    $method = GET
                    $path = /b
                    $status = 404
                    $bytes = 7
                3: POST /c 500 9
                    $method = POST
                    $path = /c
                    $status = 500
                    $bytes = 9
                """);
        assertThat(r.err()).contains("2 events match");
    }

    @Test
    void reads_stdin_when_no_file_is_given() {
        Cli.Run r = Cli.runWithInput("IllegalArgumentException: x\nall fine\n", "filter-test", "Exception");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.out()).isEqualTo("1: IllegalArgumentException: x\n");
    }

    @Test
    void exits_1_when_nothing_matches() {
        Cli.Run r = Cli.runWithInput("a\nb\n", "filter-test", "ERROR");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("0 events match");
    }

    @Test
    void exits_2_with_the_position_for_a_bad_pattern() {
        Cli.Run r = Cli.runWithInput("a\n", "filter-test", "{ $.a = ");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid filter pattern").contains("at index");
        assertThat(r.out()).isEmpty();
    }
}
