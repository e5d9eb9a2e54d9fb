package io.loglane.core.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chain of parsers ({@code parser: [json, logfmt, {regex: …}]}), tried in order for each message:
 * <ul>
 *   <li>typed fields: the first parser that matches fills them ({@link #parse}); the chain's fields
 *       are every step's, in step order, each name once (a name two steps type differently is a
 *       configuration error, so a column has one type);</li>
 *   <li>event time: the first step that reads one from the message;</li>
 *   <li>lifted fields: the first step whose message fields ({@code json}, {@code logfmt}) the
 *       message holds.</li>
 * </ul>
 * A message no step matches is stored as it came (its line as the message).
 *
 * <p>Each step writes its own field numbers into the chain's holder through
 * {@link ParsedFields#remap}: no copy per field.
 *
 * <p>Thread-safety: immutable, thread-safe when its steps are.
 */
final class ParserChain extends BytesParser {
    private final RecordParser[] steps;
    /** Per step: chain index of each of its fields. */
    private final int[][] slots;
    private final List<FieldDef> fields;
    private final String name;

    /** @throws IllegalArgumentException when two steps give one field different types */
    ParserChain(List<RecordParser> steps, String name) {
        this.steps = steps.toArray(RecordParser[]::new);
        this.name = name;
        Map<String, FieldDef> union = new LinkedHashMap<>();
        for (RecordParser p : steps) {
            for (FieldDef f : p.fields()) {
                FieldDef prior = union.putIfAbsent(f.name(), f);
                if (prior != null && prior.type() != f.type()) {
                    throw new IllegalArgumentException("field \"" + f.name() + "\" is " + ParserSpec.typeName(prior.type())
                            + " in one parser of the chain and " + ParserSpec.typeName(f.type()) + " in " + p.name()
                            + " (declare one type with types:)");
                }
            }
        }
        this.fields = List.copyOf(union.values());
        List<String> names = new ArrayList<>(union.keySet());
        this.slots = new int[steps.size()][];
        for (int i = 0; i < steps.size(); i++) {
            slots[i] = steps.get(i).fields().stream().mapToInt(f -> names.indexOf(f.name())).toArray();
        }
    }

    @Override
    public String name() { return name; }

    @Override
    public List<FieldDef> fields() { return fields; }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        for (int i = 0; i < steps.length; i++) {
            out.remap(slots[i]);
            boolean matched;
            try {
                matched = steps[i].parse(b, off, len, out);
            } finally {
                out.remap(null);
            }
            if (matched) {
                return true;
            }
        }
        out.clear();
        return false;
    }

    @Override
    public long eventTime(MessageView message) {
        for (RecordParser p : steps) {
            long t = p.eventTime(message);
            if (t >= 0) {
                return t;
            }
        }
        return -1;
    }

    @Override
    public MessageFields liftedFields(MessageView message) {
        for (RecordParser p : steps) {
            MessageFields f = p.liftedFields(message);
            if (f != null) {
                return f;
            }
        }
        return null;
    }
}
