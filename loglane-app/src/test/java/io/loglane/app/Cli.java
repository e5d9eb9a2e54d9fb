package io.loglane.app;

import io.loglane.app.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the command line in the test's JVM as {@code ./loglane} would and captures what it prints.
 * The commands print to {@code System.out}/{@code System.err}, which are swapped (with {@code System.in}) for the call.
 *
 * <p>Thread-safety: one call at a time (synchronized): the swap is process-wide.
 */
final class Cli {
    private Cli() {}

    /** Exit code and output of one command line. */
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        return runWithInput("", args);
    }

    /** Runs with {@code stdin} as the command's standard input. */
    static synchronized Run runWithInput(String stdin, String... args) {
        java.io.InputStream in0 = System.in;
        System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        PrintStream out0 = System.out;
        PrintStream err0 = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            System.out.flush();
            System.err.flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out0);
            System.setErr(err0);
            System.setIn(in0);
        }
    }
}
