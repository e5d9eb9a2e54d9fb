package io.loglane.core.parse;

/**
 * Fields a message holds (a JSON object, logfmt pairs), decoded into a msgpack map, that the router
 * lifts into the record when it sends the record to a lane whose parser reads them
 * ({@link RecordParser#liftedFields}); see {@link FieldLifter} for how a lift treats name clashes.
 *
 * <p>Thread-safety: implementations are per-thread scratch, valid until the next message is decoded.
 */
public interface MessageFields {
    /** The decoded fields: a msgpack map of string keys in {@code [0, fieldsLength())}. */
    byte[] fieldsArray();

    int fieldsLength();

    /** The event time the fields state, nanoseconds since the epoch; -1 when none. */
    long timeNanos();

    /**
     * Builds the record {@code rec[off, off+len)} with these fields lifted to its top level.
     *
     * @return the length of the lifted record in {@link #liftedArray()}, or -1 when nothing is lifted
     */
    int lift(byte[] rec, int off, int len);

    /** The lifted record of the last successful {@link #lift}, in {@code [0, length)}. */
    byte[] liftedArray();
}
