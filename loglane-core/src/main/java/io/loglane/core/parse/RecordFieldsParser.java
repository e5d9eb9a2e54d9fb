package io.loglane.core.parse;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A lane's parser as its stores see it when inputs have parsers of their own: the lane parser's
 * typed fields, then the typed fields of the inputs' parsers the lane parser does not name
 * ({@link #fromRecord}). An input's parser lifts its typed fields into the record before routing
 * ({@link TypedFieldsMessage}), so a lane with no parser, or another one, still gets typed
 * {@code status} and {@code request_time} columns in SQL and in the index, from the record's own
 * fields. Reading a message is the lane parser's alone: the extra fields are left absent.
 *
 * <p>Schema: one per lane, derived from the configuration only (the lane's parser and every
 * input's), so the archive, the index and SQL agree; a name two inputs type differently takes the
 * first input's type.
 *
 * <p>Thread-safety: as the lane's parser (stateless).
 */
public final class RecordFieldsParser implements RecordParser {
    private final RecordParser lane;
    private final List<FieldDef> fields;
    private final Set<String> fromRecord;

    private RecordFieldsParser(RecordParser lane, List<FieldDef> fields, Set<String> fromRecord) {
        this.lane = lane;
        this.fields = fields;
        this.fromRecord = fromRecord;
    }

    /**
     * The parser the stores of a lane read with.
     *
     * @param lane   the lane's parser, or null for {@code none}
     * @param inputs the parsers of the inputs that set one, in declaration order
     * @return {@code lane} itself when no input parser adds a field to it (null stays null)
     */
    public static RecordParser of(RecordParser lane, List<RecordParser> inputs) {
        List<FieldDef> all = new ArrayList<>(lane == null ? List.of() : lane.fields());
        Set<String> extra = new LinkedHashSet<>();
        for (RecordParser in : inputs) {
            for (FieldDef f : in.fields()) {
                if (all.stream().noneMatch(g -> g.name().equals(f.name()))) {
                    all.add(f);
                    extra.add(f.name());
                }
            }
        }
        return extra.isEmpty() ? lane : new RecordFieldsParser(lane, List.copyOf(all), Set.copyOf(extra));
    }

    @Override
    public String name() { return lane == null ? Parsers.NONE : lane.name(); }

    @Override
    public List<FieldDef> fields() { return fields; }

    @Override
    public Set<String> fromRecord() { return fromRecord; }

    @Override
    public boolean parse(CharSequence message, ParsedFields out) {
        out.clear(); // the extra fields stay absent
        return lane != null && lane.parse(message, out);
    }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        out.clear();
        return lane != null && lane.parse(b, off, len, out);
    }

    @Override
    public long eventTime(MessageView message) { return lane == null ? -1 : lane.eventTime(message); }

    @Override
    public MessageFields liftedFields(MessageView message) { return lane == null ? null : lane.liftedFields(message); }
}
