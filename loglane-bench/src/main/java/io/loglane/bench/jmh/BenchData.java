package io.loglane.bench.jmh;

import java.util.stream.Stream;
import java.util.Comparator;
import io.loglane.app.RegisteredTypes;
import io.loglane.app.cli.ConfigFiles;
import io.loglane.bench.ingest.FrameFactory;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.inputs.forward.ForwardConfig;
import io.loglane.inputs.forward.ForwardDecoder;
import io.loglane.inputs.forward.ForwardMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Set-up helpers shared by the JMH benchmarks: the bundled configuration, and record blocks
 * obtained the way the server obtains them, by running {@link FrameFactory} frames through the
 * {@link ForwardDecoder}. Nothing here runs inside a measured method.
 *
 * <p>Thread-safety: stateless.
 */
final class BenchData {
    /** Events per Forward frame, and so per decoded block and per stream append. */
    static final int EVENTS = 1000;

    private BenchData() {}

    /**
     * The bundled {@code config/loglane.yaml} (found as {@code ./loglane up} finds it: under
     * {@code $LOGLANE_HOME}, else the working directory), with {@code overlay} YAML layered on top
     * when not null.
     */
    static LoglaneConfig bundledConfig(String overlay) throws IOException, ConfigException {
        Path file = ConfigFiles.defaultConfig();
        ConfigSource base = new ConfigSource(file.toString(), Files.readString(file));
        return overlay == null ? RegisteredTypes.LOADER.load(base) : RegisteredTypes.LOADER.load(base, new ConfigSource("jmh-overlay.yaml", overlay));
    }

    /** The limits of the config's first Forward input. */
    static ForwardConfig forwardConfig(LoglaneConfig config) throws ConfigException {
        for (InputSpec spec : config.inputs()) {
            if (spec.type().equals("forward")) {
                return ForwardConfig.from(spec);
            }
        }
        throw new IllegalStateException("the configuration has no forward input");
    }

    /** A new decoder with the configured limits, as {@code ForwardInput} creates one per connection. */
    static ForwardDecoder decoder(ForwardConfig limits) {
        return new ForwardDecoder(limits.maxFrameBytes(), limits.maxDecompressedBytes());
    }

    /** Decodes one whole frame; fails unless it yields exactly its events, none rejected. */
    static ForwardMessage decodeOnce(ForwardConfig limits, byte[] frame, int events) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder(limits));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(frame));
            ForwardMessage m = ch.readInbound();
            if (m == null || m.records().count() != events || m.rejectedEntries() != 0 || ch.readInbound() != null) {
                throw new IllegalStateException("frame did not decode to " + events + " events: " + m);
            }
            return m;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** A block of {@link #EVENTS} records drawn by {@code records}, decoded from a PackedForward frame. */
    static RecordBlock block(ForwardConfig limits, String tag, long seed, Function<SplittableRandom, Map<String, String>> records)
            throws IOException {
        FrameFactory.Frame f = FrameFactory.build(tag, EVENTS, FrameFactory.Mode.PACKED_FORWARD, true, false, seed, records);
        return decodeOnce(limits, f.bytes(), EVENTS).records();
    }

    /** Deletes a benchmark's temporary directory and everything in it (no-op when absent). */
    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
