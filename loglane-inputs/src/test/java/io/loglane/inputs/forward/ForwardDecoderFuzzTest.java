package io.loglane.inputs.forward;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): bytes as a TCP stream delivers them, whole, byte by byte and in
 * two reads cut where the input's first byte says. Property: the only failure is a
 * {@link ForwardProtocolException}, and how the bytes are cut never changes the outcome (the same
 * frames with the same records, and the same error reason). Regression inputs: raw streams in
 * {@code ForwardDecoderFuzzTestInputs/decodesAnyByteStream/}.
 */
class ForwardDecoderFuzzTest {
    @FuzzTest
    void decodesAnyByteStream(byte[] bytes) {
        Outcome whole = decode(bytes, false, -1);
        assertThat(decode(bytes, true, -1)).as("byte by byte").isEqualTo(whole);
        int cut = bytes.length == 0 ? 0 : (bytes[0] & 0xff) % bytes.length;
        assertThat(decode(bytes, false, cut)).as("cut at %d", cut).isEqualTo(whole);
    }

    /** What the decoder made of a stream: each frame as mode, tag, options, counts and records; then the error reason or null. */
    record Outcome(List<String> frames, ForwardProtocolException.Reason error) {}

    static Outcome decode(byte[] bytes, boolean byteByByte, int cut) {
        EmbeddedChannel ch = new EmbeddedChannel(new ForwardDecoder(2048, 8192));
        List<String> frames = new ArrayList<>();
        try {
            if (byteByByte) {
                for (int i = 0; i < bytes.length; i++) {
                    ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
                    drain(ch, frames);
                }
            } else if (cut >= 0) {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
                drain(ch, frames);
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
            } else {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            }
            drain(ch, frames);
            ch.finish();
            drain(ch, frames);
            return new Outcome(frames, null);
        } catch (ForwardProtocolException e) {
            drain(ch, frames);
            return new Outcome(frames, e.reason());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    static void drain(EmbeddedChannel ch, List<String> frames) {
        for (Object m; (m = ch.readInbound()) != null; ) {
            ForwardMessage f = (ForwardMessage) m;
            frames.add(f.getClass().getSimpleName() + " " + f.tag() + " " + f.options() + " rejected=" + f.rejectedEntries()
                    + "/" + f.rejectedBytes() + " bytes=" + f.frameBytes() + " records=" + Arrays.toString(f.records().toByteArray()));
        }
    }
}
