package io.loglane.inputs.otlp;

import com.google.protobuf.ByteString;
import io.loglane.core.event.EventFields;
import io.loglane.core.event.PackOutput;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * The log records of one OTLP {@link ResourceLogs} as loglane records (msgpack maps), the same
 * columns a Forward record from FireLens or Fluent Bit fills:
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><td>{@code body}</td><td>{@code message}: a string as it is; any other value as JSON text</td></tr>
 *   <tr><td>{@code severity_text}, else {@code severity_number}'s short name (TRACE … FATAL)</td><td>{@code level}
 *       (what the router's error rule reads); {@code severity_number} kept as a number</td></tr>
 *   <tr><td>{@code trace_id}, {@code span_id}</td><td>{@code trace_id}, {@code span_id}: lower-case hex (searchable
 *       as {@code { $.trace_id = "…" }} and in SQL through {@code attrs})</td></tr>
 *   <tr><td>{@code time_unix_nano}, else {@code observed_time_unix_nano}, else arrival</td><td>the event time</td></tr>
 *   <tr><td>resource {@code host.name}; {@code container.id}; {@code container.name}, else
 *       {@code k8s.container.name}; record {@code log.iostream}, else {@code log.file.path}</td><td>{@code host},
 *       {@code container_id}, {@code container_name}, {@code source}</td></tr>
 *   <tr><td>resource {@code aws.ecs.cluster.arn}, {@code aws.ecs.task.arn}, {@code aws.ecs.task.family} with
 *       {@code aws.ecs.task.revision}</td><td>{@code ecs_cluster}, {@code ecs_task_arn}, {@code ecs_task_definition}
 *       ({@code family:revision}), as FireLens names them</td></tr>
 *   <tr><td>resource {@code k8s.namespace.name}, {@code k8s.pod.name}, {@code k8s.pod.uid},
 *       {@code k8s.container.name}</td><td>{@code k8s_namespace}, {@code k8s_pod}, {@code k8s_pod_uid},
 *       {@code k8s_container}: the columns a CRI file's path fills</td></tr>
 *   <tr><td>every other resource, scope and record attribute ({@code service.name}, {@code k8s.node.name}, …);
 *       scope {@code name}</td><td>a field named like it with each {@code .} a {@code _} ({@code service_name},
 *       {@code k8s_node_name}); {@code scope_name}. Arrays and maps stay structured</td></tr>
 * </table>
 * A name taken already in a record keeps its first value: the record's own fields (body, level, ids)
 * first, then record attributes, then scope, then resource attributes (the most specific wins).
 *
 * <p>A record whose {@code trace_id} is not 16 bytes or {@code span_id} not 8 (when set) is refused:
 * counted in {@link #rejected()} with the first such reason, for the response's {@code partial_success}.
 *
 * <p>Thread-safety: not thread-safe; one per request.
 */
final class OtlpRecords {
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    /** Resource attributes that fill a Forward-metadata column, with the column. */
    private static final Map<String, String> RESOURCE_COLUMNS = Map.of(
            "host.name", "host", "container.id", EventFields.CONTAINER_ID, "container.name", EventFields.CONTAINER_NAME,
            "aws.ecs.cluster.arn", "ecs_cluster", "aws.ecs.task.arn", "ecs_task_arn",
            // the Kubernetes columns the file inputs fill from a pod's log path (RecordView's metadata columns)
            "k8s.namespace.name", "k8s_namespace", "k8s.pod.name", "k8s_pod", "k8s.pod.uid", "k8s_pod_uid",
            "k8s.container.name", "k8s_container");
    private static final Map<String, String> RECORD_COLUMNS = Map.of("log.iostream", EventFields.SOURCE);

    private final PackOutput fieldsOut = new PackOutput(1024);
    private final MessagePacker fields = MessagePack.newDefaultPacker(fieldsOut);
    private final PackOutput recordOut = new PackOutput(4096);
    private final MessagePacker record = MessagePack.newDefaultPacker(recordOut);
    private final Set<String> taken = new HashSet<>();
    private int fieldCount;
    private int rejected;
    private String rejection;

    /** Records refused so far (bad ids), and the first reason. */
    int rejected() { return rejected; }

    String rejection() { return rejection; }

    /** The records of {@code resource}; {@code nowNanos} times a record with neither time. */
    RecordBlock convert(ResourceLogs resource, long nowNanos) throws IOException {
        RecordBlockBuilder out = new RecordBlockBuilder();
        Prepared resourceFields = resourceFields(resource.getResource().getAttributesList());
        for (ScopeLogs scope : resource.getScopeLogsList()) {
            Prepared scopeFields = prepare(scope.getScope().getName().isEmpty() ? null : "scope_name", scope.getScope().getName(),
                    null, null, scope.getScope().getAttributesList(), Map.of());
            for (LogRecord r : scope.getLogRecordsList()) {
                String bad = badIds(r);
                if (bad != null) {
                    rejected++;
                    rejection = rejection == null ? bad : rejection;
                    continue;
                }
                begin();
                recordFields(r);
                attributes(r.getAttributesList(), RECORD_COLUMNS);
                if (!taken.contains(EventFields.SOURCE)) {
                    String file = stringAttribute(r.getAttributesList(), "log.file.path");
                    if (file != null) {
                        put(EventFields.SOURCE, file);
                    }
                }
                add(scopeFields);
                add(resourceFields);
                long ts = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano() != 0 ? r.getObservedTimeUnixNano() : nowNanos;
                finish(out, ts);
            }
        }
        return out.build();
    }

    /**
     * Fields shared by many records (a scope's, a resource's), named and packed once: each name with
     * its value's msgpack bytes, in the order they are written. Repeated names keep the first.
     */
    private record Prepared(String[] names, byte[][] values) {}

    private Prepared resourceFields(List<KeyValue> attributes) throws IOException {
        String family = stringAttribute(attributes, "aws.ecs.task.family");
        String revision = stringAttribute(attributes, "aws.ecs.task.revision");
        String definition = family == null ? null : revision == null ? family : family + ":" + revision;
        String k8sContainer = stringAttribute(attributes, "container.name") == null ? stringAttribute(attributes, "k8s.container.name") : null;
        return prepare(definition == null ? null : "ecs_task_definition", definition,
                k8sContainer == null ? null : EventFields.CONTAINER_NAME, k8sContainer, attributes, RESOURCE_COLUMNS);
    }

    /** Up to two named string fields (a null name for none), then the attributes as {@link #attributes} names them. */
    private Prepared prepare(String name1, String value1, String name2, String value2, List<KeyValue> attributes,
                             Map<String, String> columns) throws IOException {
        Set<String> seen = new HashSet<>();
        List<String> names = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = -2; i < attributes.size(); i++) {
            String name;
            AnyValue value;
            if (i < 0) {
                name = i == -2 ? name1 : name2;
                value = name == null ? null : AnyValue.newBuilder().setStringValue(i == -2 ? value1 : value2).build();
            } else {
                String column = columns.get(attributes.get(i).getKey());
                name = column != null ? column : attributes.get(i).getKey().replace('.', '_');
                value = attributes.get(i).getValue();
            }
            if (name != null && seen.add(name)) {
                begin();
                value(value);
                fields.flush();
                names.add(name);
                values.add(fieldsOut.toByteArray());
            }
        }
        begin();
        return new Prepared(names.toArray(new String[0]), values.toArray(new byte[0][]));
    }

    /** Writes the prepared fields whose names the record has not taken yet. */
    private void add(Prepared prepared) throws IOException {
        for (int i = 0; i < prepared.names().length; i++) {
            if (taken.add(prepared.names()[i])) {
                fields.packString(prepared.names()[i]);
                fields.writePayload(prepared.values()[i]);
                fieldCount++;
            }
        }
    }

    /** The value of a string attribute, or null. */
    static String stringAttribute(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key) && kv.getValue().hasStringValue()) {
                return kv.getValue().getStringValue();
            }
        }
        return null;
    }

    private static String badIds(LogRecord r) {
        if (!r.getTraceId().isEmpty() && r.getTraceId().size() != 16) {
            return "trace_id must be 16 bytes, not " + r.getTraceId().size();
        }
        if (!r.getSpanId().isEmpty() && r.getSpanId().size() != 8) {
            return "span_id must be 8 bytes, not " + r.getSpanId().size();
        }
        return null;
    }

    private void recordFields(LogRecord r) throws IOException {
        if (r.hasBody() && r.getBody().getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
            key("message");
            if (r.getBody().hasStringValue()) {
                fields.packString(r.getBody().getStringValue());
            } else {
                fields.packString(json(r.getBody()));
            }
        }
        int number = r.getSeverityNumberValue();
        if (!r.getSeverityText().isEmpty()) {
            put("level", r.getSeverityText());
        } else if (number >= 1 && number <= 24) {
            put("level", LEVELS[(number - 1) / 4]);
        }
        if (number > 0) {
            key("severity_number");
            fields.packInt(number);
        }
        if (!r.getTraceId().isEmpty()) {
            put("trace_id", hex(r.getTraceId()));
        }
        if (!r.getSpanId().isEmpty()) {
            put("span_id", hex(r.getSpanId()));
        }
        if (!r.getEventName().isEmpty()) {
            put("event_name", r.getEventName());
        }
    }

    /** Attributes as fields: a column's attribute under the column's name, any other under its name with dots as underscores. */
    private void attributes(List<KeyValue> attributes, Map<String, String> columns) throws IOException {
        for (KeyValue kv : attributes) {
            String column = columns.get(kv.getKey());
            String name = column != null ? column : kv.getKey().replace('.', '_');
            if (taken.add(name)) {
                fields.packString(name);
                fieldCount++;
                value(kv.getValue());
            }
        }
    }

    private void value(AnyValue v) throws IOException {
        switch (v.getValueCase()) {
            case STRING_VALUE -> fields.packString(v.getStringValue());
            case BOOL_VALUE -> fields.packBoolean(v.getBoolValue());
            case INT_VALUE -> fields.packLong(v.getIntValue());
            case DOUBLE_VALUE -> fields.packDouble(v.getDoubleValue());
            case BYTES_VALUE -> fields.packString(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                fields.packArrayHeader(v.getArrayValue().getValuesCount());
                for (AnyValue e : v.getArrayValue().getValuesList()) {
                    value(e);
                }
            }
            case KVLIST_VALUE -> {
                fields.packMapHeader(v.getKvlistValue().getValuesCount());
                for (KeyValue kv : v.getKvlistValue().getValuesList()) {
                    fields.packString(kv.getKey());
                    value(kv.getValue());
                }
            }
            default -> fields.packNil();
        }
    }

    /** A structured body as JSON text (its string, number, bool, array and map values; bytes as base64). */
    static String json(AnyValue v) {
        StringBuilder b = new StringBuilder();
        appendJson(b, v);
        return b.toString();
    }

    private static void appendJson(StringBuilder b, AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> quote(b, v.getStringValue());
            case BOOL_VALUE -> b.append(v.getBoolValue());
            case INT_VALUE -> b.append(v.getIntValue());
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                if (Double.isFinite(d)) {
                    b.append(d);
                } else {
                    quote(b, Double.toString(d));
                }
            }
            case BYTES_VALUE -> quote(b, Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                b.append('[');
                List<AnyValue> values = v.getArrayValue().getValuesList();
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    appendJson(b, values.get(i));
                }
                b.append(']');
            }
            case KVLIST_VALUE -> {
                b.append('{');
                List<KeyValue> values = v.getKvlistValue().getValuesList();
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    quote(b, values.get(i).getKey());
                    b.append(':');
                    appendJson(b, values.get(i).getValue());
                }
                b.append('}');
            }
            default -> b.append("null");
        }
    }

    private static void quote(StringBuilder b, String s) {
        com.fasterxml.jackson.core.io.JsonStringEncoder enc = com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance();
        b.append('"').append(enc.quoteAsString(s)).append('"');
    }

    private static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }

    private void begin() throws IOException {
        fields.flush();
        fieldsOut.reset();
        taken.clear();
        fieldCount = 0;
    }

    private void key(String name) throws IOException {
        taken.add(name);
        fields.packString(name);
        fieldCount++;
    }

    private void put(String name, String value) throws IOException {
        if (taken.add(name)) {
            fields.packString(name);
            fields.packString(value);
            fieldCount++;
        }
    }

    /** Writes the record (map header, then the fields packed so far) and adds it to {@code out}. */
    private void finish(RecordBlockBuilder out, long tsNanos) throws IOException {
        fields.flush();
        record.flush();
        recordOut.reset();
        record.packMapHeader(fieldCount);
        record.writePayload(fieldsOut.array(), 0, fieldsOut.size());
        record.flush();
        out.add(tsNanos, recordOut.array(), 0, recordOut.size());
    }
}
