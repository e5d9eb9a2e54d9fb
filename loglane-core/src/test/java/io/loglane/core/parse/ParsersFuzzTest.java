package io.loglane.core.parse;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets (scripts/fuzz.sh) for the lane parsers of this package.
 *
 * <p>{@link #parsesAnyMessage}: the first byte picks a parser ({@code json}, {@code logfmt},
 * {@code nginx_combined}, {@code apache_combined}, the three syslogs, a regex and an
 * {@code nginx_format}); the rest is the message. Properties: no exception; the byte and the text
 * paths agree (same match, same values) on UTF-8 messages; event time and lifted fields never throw.
 *
 * <p>{@link #buildsAnyPattern}: {@code kind NUL pattern NUL message} builds a {@code regex} or
 * {@code nginx_format} step from fuzzed text. Property: a parser or an IllegalArgumentException
 * (a config error), and a built parser parses any message.
 */
class ParsersFuzzTest {
    static final List<RecordParser> PARSERS = parsers();

    private static List<RecordParser> parsers() {
        List<RecordParser> p = new ArrayList<>();
        for (String name : Parsers.names()) {
            if (!name.equals(Parsers.NONE)) {
                p.add(Parsers.forName(name));
            }
        }
        p.add(Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.REGEX,
                "^(?<level>[A-Z]+) (?<ms>\\d+)ms (?<msg>.*)$", Map.of("ms", FieldType.LONG), null, null)))));
        p.add(Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.NGINX_FORMAT,
                "$remote_addr [$time_local] \"$request\" $status $body_bytes_sent $request_time \"$http_user_agent\"", Map.of(), null, null)))));
        p.add(Parsers.build(new ParserSpec(List.of(ParserSpec.Step.named(NginxCombinedParser.NAME),
                new ParserSpec.Step(Parsers.JSON, null, Map.of(), "time", null)))));
        return List.copyOf(p);
    }

    @FuzzTest
    void parsesAnyMessage(byte[] input) {
        if (input.length == 0) {
            return;
        }
        RecordParser parser = PARSERS.get((input[0] & 0xff) % PARSERS.size());
        check(parser, input, 1, input.length - 1);
    }

    @FuzzTest
    void buildsAnyPattern(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\0", 3);
        if (parts.length < 3) {
            return;
        }
        String kind = parts[0].length() % 2 == 0 ? ParserSpec.REGEX : ParserSpec.NGINX_FORMAT;
        RecordParser parser;
        try {
            parser = Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(kind, parts[1], Map.of(), null, null))));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        byte[] message = parts[2].getBytes(StandardCharsets.UTF_8);
        check(parser, message, 0, message.length);
    }

    static void check(RecordParser parser, byte[] b, int off, int len) {
        List<FieldDef> fields = parser.fields();
        ParsedFields fromBytes = new ParsedFields(fields.size());
        boolean bytesMatch = parser.parse(b, off, len, fromBytes);
        MessageView view = new MessageView().set(b, off, len);
        parser.eventTime(view);
        MessageFields lifted = parser.liftedFields(view);
        if (lifted != null) {
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(lifted.fieldsArray(), 0, lifted.fieldsLength())) {
                assertThat(u.unpackValue().isMapValue()).as("%s: lifted fields are a msgpack map", parser.name()).isTrue();
                assertThat(u.hasNext()).as("%s: and nothing after it", parser.name()).isFalse();
            } catch (IOException e) {
                throw new AssertionError(parser.name() + ": lifted fields are not msgpack", e);
            }
        }
        if (!utf8(b, off, len)) {
            return; // the text path sees U+FFFD where the bytes path sees the bytes: no agreement to expect
        }
        ParsedFields fromText = new ParsedFields(fields.size());
        boolean textMatch = parser.parse(new String(b, off, len, StandardCharsets.UTF_8), fromText);
        assertThat(bytesMatch).as("%s: bytes and text paths match alike", parser.name()).isEqualTo(textMatch);
        assertThat(values(fromBytes)).as("%s: the same values", parser.name()).isEqualTo(values(fromText));
    }

    private static List<Object> values(ParsedFields f) {
        Object[] v = new Object[f.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.get(i);
        }
        return Arrays.asList(v);
    }

    private static boolean utf8(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
