package io.loglane.inputs.tail;

import java.nio.file.Path;

/**
 * How the lines of a tailed file become records when they are not plain text lines: the hook a
 * container runtime's log format (Docker {@code json-file}, Kubernetes CRI) plugs into a
 * {@link TailInput}, which keeps doing the reading, positions, rotation and retries. A
 * {@code type: tail} input has none: each line is the record {@code {"source": path, "log": line}}.
 *
 * <p>One {@link FileLines} per tailed file, made when the file is opened. For each batch the tail
 * calls {@link FileLines#begin}, hands it the batch's lines, then {@link FileLines#end}. The records
 * must be a function of the batch's bytes (and of metadata such as the container's name), never of
 * earlier batches: a batch in flight at a crash is read again after the restart and must yield the
 * same records under the same chunk id. So a line joined from parts (Docker's 16 KiB split, CRI's
 * {@code P} lines) is joined within a batch: when a batch's last line is such a part,
 * {@link FileLines#end} may end the batch before the first part, so that the next batch reads the
 * line whole. The sink's {@code off} is the line's position from the read's start (the reader
 * hands out its block), which is how a format says where.
 *
 * <p>Thread-safety: both are called on the tailer thread only.
 */
public interface LineFormat {
    /** The input type whose files are in this format ({@code docker}, {@code cri}): names the input in logs and {@code describe()}. */
    String inputType();

    /**
     * The lines of the file first matched at {@code path}.
     *
     * @param path         the matched path (a symlink's own path when one was matched)
     * @param maxLineBytes the longest message stored whole (joined parts included)
     * @param problems     where bad lines are counted and logged (once per file and reason)
     */
    FileLines open(Path path, int maxLineBytes, Problems problems);

    /** One file's decoder: its per-file metadata and the state of a batch being decoded. */
    interface FileLines {
        /** The tag of this file's events, or null for the input's configured tag. */
        String tag();

        /** Starts a batch read at {@code readNanos}; its lines go to the returned sink, its records to {@code out}. */
        LineReader.LineSink begin(RecordOut out, long readNanos);

        /**
         * Ends the batch.
         *
         * @param flushOpen the block was full or the file is idle: a join open since the batch's
         *                  first line must be written as it is (else the reader could not move on)
         * @return where the batch ends, from the read's start, to leave a line's parts to the next
         *         batch (the records written so far must be exactly those of the bytes before it);
         *         -1 for where the reader stopped
         */
        int end(boolean flushOpen);

        /**
         * True while the parts of a split line are being joined (a part was read, its last part
         * not yet): a record written now may hold bytes of earlier lines, so a batch cannot end
         * before it ({@link LineStarts}).
         */
        default boolean joinOpen() { return false; }

        /** Counts the bad lines of the batch just decoded (called once per batch read for the first time). */
        void report();

        /**
         * Lines of the batch just decoded that were not made records (malformed for this format),
         * by reason label; the tail counts them as received and rejected in the source ledger
         * (again when a batch is read again after a restart, as it counts received).
         */
        java.util.Map<String, Integer> rejected();
    }

    /** Where records go: {@code head} is a msgpack fixmap header, its entries, and the message key; the message follows. */
    interface RecordOut {
        /**
         * Adds the record {@code head + message}; a message that is not UTF-8 is repaired and one
         * {@code truncated} gets {@code "truncated": true} (one more map entry than {@code head[0]} says).
         */
        void record(byte[] head, long tsNanos, byte[] buf, int off, int len, boolean truncated);
    }

    /** Counts {@code n} bad lines of one reason, logging {@code detail} once per file and reason. */
    @FunctionalInterface
    interface Problems {
        void count(String reason, long n, String detail);
    }
}
