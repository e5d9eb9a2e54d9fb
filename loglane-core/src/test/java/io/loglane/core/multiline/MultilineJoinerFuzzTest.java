package io.loglane.core.multiline;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.MultilineSpec;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): multiline joining. The first byte picks a set of built-in rules
 * (each bit one of java, python, go, node, dotnet), the rest is a stream's lines (cut at
 * {@code '\n'}), each a record {@code {source, log}} of one stream. Property: no exception; no line
 * is lost, added or reordered (the joined messages, joined with newlines, are the lines joined
 * with newlines, but for the {@code '\r'} a joined line's end loses); never more records than lines.
 */
class MultilineJoinerFuzzTest {
    @FuzzTest
    void joinsAnyLines(byte[] input) {
        if (input.length == 0) {
            return;
        }
        List<MultilineSpec.Rule> rules = new ArrayList<>();
        for (int i = 0; i < MultilineSpec.BUILT_IN.size(); i++) {
            if ((input[0] >> i & 1) != 0) {
                rules.add(MultilineSpec.Rule.named(MultilineSpec.BUILT_IN.get(i)));
            }
        }
        if (rules.isEmpty()) {
            rules.add(MultilineSpec.Rule.named("java"));
        }
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        RecordBlock block = block(lines);
        RecordBlock joined = new MultilineJoiner().join(block, new MultilineRules(new MultilineSpec(rules)));
        List<String> logs = logs(joined);
        assertThat(logs.size()).isLessThanOrEqualTo(lines.length);
        // a joined line loses its trailing '\r' (CRLF files) by design: compare without them
        assertThat(String.join("\n", logs).replace("\r", "")).as("every line kept, in order").isEqualTo(text.replace("\r", ""));
    }

    static RecordBlock block(String[] lines) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (String l : lines) {
            try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
                p.packMapHeader(2).packString("source").packString("stderr").packString("log").packString(l);
                byte[] rec = p.toByteArray();
                b.add(1_700_000_000_000_000_000L, rec, 0, rec.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return b.build();
    }

    static List<String> logs(RecordBlock block) {
        List<String> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
                u.unpackValue().asMapValue().map().forEach((k, v) -> {
                    if (k.asStringValue().asString().equals("log")) {
                        out.add(v.asStringValue().asString());
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
