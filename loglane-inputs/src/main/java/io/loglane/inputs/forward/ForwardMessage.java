package io.loglane.inputs.forward;

import io.loglane.core.event.RecordBlock;

/**
 * One decoded Forward frame, normalized to a tag, the block of its accepted records and its
 * options. One variant per mode of the
 * <a href="https://github.com/fluent/fluentd/wiki/Forward-Protocol-Specification-v1">Forward
 * protocol v1</a>, so tests and metrics can tell which mode a peer used.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface ForwardMessage {
    String tag();

    /** The entries that decoded, in wire order. */
    RecordBlock records();

    ForwardOptions options();

    /** Entries of this frame that were well-formed msgpack but not a valid event (bad time, record not a map). */
    int rejectedEntries();

    /** Msgpack bytes of the {@link #rejectedEntries()} (after decompression). */
    long rejectedBytes();

    /** Bytes the frame occupied on the wire. */
    int frameBytes();

    /** {@code [tag, time, record(, options)]}: one event. */
    record MessageMode(String tag, RecordBlock records, ForwardOptions options, int rejectedEntries, long rejectedBytes, int frameBytes)
            implements ForwardMessage {}

    /** {@code [tag, [entry, ...](, options)]}. */
    record ForwardMode(String tag, RecordBlock records, ForwardOptions options, int rejectedEntries, long rejectedBytes, int frameBytes)
            implements ForwardMessage {}

    /** {@code [tag, bin|str of concatenated entries(, options)]}. */
    record PackedForward(String tag, RecordBlock records, ForwardOptions options, int rejectedEntries, long rejectedBytes, int frameBytes)
            implements ForwardMessage {}

    /** PackedForward whose body is gzip ({@code compressed: "gzip"}), possibly several concatenated members. */
    record CompressedPackedForward(String tag, RecordBlock records, ForwardOptions options, int rejectedEntries,
                                   long rejectedBytes, int frameBytes) implements ForwardMessage {}
}
