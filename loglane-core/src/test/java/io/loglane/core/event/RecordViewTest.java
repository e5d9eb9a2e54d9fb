package io.loglane.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.parse.NginxCombinedParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class RecordViewTest {
    private static final String ACCESS = "10.0.0.1 - - [01/Mar/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" 404 12 \"-\" \"curl\" 0.25";

    private static byte[] map(Object... kv) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(kv.length / 2);
            for (int i = 0; i < kv.length; i += 2) {
                p.packString((String) kv[i]);
                switch (kv[i + 1]) {
                    case String s -> p.packString(s);
                    case Long l -> p.packLong(l);
                    default -> throw new IllegalArgumentException();
                }
            }
            return p.toByteArray();
        }
    }

    private static String text(RecordView v, int i) throws IOException {
        return i < 0 ? null : new String(v.array(), v.stringOffset(i), v.stringLength(i), StandardCharsets.UTF_8);
    }

    @Test
    void mapsWellKnownFieldsByPreferenceAndLeavesTheRestForAttrs() throws IOException {
        RecordView v = new RecordView(null);
        byte[] rec = map("msg", "third", "message", "second", "hostname", "h2", "container_name", "web",
                "source", "stdout", "extra", 7L);
        assertThat(v.read(rec, 0, rec.length)).isTrue();
        assertThat(text(v, v.message())).isEqualTo("second");
        assertThat(text(v, v.host())).isEqualTo("h2");
        assertThat(v.containerId()).isEqualTo(-1);
        assertThat(text(v, v.containerName())).isEqualTo("web");
        assertThat(text(v, v.source())).isEqualTo("stdout");
        StringBuilder left = new StringBuilder();
        for (int i = 0; i < v.fieldCount(); i++) {
            if (!v.consumed(i)) {
                left.append(v.key(i)).append(' ');
            }
        }
        assertThat(left.toString()).isEqualTo("msg extra ");
    }

    @Test
    void typedFieldsComeFromTheParsedMessageElseFromRecordFieldsOfTheirName() throws IOException {
        RecordView v = new RecordView(new NginxCombinedParser());
        byte[] line = map("log", ACCESS);
        v.read(line, 0, line.length);
        assertThat(v.messageMatched()).isTrue();
        int status = v.typedFields().stream().map(f -> f.name()).toList().indexOf("status");
        assertThat(v.parsed().get(v.typedIndex(status))).isEqualTo(404L);

        byte[] structured = map("log", "not an access line", "status", "503");
        v.read(structured, 0, structured.length);
        assertThat(v.messageMatched()).isFalse();
        assertThat(v.recordTyped(status)).isEqualTo(503L);
        assertThat(v.consumed(1)).isTrue(); // stored as the column, so not repeated in attrs
    }

    @Test
    void parserFieldsNamedLikeEventColumnsAreNotTyped() {
        assertThat(RecordView.typedFields(java.util.List.of(new io.loglane.core.parse.FieldDef("host",
                io.loglane.core.parse.FieldType.STRING), new io.loglane.core.parse.FieldDef("status",
                io.loglane.core.parse.FieldType.LONG)))).extracting(f -> f.name()).containsExactly("status");
    }
}
