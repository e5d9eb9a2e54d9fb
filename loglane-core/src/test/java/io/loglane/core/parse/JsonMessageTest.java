package io.loglane.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;

class JsonMessageTest {
    private final JsonMessage json = new JsonMessage();

    private boolean decode(String s) {
        byte[] b = ("xx" + s).getBytes(StandardCharsets.UTF_8);
        return json.decode(b, 2, b.length - 2);
    }

    private String fields() throws IOException {
        return MessagePack.newDefaultUnpacker(json.fieldsArray(), 0, json.fieldsLength()).unpackValue().toJson();
    }

    private static byte[] record(Map<String, ?> m) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(m.size());
            for (var e : m.entrySet()) {
                p.packString(e.getKey());
                if (e.getValue() instanceof Long l) {
                    p.packLong(l);
                } else {
                    p.packString((String) e.getValue());
                }
            }
            return p.toByteArray();
        }
    }

    private static Map<String, String> lifted(JsonMessage json, int len) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Value v = MessagePack.newDefaultUnpacker(json.liftedArray(), 0, len).unpackValue();
        v.asMapValue().entrySet().forEach(e -> out.put(e.getKey().toString(), e.getValue().toString()));
        return out;
    }

    @Test
    void decodesOneObjectSurroundedByWhitespaceWithNestedValuesAndItsTime() throws Exception {
        assertThat(decode(" \t{\"level\":\"error\",\"n\":{\"a\":[1,2.5,null,true]},\"big\":18446744073709551616,"
                + "\"time\":\"2026-11-25T06:00:00Z\"}\n")).isTrue();
        assertThat(fields()).isEqualTo("{\"level\":\"error\",\"n\":{\"a\":[1,2.5,null,true]},\"big\":\"18446744073709551616\","
                + "\"time\":\"2026-11-25T06:00:00Z\"}");
        assertThat(json.timeNanos()).isEqualTo(1_795_586_400_000_000_000L);
    }

    @Test
    void aTimeFieldThatIsNoTimeIsPassedOverNotAnError() {
        assertThat(decode("{\"time\":\"yesterday\",\"ts\":1795586400}")).isTrue();
        assertThat(json.timeNanos()).as("the next preferred field").isEqualTo(1_795_586_400_000_000_000L);
        assertThat(decode("{\"@timestamp\":\"2026-11-25T06:00:00Z\",\"timestamp\":1795586401000}")).isTrue();
        assertThat(json.timeNanos()).isEqualTo(1_795_586_401_000_000_000L);
        assertThat(decode("{\"time\":true,\"timestamp\":{\"s\":1},\"ts\":[1],\"@timestamp\":-5}")).isTrue();
        assertThat(json.timeNanos()).isEqualTo(-1);
        assertThat(decode("{\"nested\":{\"time\":5}}")).isTrue();
        assertThat(json.timeNanos()).as("only top-level fields").isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "plain text {\"a\":1}", "[{\"a\":1}]", "{\"a\":1", "{\"a\":1} tail", "{\"a\":1}{\"b\":2}",
            "{a:1}", "\"{\\\"a\\\":1}\"", "{\"a\":1,}"})
    void anythingButOneWholeObjectIsNotJson(String s) {
        assertThat(decode(s)).isFalse();
        assertThat(json.timeNanos()).isEqualTo(-1);
    }

    @Test
    void aMessageOverTheLimitIsNotDecoded() {
        String big = "{\"a\":\"" + "x".repeat(JsonMessage.MAX_BYTES) + "\"}";
        assertThat(decode(big)).isFalse();
    }

    @Test
    void liftingAddsTheFieldsTheRecordLacksAfterItsOwnAndKeepsItsMessage() throws Exception {
        assertThat(decode("{\"message\":\"inner\",\"log\":\"hijack\",\"msg\":\"m\",\"source\":\"app\",\"n\":7}")).isTrue();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("message", "{…}");
        rec.put("source", "stdout");
        rec.put("seq", 3L);
        byte[] r = record(rec);
        byte[] shifted = new byte[r.length + 3];
        System.arraycopy(r, 0, shifted, 3, r.length);
        int len = json.lift(shifted, 3, r.length);
        // "log" is preferred to the record's own "message": lifting it would replace the message
        assertThat(lifted(json, len)).containsExactly(Map.entry("message", "{…}"), Map.entry("source", "stdout"),
                Map.entry("seq", "3"), Map.entry("msg", "m"), Map.entry("n", "7"));
    }

    @Test
    void nothingToLiftLeavesTheRecordAsItIs() throws Exception {
        assertThat(decode("{\"log\":\"x\",\"source\":\"app\"}")).isTrue();
        assertThat(json.lift(record(Map.of("log", "{…}", "source", "stdout")), 0, record(Map.of("log", "{…}", "source", "stdout")).length))
                .isEqualTo(-1);
        assertThat(decode("{}")).isTrue();
        byte[] r = record(Map.of("log", "{}"));
        assertThat(json.lift(r, 0, r.length)).isEqualTo(-1);
        assertThat(decode("{\"a\":1}")).isTrue();
        byte[] notAMap = {(byte) 0x92, 1, 2};
        assertThat(json.lift(notAMap, 0, notAMap.length)).isEqualTo(-1);
    }
}
