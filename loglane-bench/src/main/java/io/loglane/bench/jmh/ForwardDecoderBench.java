package io.loglane.bench.jmh;

import io.loglane.bench.ingest.FrameFactory;
import io.loglane.inputs.forward.ForwardConfig;
import io.loglane.inputs.forward.ForwardMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward protocol decoding: one {@code ForwardDecoder} (as {@code ForwardInput} installs it per
 * connection, with the bundled config's limits) turns whole frames of {@value BenchData#EVENTS}
 * ~250-byte nginx access-log records into {@code ForwardMessage}s (record block copied out, gzip
 * inflated). Score = events/s (one operation = one event).
 *
 * <p>The decoder's entry point is Netty's {@code ByteToMessageDecoder.channelRead}, so frames go
 * through an {@link EmbeddedChannel}: per frame that adds a pipeline dispatch and a queue
 * hand-off, small next to {@value BenchData#EVENTS} entries. Each invocation feeds a
 * retained duplicate of a pre-filled buffer, so no copy of the frame is measured. {@code buffer}
 * {@code direct} (the default: a direct buffer of Netty's default allocator, which is what socket
 * reads deliver on the NIO transport) takes the decoder's copy-to-heap path; {@code heap}
 * ({@code -p buffer=heap}) scans the array in place. A whole frame arrives in one buffer here;
 * on a socket a frame larger than one read (256 KiB at most) is first merged by Netty's cumulator.
 *
 * <p>Params: {@code mode} = PackedForward, gzip CompressedPackedForward, or Forward;
 * {@code metadata} = entries {@code [[EventTime, {}], record]} (Fluent Bit 2.1+) or
 * {@code [EventTime, record]}.
 *
 * <p>Run: {@code ./loglane bench jmh ForwardDecoderBench -f 1 -wi 3 -i 5}
 * (allocation per event: add {@code -prof gc}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ForwardDecoderBench {
    @Param({"PACKED_FORWARD", "COMPRESSED_PACKED_FORWARD", "FORWARD"})
    FrameFactory.Mode mode;

    @Param({"true", "false"})
    boolean metadata;

    @Param({"direct"})
    String buffer;

    private EmbeddedChannel channel;
    private ByteBuf wire;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ForwardConfig limits = BenchData.forwardConfig(BenchData.bundledConfig(null));
        FrameFactory.Frame frame = FrameFactory.build("kube.var.log.containers.web", BenchData.EVENTS, mode, metadata, true, 42,
                FrameFactory::accessRecord);
        BenchData.decodeOnce(limits, frame.bytes(), BenchData.EVENTS); // fails fast on a frame the decoder does not take whole
        wire = switch (buffer) {
            case "direct" -> ByteBufAllocator.DEFAULT.directBuffer(frame.bytes().length).writeBytes(frame.bytes());
            case "heap" -> Unpooled.wrappedBuffer(frame.bytes());
            default -> throw new IllegalArgumentException("buffer must be direct or heap: " + buffer);
        };
        channel = new EmbeddedChannel(BenchData.decoder(limits));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        wire.release();
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.EVENTS)
    public ForwardMessage decode() {
        channel.writeInbound(wire.retainedDuplicate());
        return channel.readInbound();
    }
}
