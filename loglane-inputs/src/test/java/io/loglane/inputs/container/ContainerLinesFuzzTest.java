package io.loglane.inputs.container;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loglane.inputs.tail.LineFormat;
import io.loglane.inputs.tail.LineReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): one read of a container log file, in Docker's {@code json-file}
 * format when the input's first byte is even, else in the CRI format (Kubernetes); the rest is the
 * file's bytes, cut into lines at {@code '\n'} as the tail does. A small {@code max_line_bytes}
 * makes joins of split lines (Docker's 16 KiB parts, CRI's {@code P} lines) reach their limit; a
 * longer line is handed on cut and marked truncated, as the tail's reader does.
 * Property: every line becomes records or is counted as rejected, never an exception; no record's
 * message is longer than the limit; a batch ends inside the bytes read.
 */
class ContainerLinesFuzzTest {
    static final int MAX_LINE_BYTES = 64;
    static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @FuzzTest
    void readsAnyLines(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean docker = (input[0] & 1) == 0;
        LineFormat format = docker ? new DockerFormat(false) : new CriFormat(false);
        Path path = docker ? Path.of("/nonexistent/loglane-fuzz/containers", ID, ID + "-json.log")
                : Path.of("/nonexistent/loglane-fuzz/pods/ns_pod_0000-1111", "app", "0.log");
        LineFormat.FileLines lines = format.open(path, MAX_LINE_BYTES, (reason, n, detail) -> { });
        List<Integer> messages = new ArrayList<>();
        LineReader.LineSink sink = lines.begin((head, ts, buf, off, len, truncated) -> messages.add(len), 1L);
        int start = 1;
        for (int i = 1; i <= input.length; i++) {
            if (i == input.length || input[i] == '\n') {
                if (i > start || i < input.length) {
                    // as the tail's LineReader hands them on: a line longer than the limit is cut and marked so
                    int len = i - start;
                    sink.line(input, start, Math.min(len, MAX_LINE_BYTES), len > MAX_LINE_BYTES);
                }
                start = i + 1;
            }
        }
        int end = lines.end(true);
        assertThat(end).as("where the batch ends").isBetween(-1, input.length);
        assertThat(messages).as("message lengths").allSatisfy(len -> assertThat(len).isLessThanOrEqualTo(MAX_LINE_BYTES));
        lines.report();
    }
}
