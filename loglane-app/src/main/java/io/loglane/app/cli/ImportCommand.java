package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.core.config.Durations;
import io.loglane.core.config.Sizes;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./loglane import [--server URL] [--lane L] [--tag T] FILE…}: backfills log files (plain or
 * gzip, or {@code -} for standard input) into a running server through HTTP ingest, so every line
 * goes through the same router, lanes and parsers as live traffic. The lines are sent as they are
 * ({@code text/plain} bodies, {@link ImportBatcher}) and the server makes each the record whose
 * {@code log} is the line, as the file tail input does; {@code --lane L} has the server add
 * {@code log_type: L} (the router's field rules come before tag suffixes and content rules) and
 * makes the default tag {@code import.L}.
 *
 * <p>Re-running an import stores nothing twice while the server still remembers its idempotency
 * keys ({@code stream.dedup_window}, default 1 h, at most {@code stream.dedup_max_entries} per lane):
 * batches are cut the same way each time and keyed by the input's fingerprint, offset and checksum
 * ({@link ImportSource}, {@link ImportSender}). The same settings ({@code --batch-size},
 * {@code --max-line}, {@code --lane}, {@code --tag}) are needed for the keys to match.
 *
 * <p>Output: progress on stderr ({@link ImportProgress}), a summary on stdout. Exit codes: 0 every
 * line accepted or a duplicate, 1 the server refused some lines (the import stops there), 2 a usage,
 * input or server error.
 */
@Command(name = "import", description = "Backfill log files (plain, .gz, or - for stdin) into a running server through its lanes and parsers; "
        + "re-running it with the same options within the server's stream.dedup_window (default 1h) stores nothing twice.")
final class ImportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to import, in order; gzip is recognised by content; - reads standard input.")
    List<String> files;

    @Option(names = "--server", description = "Server URL (default: $LOGLANE_SERVER, else the server `up` recorded in the data directory, else http://127.0.0.1:8080).")
    String server;

    @picocli.CommandLine.Mixin
    TokenOption token = new TokenOption();

    @Option(names = "--lane", description = "Put every line in this lane (sets log_type on each record); default: the router decides per line.")
    String lane;

    @Option(names = "--tag", description = "Tag of the records (default: import.<lane>, or import).")
    String tag;

    @Option(names = "--batch-size", defaultValue = "8MiB", description = "Most bytes per request, below the server's server.http_max_body (default ${DEFAULT-VALUE}).")
    String batchSize;

    @Option(names = "--max-line", defaultValue = "1MiB", description = "Longer lines are cut here and marked truncated (default ${DEFAULT-VALUE}).")
    String maxLine;

    @Option(names = "--in-flight", defaultValue = "3", description = "Requests sent at a time, 1-8 (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--retry-for", defaultValue = "5m", description = "How long to retry a batch the server refuses with 429/503 or cannot take (default ${DEFAULT-VALUE}).")
    String retryFor;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Settings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        long startNanos = System.nanoTime();
        ImportTotals totals = new ImportTotals();
        List<ImportSource> sources = new ArrayList<>();
        long blankNotSent = 0;
        int exit = 0;
        try {
            for (String f : files) {
                sources.add(ImportSource.open(f));
            }
            String url = ServerLocator.resolve(server);
            checkLane(url);
            blankNotSent = importAll(url, s, sources, totals);
        } catch (ImportException e) {
            err.println("error: " + e.getMessage());
            exit = e.exitCode();
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            exit = 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            exit = 2;
        } finally {
            for (ImportSource src : sources) {
                try {
                    src.close();
                } catch (IOException e) {
                    err.println("warning: closing " + src.name() + ": " + e.getMessage());
                }
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf(Locale.ROOT, "imported %d lines (%d bytes sent) in %.1f s: %d accepted, %d duplicates, %d rejected, "
                        + "%d blank skipped, %d truncated, %d invalid UTF-8 repaired, %d retries%n",
                totals.linesSent.get() + blankNotSent, totals.bytesSent.get(), seconds, totals.accepted.get(), totals.duplicates.get(),
                totals.rejected.get(), totals.blank.get() + blankNotSent, totals.truncated.get(), totals.invalidUtf8.get(), totals.retries.get());
        return exit != 0 ? exit : totals.rejected.get() > 0 ? 1 : 0;
    }

    /** Imports every source; returns the blank lines not sent (the server counts the rest). */
    private long importAll(String url, Settings s, List<ImportSource> sources, ImportTotals totals)
            throws IOException, InterruptedException {
        long total = 0;
        for (ImportSource src : sources) {
            total = src.size() < 0 || total < 0 ? -1 : total + src.size();
        }
        AtomicReference<ImportSource> current = new AtomicReference<>();
        long[] doneBefore = {0};
        long blankNotSent = 0;
        String effectiveTag = tag != null ? tag : lane != null ? "import." + lane : "import";
        ImportBodies bodies = new ImportBodies(s.batchBytes(), inFlight + 2); // in flight, one waiting for a slot, one being filled
        try (ImportSender sender = new ImportSender(url, token.value(), effectiveTag, lane, s.maxLine(), inFlight, s.retryFor(), totals, bodies);
             ImportProgress progress = new ImportProgress(System.err, TerminalText.isTerminal(), total,
                     () -> doneBefore[0] + (current.get() == null ? 0 : current.get().consumed()), totals)) {
            for (ImportSource src : sources) {
                current.set(src);
                ImportBatcher batcher = new ImportBatcher(s.maxLine(), bodies, batch -> sender.send(src.fingerprint(), batch));
                try {
                    batcher.run(src.plain());
                } catch (ImportException e) {
                    throw e;
                } catch (IOException e) {
                    throw ImportSource.readError(src.name(), src.gzip(), e);
                } finally {
                    blankNotSent += batcher.blankNotSent();
                }
                doneBefore[0] += src.consumed();
                current.set(null);
            }
            sender.finish();
            return blankNotSent;
        } finally {
            if (totals.truncated.get() > 0) {
                System.err.println("warning: " + totals.truncated.get() + " lines longer than --max-line were cut and marked truncated");
            }
        }
    }

    /** Fails (usage) when {@code --lane} names no lane of the server; also a first check that the server answers. */
    private void checkLane(String url) throws IOException, InterruptedException {
        JsonNode lanes = new ServerClient(url, token.value()).get("api/v1/lanes").path("lanes");
        if (lane == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode l : lanes) {
            names.add(l.path("name").asText());
        }
        if (!names.contains(lane)) {
            throw ImportException.usage("no lane '" + lane + "' on " + url + " (lanes: " + String.join(", ", names) + ")");
        }
    }

    private Settings settings() {
        if (inFlight < 1 || inFlight > 8) {
            throw new IllegalArgumentException("--in-flight must be 1-8");
        }
        long batch = Sizes.parse(batchSize);
        long max = Sizes.parse(maxLine);
        if (batch > Integer.MAX_VALUE / 2 || max < 1 || max + 2 > batch) {
            throw new IllegalArgumentException("--batch-size must be below 1GiB and above --max-line");
        }
        return new Settings((int) batch, (int) max, Durations.parse(retryFor));
    }

    /** The parsed options. */
    private record Settings(int batchBytes, int maxLine, Duration retryFor) {}
}
