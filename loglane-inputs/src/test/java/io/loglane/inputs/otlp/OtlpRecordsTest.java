package io.loglane.inputs.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordCursor;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/** How OTLP log records become loglane records: columns, precedence, times, refused ids. */
class OtlpRecordsTest {
    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static ResourceLogs resource(LogRecord... records) {
        return ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "svc")).addAttributes(kv("host.name", "h1"))
                        .addAttributes(kv("aws.ecs.cluster.arn", "arn:cl")).addAttributes(kv("aws.ecs.task.arn", "arn:task"))
                        .addAttributes(kv("aws.ecs.task.family", "web")).addAttributes(kv("aws.ecs.task.revision", "7"))
                        .addAttributes(kv("container.name", "web-1")).addAttributes(kv("k8s.container.name", "ignored")))
                .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("scope-a"))
                        .addAllLogRecords(java.util.List.of(records)))
                .build();
    }

    @Test
    void resourceAttributesFillForwardsColumnsAndTheRestKeepTheirNamesWithUnderscores() throws Exception {
        LogRecord r = LogRecord.newBuilder().setTimeUnixNano(5_000).setSeverityNumberValue(13).setBody(AnyValue.newBuilder().setStringValue("hi"))
                .addAttributes(kv("log.iostream", "stderr")).addAttributes(kv("host", "record wins"))
                .addAttributes(KeyValue.newBuilder().setKey("tags").setValue(AnyValue.newBuilder().setArrayValue(
                        ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(1)).addValues(AnyValue.newBuilder().setBoolValue(true)))))
                .build();
        OtlpRecords records = new OtlpRecords();
        RecordBlock block = records.convert(resource(r), 99);
        RecordCursor c = block.cursor();
        assertThat(c.next()).isTrue();
        assertThat(c.tsNanos()).isEqualTo(5_000);
        Map<String, String> m = record(c);
        assertThat(m).containsEntry("message", "\"hi\"").containsEntry("level", "\"WARN\"").containsEntry("severity_number", "13")
                .containsEntry("source", "\"stderr\"").containsEntry("host", "\"record wins\"").containsEntry("tags", "[1,true]")
                .containsEntry("scope_name", "\"scope-a\"").containsEntry("service_name", "\"svc\"")
                .containsEntry("container_name", "\"web-1\"").containsEntry("k8s_container", "\"ignored\"")
                .containsEntry("ecs_cluster", "\"arn:cl\"").containsEntry("ecs_task_arn", "\"arn:task\"")
                .containsEntry("ecs_task_definition", "\"web:7\"");
        assertThat(records.rejected()).isZero();
    }

    @Test
    void observedTimeThenArrivalTimeTheRecordsWhenItHasNoTime() throws Exception {
        RecordBlock block = new OtlpRecords().convert(resource(LogRecord.newBuilder().setObservedTimeUnixNano(7).build(),
                LogRecord.newBuilder().build()), 99);
        RecordCursor c = block.cursor();
        assertThat(c.next()).isTrue();
        assertThat(c.tsNanos()).isEqualTo(7);
        assertThat(record(c)).doesNotContainKey("message");
        assertThat(c.next()).isTrue();
        assertThat(c.tsNanos()).isEqualTo(99);
    }

    @Test
    void aStructuredBodyBecomesJsonText() {
        AnyValue body = AnyValue.newBuilder().setKvlistValue(io.opentelemetry.proto.common.v1.KeyValueList.newBuilder()
                .addValues(kv("a\"b", "x\ny")).addValues(KeyValue.newBuilder().setKey("n").setValue(AnyValue.newBuilder().setDoubleValue(1.5)))
                .addValues(KeyValue.newBuilder().setKey("nan").setValue(AnyValue.newBuilder().setDoubleValue(Double.NaN)))).build();
        assertThat(OtlpRecords.json(body)).isEqualTo("{\"a\\\"b\":\"x\\ny\",\"n\":1.5,\"nan\":\"NaN\"}");
    }

    @Test
    void recordsWithIdsOfTheWrongLengthAreRefusedAndTheRestKept() throws Exception {
        OtlpRecords records = new OtlpRecords();
        RecordBlock block = records.convert(resource(
                LogRecord.newBuilder().setTraceId(ByteString.copyFrom(new byte[3])).build(),
                LogRecord.newBuilder().setSpanId(ByteString.copyFrom(new byte[16])).build(),
                LogRecord.newBuilder().setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.copyFrom(new byte[8])).build()), 1);
        assertThat(block.count()).isEqualTo(1);
        assertThat(records.rejected()).isEqualTo(2);
        assertThat(records.rejection()).isEqualTo("trace_id must be 16 bytes, not 3");
        RecordCursor c = block.cursor();
        c.next();
        assertThat(record(c)).containsEntry("trace_id", "\"" + "00".repeat(16) + "\"").containsEntry("span_id", "\"" + "00".repeat(8) + "\"");
    }

    @Test
    void tagsNameTheService() {
        assertThat(OtlpHandler.tagOf("checkout")).isEqualTo("otlp.checkout");
        assertThat(OtlpHandler.tagOf("my svc/ü")).isEqualTo("otlp.my_svc__");
        assertThat(OtlpHandler.tagOf(null)).isEqualTo("otlp");
        assertThat(OtlpHandler.tagOf("s".repeat(400))).hasSize(256);
    }

    /** The record's fields, each value as JSON-ish text (strings quoted). */
    private static Map<String, String> record(RecordCursor c) throws Exception {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
            int n = u.unpackMapHeader();
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String k = u.unpackString();
                Value v = u.unpackValue();
                assertThat(m.put(k, v.toJson())).as("key " + k + " once").isNull();
            }
            return m;
        }
    }
}
