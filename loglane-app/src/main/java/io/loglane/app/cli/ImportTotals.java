package io.loglane.app.cli;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of an import, updated by the sender threads and read by the progress printer.
 *
 * <p>Thread-safety: safe for concurrent use (each counter atomic; a reading is not a snapshot).
 */
final class ImportTotals {
    final AtomicLong linesSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    /** Lines the server stored with bad UTF-8 bytes replaced (it says so in each answer). */
    final AtomicLong invalidUtf8 = new AtomicLong();
}
