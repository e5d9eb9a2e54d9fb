package io.loglane.stores.archive;

import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.RecordParser;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A tiny access-line parser for tests: {@code <METHOD> <path> <status> <seconds>}. */
public final class TestParser implements RecordParser {
    private static final Pattern LINE = Pattern.compile("([A-Z]+) (\\S+) (\\d{3}) ([0-9.]+)");

    @Override
    public String name() { return "test_access"; }

    @Override
    public List<FieldDef> fields() {
        return List.of(new FieldDef("method", FieldType.STRING), new FieldDef("path", FieldType.STRING),
                new FieldDef("status", FieldType.LONG), new FieldDef("request_time", FieldType.DOUBLE),
                new FieldDef("message", FieldType.STRING)); // collides with an event column: must be ignored
    }

    @Override
    public boolean parse(CharSequence message, ParsedFields out) {
        Matcher m = LINE.matcher(message);
        if (!m.matches()) {
            out.clear();
            return false;
        }
        out.set(0, m.group(1));
        out.set(1, m.group(2));
        out.set(2, Long.parseLong(m.group(3)));
        out.set(3, Double.parseDouble(m.group(4)));
        out.set(4, "shadow");
        return true;
    }
}
