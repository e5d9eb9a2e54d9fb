package io.loglane.app.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The progress of an import on stderr: on a terminal, one line redrawn four times a second (bytes
 * done of total, lines/s, MB/s, ETA); otherwise a plain line every five seconds.
 *
 * <p>Thread-safety: prints from its own thread; {@link #close} stops it.
 */
final class ImportProgress implements AutoCloseable {
    private final PrintStream err;
    private final boolean terminal;
    private final long total;
    private final LongSupplier bytesDone;
    private final ImportTotals totals;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "import-progress");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param total     bytes of all inputs as stored, or -1 when unknown (standard input)
     * @param bytesDone bytes of the inputs consumed so far, as stored
     */
    ImportProgress(PrintStream err, boolean terminal, long total, LongSupplier bytesDone, ImportTotals totals) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.bytesDone = bytesDone;
        this.totals = totals;
        long period = terminal ? 250 : 5000;
        timer.scheduleAtFixedRate(this::print, period, period, TimeUnit.MILLISECONDS);
    }

    private void print() {
        String line = line(bytesDone.getAsLong(), total, totals.linesSent.get(), (System.nanoTime() - startNanos) / 1e9);
        if (terminal) {
            err.print("\r\u001b[K" + line);
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** One progress line: {@code 512.0 MB / 1.0 GB (50%), 400000 lines/s, 120.5 MB/s, ETA 4s}. */
    static String line(long done, long total, long lines, double seconds) {
        double mbps = seconds > 0 ? done / 1e6 / seconds : 0;
        StringBuilder s = new StringBuilder();
        s.append(mb(done));
        if (total > 0) {
            s.append(" / ").append(mb(total)).append(String.format(Locale.ROOT, " (%d%%)", done * 100 / total));
        }
        s.append(String.format(Locale.ROOT, ", %.0f lines/s, %.1f MB/s", seconds > 0 ? lines / seconds : 0, mbps));
        if (total > 0 && mbps > 0) {
            s.append(String.format(Locale.ROOT, ", ETA %ds", Math.round((total - done) / 1e6 / mbps)));
        }
        return s.toString();
    }

    private static String mb(long bytes) {
        return bytes >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f GB", bytes / 1e9) : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
