package io.loglane.app.cli;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of an import, updated by the sender threads and read by the progress printer.
 *
 * <p>Thread-safety: safe for concurrent use (each counter atomic; a reading is not a snapshot).
 */
final class ImportTotals {
    /** Lines in the bodies the server answered for (its count: blank and cut lines included). */
    final AtomicLong linesSent = new AtomicLong();
    /** Blank lines the server skipped. */
    final AtomicLong blank = new AtomicLong();
    /** Lines the server stored cut at the maximum, marked truncated. */
    final AtomicLong truncated = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    /** Lines the server stored with bad UTF-8 bytes replaced (it says so in each answer). */
    final AtomicLong invalidUtf8 = new AtomicLong();
}
