package io.loglane.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RecordBlockBuilder#take}: the block holds what was added, and the builder starts over without touching it. */
class RecordBlockBuilderTest {
    private static List<String> records(RecordBlock b) {
        List<String> out = new ArrayList<>();
        RecordCursor c = b.cursor();
        while (c.next()) {
            out.add(c.tsNanos() + ":" + new String(c.array(), c.recordOffset(), c.recordLength(), StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void takeHandsOverTheRecordsAndLaterAddsDoNotChangeThem() {
        RecordBlockBuilder b = new RecordBlockBuilder(16);
        b.add(5, "aaaa".getBytes(StandardCharsets.US_ASCII), 0, 4);
        b.add(3, "bb".getBytes(StandardCharsets.US_ASCII), 0, 2);
        RecordBlock taken = b.take();
        assertThat(records(taken)).containsExactly("5:aaaa", "3:bb");
        assertThat(taken.count()).isEqualTo(2);
        assertThat(b.count()).isZero();
        b.add(9, "zzzzzzzz".getBytes(StandardCharsets.US_ASCII), 0, 8);
        assertThat(records(taken)).as("the taken block is not the builder's any more").containsExactly("5:aaaa", "3:bb");
        assertThat(records(b.build())).containsExactly("9:zzzzzzzz");
        assertThat(new RecordBlockBuilder().take().isEmpty()).isTrue();
    }
}
