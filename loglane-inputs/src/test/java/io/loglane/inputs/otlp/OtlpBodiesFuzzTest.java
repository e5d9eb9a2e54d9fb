package io.loglane.inputs.otlp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;

import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): an OTLP logs request body ({@code POST /v1/logs}) as the
 * {@link OtlpHandler} reads it. The first byte picks the encoding: {@code '{'} starts a JSON body
 * (the whole input), anything else is a byte followed by a protobuf body. Property: a body is
 * refused with {@link OtlpBodies.BadBody} or decoded, and every decoded resource converts to
 * records ({@link OtlpRecords}; refused records are counted, never thrown).
 */
class OtlpBodiesFuzzTest {
    @FuzzTest
    void decodesAnyBody(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        ExportLogsServiceRequest request;
        try {
            request = input[0] == '{' ? OtlpBodies.json(input) : OtlpBodies.protobuf(Arrays.copyOfRange(input, 1, input.length));
        } catch (OtlpBodies.BadBody e) {
            assertThat(e.refusal).isNotNull();
            return;
        }
        OtlpRecords records = new OtlpRecords();
        int records0 = 0;
        for (ResourceLogs r : request.getResourceLogsList()) {
            records0 += records.convert(r, 1_700_000_000_000_000_000L).count();
        }
        int sent = request.getResourceLogsList().stream().flatMap(r -> r.getScopeLogsList().stream())
                .mapToInt(s -> s.getLogRecordsCount()).sum();
        assertThat(records0 + records.rejected()).as("every record stored or refused").isEqualTo(sent);
    }
}
