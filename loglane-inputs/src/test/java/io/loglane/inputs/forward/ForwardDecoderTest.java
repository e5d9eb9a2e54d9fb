package io.loglane.inputs.forward;

import io.loglane.inputs.forward.ForwardProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.loglane.inputs.forward.Events.ev;
import static io.loglane.inputs.forward.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every frame shape of FORWARD-PEERS.md, fed whole, byte by byte, and from direct buffers. */
class ForwardDecoderTest {
    static final long T = 1_700_000_000L;
    static final long NS = 123_456_789L;
    static final String CHUNK = "p8n9gmxTQVC8/nh2wlKKeQ==";
    static final String REC_A = "{\"msg\":\"a\",\"n\":1}";
    static final String REC_B = "{\"msg\":\"b\",\"n\":2}";

    enum Feed { WHOLE, BYTE_BY_BYTE, DIRECT_WHOLE, DIRECT_BYTE_BY_BYTE, HALVES }

    static List<ForwardMessage> decode(byte[] bytes, Feed feed) {
        EmbeddedChannel ch = new EmbeddedChannel(new ForwardDecoder(1 << 20, 1 << 20));
        List<ForwardMessage> out = new ArrayList<>();
        switch (feed) {
            case WHOLE -> write(ch, out, Unpooled.wrappedBuffer(bytes));
            case DIRECT_WHOLE -> write(ch, out, Unpooled.directBuffer(bytes.length).writeBytes(bytes));
            case HALVES -> {
                write(ch, out, Unpooled.wrappedBuffer(bytes, 0, bytes.length / 2));
                write(ch, out, Unpooled.wrappedBuffer(bytes, bytes.length / 2, bytes.length - bytes.length / 2));
            }
            case BYTE_BY_BYTE, DIRECT_BYTE_BY_BYTE -> {
                for (byte b : bytes) {
                    ByteBuf one = feed == Feed.BYTE_BY_BYTE ? Unpooled.wrappedBuffer(new byte[] {b})
                            : Unpooled.directBuffer(1).writeByte(b);
                    write(ch, out, one);
                }
            }
        }
        assertThat(ch.finish()).as("no leftover messages").isFalse();
        return out;
    }

    private static void write(EmbeddedChannel ch, List<ForwardMessage> out, ByteBuf buf) {
        ch.writeInbound(buf);
        for (Object m; (m = ch.readInbound()) != null; ) {
            out.add((ForwardMessage) m);
        }
    }

    static ForwardMessage single(byte[] bytes, Feed feed) {
        List<ForwardMessage> msgs = decode(bytes, feed);
        assertThat(msgs).hasSize(1);
        assertThat(msgs.get(0).frameBytes()).isEqualTo(bytes.length);
        return msgs.get(0);
    }

