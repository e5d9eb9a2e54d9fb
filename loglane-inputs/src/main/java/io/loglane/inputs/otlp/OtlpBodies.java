package io.loglane.inputs.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * Decoding of an OTLP/HTTP logs request body: gzip {@code Content-Encoding}, then the binary
 * protobuf encoding or the OTLP JSON encoding. OTLP JSON is protobuf's JSON mapping except that
 * {@code traceId} and {@code spanId} are hex, not base64 (and int64 values may be strings, which
 * the mapping accepts anyway): ids are rewritten to base64 before protobuf's own JSON parser reads
 * the request. Unknown fields are ignored, as the spec asks.
 *
 * <p>Thread-safety: stateless.
 */
final class OtlpBodies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final HexFormat HEX = HexFormat.of();
    /** Stands for an id that is not hex: one byte, so the record is refused for its id's length. */
    private static final String NOT_HEX = Base64.getEncoder().encodeToString(new byte[1]);

    private OtlpBodies() {}

    /** A body that cannot be read: over its limit ({@link OtlpRefusal#BODY_TOO_LARGE}) or malformed. */
    static final class BadBody extends Exception {
        final OtlpRefusal refusal;

        BadBody(OtlpRefusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }
    }

    /** The gunzipped body, at most {@code maxBytes}. */
    static byte[] gunzip(byte[] body, long maxBytes) throws BadBody {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
            if (out.length > maxBytes) {
                throw new BadBody(OtlpRefusal.BODY_TOO_LARGE, "the gzip body decompresses to more than " + maxBytes + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new BadBody(OtlpRefusal.MALFORMED, "broken gzip body: " + e.getMessage());
        }
    }

    static ExportLogsServiceRequest protobuf(byte[] body) throws BadBody {
        try {
            return ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new BadBody(OtlpRefusal.MALFORMED, "not a protobuf ExportLogsServiceRequest: " + e.getMessage());
        }
    }

    static ExportLogsServiceRequest json(byte[] body) throws BadBody {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new BadBody(OtlpRefusal.MALFORMED, "not a JSON ExportLogsServiceRequest: expected an object");
            }
            for (JsonNode resource : root.path("resourceLogs")) {
                for (JsonNode scope : resource.path("scopeLogs")) {
                    for (JsonNode record : scope.path("logRecords")) {
                        if (record instanceof ObjectNode o) {
                            hexToBase64(o, "traceId");
                            hexToBase64(o, "spanId");
                        }
                    }
                }
            }
            ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
            PARSER.merge(JSON.writeValueAsString(root), b);
            return b.build();
        } catch (IOException e) { // Jackson's and protobuf's parse errors both
            throw new BadBody(OtlpRefusal.MALFORMED, "not a JSON ExportLogsServiceRequest: " + e.getMessage());
        }
    }

    private static void hexToBase64(ObjectNode record, String field) {
        JsonNode id = record.get(field);
        if (id != null && id.isTextual() && !id.asText().isEmpty()) {
            String base64;
            try {
                base64 = Base64.getEncoder().encodeToString(HEX.parseHex(id.asText()));
            } catch (IllegalArgumentException e) {
                base64 = NOT_HEX;
            }
            record.put(field, base64);
        }
    }
}
