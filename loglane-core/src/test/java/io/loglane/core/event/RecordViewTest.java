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

    /** What a view makes of the record it read: the columns' texts, then each field's key and whether a column took it. */
    private static String summary(RecordView v) throws IOException {
        StringBuilder sb = new StringBuilder().append(text(v, v.message())).append('|').append(text(v, v.host()))
                .append('|').append(text(v, v.containerId())).append('|').append(text(v, v.containerName()))
                .append('|').append(text(v, v.source()));
        for (int i = 0; i < v.fieldCount(); i++) {
            sb.append('|').append(v.key(i)).append(v.consumed(i) ? "*" : "").append('=').append(v.keyName(i).getValue());
        }
        return sb.toString();
    }

    /** One view is reused for every record: keys that change, move or share a prefix between records map as in a fresh view. */
    @Test
    void aReusedViewMapsEveryRecordAsAFreshViewWould() throws IOException {
        byte[][] records = {
            map("log", "a", "host", "h", "container_id", "c1", "source", "stdout"),
            map("log", "b", "host", "h", "container_id", "c2", "source", "stderr"),
            map("logs", "x", "hostname", "h2", "container_id", "c3", "msg", "m"),
            map("host", "h3", "log", "c", "source", "s", "container_name", "n"),
            map("log", "d", "host", "h", "container_id", "c4", "source", "stdout", "extra", 1L),
            map("log", "e"),
            map("log", "f", "host", 5L, "hostname", "h5", "container_id", "c6"),
            map("message", "g", "log", 7L, "container_name", "n2", "container_id", "c7"),
        };
        RecordView reused = new RecordView(null);
        for (int round = 0; round < 2; round++) {
            for (byte[] rec : records) {
                RecordView fresh = new RecordView(null);
                fresh.read(rec, 0, rec.length);
                reused.read(rec, 0, rec.length);
                assertThat(summary(reused)).isEqualTo(summary(fresh));
            }
        }
        byte[] last = records[records.length - 1];
        reused.read(last, 0, last.length);
        assertThat(summary(reused)).isEqualTo("g|null|c7|n2|null|message*=message|log=log|container_name*=container_name|container_id*=container_id");
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
                io.loglane.core.parse.FieldType.LONG)))).extracting(f -> f.name()).containsExactly("status",
                "ecs_cluster", "ecs_task_arn", "ecs_task_definition", "k8s_namespace", "k8s_pod", "k8s_pod_uid", "k8s_container");
    }

    @Test
    void metadataColumnsComeFromTheRecordAndLeaveAttrs() throws Exception {
        RecordView v = new RecordView(null);
        assertThat(v.typedFields()).extracting(f -> f.name()).startsWith("ecs_cluster").hasSize(RecordView.METADATA_COLUMNS.size());
        org.msgpack.core.MessageBufferPacker p = org.msgpack.core.MessagePack.newDefaultBufferPacker();
        p.packMapHeader(3).packString("log").packString("x").packString("k8s_pod").packString("api-1")
                .packString("ecs_cluster").packInt(3); // not a string: stays in attrs
        byte[] rec = p.toByteArray();
        v.read(rec, 0, rec.length);
        assertThat(v.messageMatched()).as("no parser").isFalse();
        int pod = RecordView.METADATA_COLUMNS.indexOf("k8s_pod");
        assertThat(v.typedIndex(pod)).isEqualTo(-1);
        assertThat(v.recordTyped(pod)).isEqualTo("api-1");
        assertThat(v.recordTyped(0)).isNull();
        assertThat(v.key(1)).isEqualTo("k8s_pod");
        assertThat(v.consumed(1)).as("the pod is a column now, not one of attrs").isTrue();
        int clusterField = 2;
        assertThat(v.key(clusterField)).isEqualTo("ecs_cluster");
        assertThat(v.consumed(clusterField)).as("a number stays in attrs").isFalse();
    }
}