    static Reason failure(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new ForwardDecoder(1024, 4096));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            ch.finish();
        } catch (ForwardProtocolException e) {
            return e.reason();
        } finally {
            ch.finishAndReleaseAll();
        }
        throw new AssertionError("no protocol error");
    }

    @ParameterizedTest
    @EnumSource(value = Feed.class, names = {"WHOLE", "DIRECT_WHOLE"})
    void buffersGrownByOneHugeFrameAreNotKeptAfterIt(Feed feed) {
        byte[] big = "y".repeat(8 * ForwardDecoder.RETAINED_BYTES / 4).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] entries = frame().array(2).eventTime(T, NS).map(1).str("log").bin(big).build();
        byte[] f = frame().array(3).str("gz").bin(Frames.gzip(entries)).map(1).str("compressed").str("gzip").build();
        ForwardDecoder decoder = new ForwardDecoder(16 << 20, 16 << 20);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ByteBuf buf = feed == Feed.WHOLE ? Unpooled.wrappedBuffer(f) : Unpooled.directBuffer(f.length).writeBytes(f);
        ch.writeInbound(buf);
        ForwardMessage m = ch.readInbound();
        assertThat(m.records().length()).isGreaterThan(2 * ForwardDecoder.RETAINED_BYTES);
        assertThat(decoder.retainedBufferBytes()).isLessThanOrEqualTo(3 * ForwardDecoder.RETAINED_BYTES);
        ch.finishAndReleaseAll();
    }

    // ---- Fluent Bit shapes -------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Feed.class)
    void fluentBitDefaultForwardModeWithEmptyMetadata(Feed feed) {
        byte[] f = frame().array(2).str("app.web").array(2)
                .array(2).array(2).eventTime(T, NS).map(0).record("a", 1)
                .array(2).array(2).eventTime(T + 1, 0).map(0).record("b", 2)
                .build();
        ForwardMessage m = single(f, feed);
        assertThat(m).isInstanceOf(ForwardMessage.ForwardMode.class);
        assertThat(m.tag()).isEqualTo("app.web");
        assertThat(m.options()).isEqualTo(ForwardOptions.NONE);
        assertThat(Events.of(m.records())).containsExactly(ev(T, NS, REC_A), ev(T + 1, 0, REC_B));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void fluentBitRequireAckWith32BitOptionMap(Feed feed) {
        byte[] f = frame().array(3).str("app").array(1)
                .array(2).array(2).eventTime(T, NS).map32(0).record("a", 1)
                .map32(3).str("chunk").str(CHUNK).str("size").integer(1).str("fluent_signal").integer(0)
                .build();
        ForwardMessage m = single(f, feed);
        assertThat(m.options()).isEqualTo(new ForwardOptions(1, CHUNK, null, 0));
        assertThat(Events.of(m.records())).containsExactly(ev(T, NS, REC_A));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void fluentBitGzipCompressedPackedForward(Feed feed) {
        byte[] entries = frame().array(2).array(2).eventTime(T, NS).map(0).record("a", 1)
                .array(2).array(2).eventTime(T, NS + 1).map(0).record("b", 2).build();
        byte[] f = frame().array(3).str("gz").bin(Frames.gzip(entries))
                .map32(3).str("size").integer(2).str("compressed").str("gzip").str("fluent_signal").integer(0)
                .build();
        ForwardMessage m = single(f, feed);
        assertThat(m).isInstanceOf(ForwardMessage.CompressedPackedForward.class);
        assertThat(Events.of(m.records())).containsExactly(ev(T, NS, REC_A), ev(T, NS + 1, REC_B));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void gzipBodyOfSeveralConcatenatedMembers(Feed feed) {
        byte[] one = frame().array(2).eventTime(T, 0).record("a", 1).build();
        byte[] two = frame().array(2).eventTime(T, 1).record("b", 2).build();
        byte[] f = frame().array(3).str("gz").bin(Frames.concat(Frames.gzip(one), Frames.gzip(two)))
                .map(1).str("compressed").str("gzip").build();
        assertThat(Events.of(single(f, feed).records())).containsExactly(ev(T, 0, REC_A), ev(T, 1, REC_B));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void fluentBitSendOptionsAndTimeAsIntegerWith32BitEntryHeaders(Feed feed) {
        byte[] f = frame().array(3).str("int").array(2)
                .array32(2).uint32(T).record("a", 1)
                .array32(2).uint32(T + 5).record("b", 2)
                .map32(2).str("size").integer(2).str("fluent_signal").integer(0)
                .build();
        ForwardMessage m = single(f, feed);
        assertThat(m.options().size()).isEqualTo(2);
        assertThat(Events.of(m.records())).containsExactly(ev(T, 0, REC_A), ev(T + 5, 0, REC_B));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void fluentBitMessageModeWithSignalOption(Feed feed) {
        byte[] f = frame().array(4).str("app.error").eventTime(T, NS).record("a", 1)
                .map32(1).str("fluent_signal").integer(0).build();
        ForwardMessage m = single(f, feed);
        assertThat(m).isInstanceOf(ForwardMessage.MessageMode.class);
        assertThat(m.tag()).isEqualTo("app.error");
        assertThat(Events.of(m.records())).containsExactly(ev(T, NS, REC_A));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void nonEmptyMetadataIsKept(Feed feed) {
        byte[] f = frame().array(2).str("m").array(1)
                .array(2).array(2).eventTime(T, NS).map(1).str("otlp").str("x").record("a", 1).build();
        List<Events> evs = Events.of(single(f, feed).records());
        assertThat(evs).containsExactly(new Events(T * 1_000_000_000L + NS, "{\"otlp\":\"x\"}", REC_A));
    }

    // ---- fluentd / Fluency / older loggers -------------------------------------------------

    @ParameterizedTest
    @EnumSource(Feed.class)
    void packedForwardInBinAndStrWithExt8FloatAndUint64Times(Feed feed) {
        byte[] entries = frame()
                .array(2).eventTimeExt8(T, NS).record("a", 1)
                .array(2).dbl(T + 0.25).record("b", 2)
                .array(2).uint64(T).record("a", 1)
                .build();
        ForwardMessage bin = single(frame().array(2).str("fd").bin(entries).build(), feed);
        ForwardMessage str = single(frame().array(3).str("fd").strBytes(entries)
                .map(2).str("chunk").str(CHUNK).str("size").integer(entries.length).build(), feed);
        List<Events> expected = List.of(ev(T, NS, REC_A), ev(T, 250_000_000L, REC_B), ev(T, 0, REC_A));
        assertThat(bin).isInstanceOf(ForwardMessage.PackedForward.class);
        assertThat(Events.of(bin.records())).isEqualTo(expected);
        assertThat(Events.of(str.records())).isEqualTo(expected);
        assertThat(str.options().chunk()).isEqualTo(CHUNK);
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void messageModeWithIntegerTimeAndNoOptions(Feed feed) {
        ForwardMessage m = single(frame().array(3).str("docker.abc").integer(T).record("a", 1).build(), feed);
        assertThat(Events.of(m.records())).containsExactly(ev(T, 0, REC_A));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void nestedRecordIsCopiedVerbatim(Feed feed) {
        byte[] record = frame().map(4)
                .str("log").str("GET / 200")
                .str("kubernetes").map(2).str("pod").str("web-1").str("labels").map(1).str("app").str("web")
                .str("list").array(3).integer(1).nil().array(1).bool(true)
                .str("blob").bin(new byte[] {0, 1, (byte) 0xff})
                .build();
        byte[] f = frame().array(2).str("k8s").array(1).array(2).eventTime(T, 0).bytes(record).build();
        ForwardMessage m = single(f, feed);
        var c = m.records().cursor();
        assertThat(c.next()).isTrue();
        byte[] copied = java.util.Arrays.copyOfRange(c.array(), c.recordOffset(), c.recordOffset() + c.recordLength());
        assertThat(copied).isEqualTo(record);
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void severalFramesInOneStreamDecodeInOrder(Feed feed) {
        byte[] a = frame().array(3).str("t1").integer(T).record("a", 1).build();
        byte[] b = frame().array(2).str("t2").array(1).array(2).integer(T).record("b", 2).build();
        List<ForwardMessage> msgs = decode(Frames.concat(a, b, a), feed);
        assertThat(msgs).extracting(ForwardMessage::tag).containsExactly("t1", "t2", "t1");
    }

    @Test
    void emptyEntryArrayAndNilOptionsGiveAnEmptyBlock() {
        ForwardMessage m = single(frame().array(3).str("t").array(0).nil().build(), Feed.WHOLE);
        assertThat(m.records().isEmpty()).isTrue();
        assertThat(m.options()).isEqualTo(ForwardOptions.NONE);
    }

    // ---- entries rejected inside a good frame ---------------------------------------------

    @ParameterizedTest
    @EnumSource(Feed.class)
    void badEntriesAreRejectedAndTheRestOfTheFrameProceeds(Feed feed) {
        byte[] f = frame().array(2).str("t").array(6)
                .array(2).str("yesterday").record("x", 0)        // time that is not a time
                .array(2).integer(T).str("not a map")              // record not a map
                .array(3).integer(T).record("x", 0).nil()          // entry of three
                .integer(42)                                       // entry not an array
                .array(2).integer(-1).record("x", 0)               // negative time
                .array(2).eventTime(T, 1).record("a", 1)
                .build();
        ForwardMessage m = single(f, feed);
        assertThat(m.rejectedEntries()).isEqualTo(5);
        assertThat(Events.of(m.records())).containsExactly(ev(T, 1, REC_A));
        int withoutBadEntries = frame().array(2).str("t").array(6).array(2).eventTime(T, 1).record("a", 1).build().length;
        assertThat(m.rejectedBytes()).as("the bad entries' msgpack bytes").isEqualTo(f.length - withoutBadEntries);
    }

    @Test
    void messageModeWithBadTimeRejectsItsEntryOnly() {
        ForwardMessage m = single(frame().array(3).str("t").eventTimeExt8(T, 2_000_000_000L).record("a", 1).build(), Feed.WHOLE);
        assertThat(m.rejectedEntries()).isEqualTo(1);
        assertThat(m.rejectedBytes()).as("time and record").isEqualTo(
                frame().eventTimeExt8(T, 2_000_000_000L).record("a", 1).build().length);
        assertThat(m.records().isEmpty()).isTrue();
    }

    // ---- connection-fatal errors ----------------------------------------------------------

    @Test
    void structuralErrorsCarryTheirReason() {
        byte[] entry = frame().array(2).integer(T).record("a", 1).build();
        assertThat(failure(new byte[] {'G', 'E', 'T', ' ', '/'})).isEqualTo(Reason.GARBAGE);
        assertThat(failure(new byte[] {(byte) 0x93, (byte) 0xc1, 0, 0})).isEqualTo(Reason.GARBAGE);
        assertThat(failure(frame().array(5).str("t").integer(1).integer(1).integer(1).integer(1).build())).isEqualTo(Reason.GARBAGE);
        assertThat(failure(frame().array(3).integer(7).integer(T).record("a", 1).build())).isEqualTo(Reason.BAD_TAG);
        assertThat(failure(frame().array(3).str("").integer(T).record("a", 1).build())).isEqualTo(Reason.BAD_TAG);
        assertThat(failure(frame().array(3).str("t").map(0).record("a", 1).build())).isEqualTo(Reason.UNKNOWN_MODE);
        assertThat(failure(frame().array(2).str("t").integer(T).build())).isEqualTo(Reason.UNKNOWN_MODE);
        assertThat(failure(frame().array(3).str("t").bin(new byte[] {1, 2, 3}).map(1).str("compressed").str("gzip").build()))
                .isEqualTo(Reason.BAD_GZIP);
        assertThat(failure(frame().array(3).str("t").bin(entry).map(1).str("compressed").str("zstd").build()))
                .isEqualTo(Reason.BAD_OPTIONS);
        assertThat(failure(frame().array(3).str("t").array(0).str("options").build())).isEqualTo(Reason.BAD_OPTIONS);
        assertThat(failure(frame().array(3).str("t").array(0).map(1).str("chunk").integer(5).build())).isEqualTo(Reason.BAD_OPTIONS);
        assertThat(failure(frame().array(2).str("t").bin(java.util.Arrays.copyOf(entry, entry.length - 1)).build()))
                .isEqualTo(Reason.BAD_PACKED);
        assertThat(failure(frame().array(3).str("t").array(0).map(1).str("fluent_signal").integer(1).build()))
                .isEqualTo(Reason.NON_LOG_SIGNAL);
    }

    @Test
    void oversizedFramesFailWithoutBufferingPastTheLimit() {
        // announced by a bin header: fails on the header alone
        byte[] header = frame().array(2).str("t").raw(0xc6, 0, 1, 0, 0).build();
        assertThat(failure(header)).isEqualTo(Reason.FRAME_TOO_LARGE);
        // a Forward-mode frame that keeps going: fails once the limit is buffered
        Frames big = frame().array(2).str("t").array(100);
        for (int i = 0; i < 100; i++) {
            big.array(2).integer(T).record("0123456789".repeat(3), i);
        }
        assertThat(failure(big.build())).isEqualTo(Reason.FRAME_TOO_LARGE);
        // a gzip bomb: small on the wire, past max_decompressed_bytes inflated
        byte[] zeros = frame().array(2).integer(T).map(1).str("z").bin(new byte[8000]).build();
        assertThat(failure(frame().array(3).str("t").bin(Frames.gzip(zeros)).map(1).str("compressed").str("gzip").build()))
                .isEqualTo(Reason.FRAME_TOO_LARGE);
    }

    @Test
    void connectionClosedInsideAFrameIsTruncated() {
        byte[] f = frame().array(3).str("t").integer(T).record("a", 1).build();
        EmbeddedChannel ch = new EmbeddedChannel(new ForwardDecoder(1024, 1024));
        ch.writeInbound(Unpooled.wrappedBuffer(f, 0, f.length - 2));
        assertThat((Object) ch.readInbound()).isNull();
        assertThatThrownBy(ch::finish).isInstanceOfSatisfying(ForwardProtocolException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }

    @Test
    void afterAnErrorTheDecoderDiscardsEverything() {
        EmbeddedChannel ch = new EmbeddedChannel(new ForwardDecoder(1024, 1024));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})))
                .isInstanceOf(ForwardProtocolException.class);
        ch.writeInbound(Unpooled.wrappedBuffer(frame().array(3).str("t").integer(T).record("a", 1).build()));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    /** Outcome of feeding a connection's bytes in the given reads: the error reason, or null when none. */
    static Reason reasonOf(byte[]... reads) {
        EmbeddedChannel ch = new EmbeddedChannel(new ForwardDecoder(1024, 1024));
        try {
            for (byte[] r : reads) {
                ch.writeInbound(Unpooled.wrappedBuffer(r));
            }
            ch.finish();
            return null;
        } catch (ForwardProtocolException e) {
            return e.reason();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Fuzzing finding (ForwardDecoderFuzzTest): the verdict on 0x16 0x03 depended on where TCP cut the bytes. */
    @Test
    void aClientHelloIsRecognizedOnlyAtTheStartHoweverTheBytesAreCut() {
        byte[] hello = {0x16, 0x03, 0x01, 0x00};
        assertThat(reasonOf(hello)).isEqualTo(Reason.TLS_ON_PLAIN_PORT);
        assertThat(reasonOf(new byte[] {0x16}, new byte[] {0x03, 0x01, 0x00})).isEqualTo(Reason.TLS_ON_PLAIN_PORT);
        // after a frame, 0x16 0x03 is garbage (a positive fixint), cut or not, never "TLS"
        byte[] f = frame().array(3).str("t").integer(T).record("a", 1).build();
        byte[] both = new byte[f.length + hello.length];
        System.arraycopy(f, 0, both, 0, f.length);
        System.arraycopy(hello, 0, both, f.length, hello.length);
        assertThat(reasonOf(both)).isEqualTo(Reason.GARBAGE);
        assertThat(reasonOf(java.util.Arrays.copyOf(both, f.length + 1), new byte[] {0x03, 0x01, 0x00})).isEqualTo(Reason.GARBAGE);
    }
}
