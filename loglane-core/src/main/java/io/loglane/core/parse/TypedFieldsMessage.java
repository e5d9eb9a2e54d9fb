package io.loglane.core.parse;

import io.loglane.core.event.PackOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * The typed fields a pattern parser (nginx_combined, an nginx {@code log_format}, regex, syslog)
 * read from a message, as {@link MessageFields} to lift into the record: an input's parser lifts
 * them so the record itself carries {@code status: 200} (an integer), {@code request_time: 0.004}
 * (a double), and every store's typed column of that name takes it from the record
 * ({@link RecordParser#fromRecord}). Absent (null) fields are not lifted; lifting follows
 * {@link FieldLifter} (the record's own fields win a clash; message keys are never lifted).
 *
 * <p>Thread-safety: not thread-safe; one per thread (buffers are reused across records).
 */
public final class TypedFieldsMessage implements MessageFields {
    private final PackOutput packed = new PackOutput(256);
    private final MessagePacker packer = MessagePack.newDefaultPacker(packed);
    private final FieldLifter lifter = new FieldLifter();

    /**
     * Packs the values of {@code fields} in {@code parsed} (as a parser filled it).
     *
     * @return false when none is present: nothing to lift
     */
    public boolean set(List<FieldDef> fields, ParsedFields parsed) {
        try {
            packed.reset();
            packer.clear();
            int present = 0;
            for (int i = 0; i < fields.size(); i++) {
                if (parsed.form(i) != ParsedFields.Form.OBJECT || parsed.get(i) != null) {
                    present++;
                }
            }
            if (present == 0) {
                return false;
            }
            packer.packMapHeader(present);
            for (int i = 0; i < fields.size(); i++) {
                ParsedFields.Form form = parsed.form(i);
                if (form == ParsedFields.Form.OBJECT && parsed.get(i) == null) {
                    continue;
                }
                packer.packString(fields.get(i).name());
                switch (form) {
                    case UTF8 -> {
                        packer.packRawStringHeader(parsed.utf8Length(i));
                        packer.writePayload(parsed.utf8Source(i), parsed.utf8Offset(i), parsed.utf8Length(i));
                    }
                    case LONG -> packer.packLong(parsed.longAt(i));
                    case DOUBLE -> packer.packDouble(parsed.doubleAt(i));
                    case OBJECT -> {
                        switch (parsed.get(i)) {
                            case Long l -> packer.packLong(l);
                            case Integer n -> packer.packLong(n);
                            case Double d -> packer.packDouble(d);
                            case Number n -> packer.packDouble(n.doubleValue());
                            case Object o -> packer.packString(o.toString());
                        }
                    }
                }
            }
            packer.flush();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory packer does no I/O
        }
    }

    @Override
    public byte[] fieldsArray() { return packed.array(); }

    @Override
    public int fieldsLength() { return packed.size(); }

    /** The time is the parser's own ({@link RecordParser#eventTime}), not one of these fields. */
    @Override
    public long timeNanos() { return -1; }

    @Override
    public int lift(byte[] rec, int off, int len) {
        return lifter.lift(packed.array(), packed.size(), rec, off, len);
    }

    @Override
    public byte[] liftedArray() { return lifter.liftedArray(); }
}
