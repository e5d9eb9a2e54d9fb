package io.loglane.inputs.forward;

import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.InputSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardConfigTest {
    static final ConfigOrigin ORIGIN = new ConfigOrigin("loglane.yaml", 12);
    /** A loader that knows only this input type: its keys need nothing else. */
    static final ConfigLoader LOADER = new ConfigLoader(new ConfigCatalog(List.of(ForwardKeys.INSTANCE), List.of()));

    @Test
    void defaultsFromAMinimalSpec() throws Exception {
        ForwardConfig c = ForwardConfig.from(new InputSpec("forward", "fwd", null, 24224, Map.of(), ORIGIN));
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(24224);
        assertThat(c.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(c.maxDecompressedBytes()).isEqualTo(64 * 1024 * 1024);
        assertThat(c.maxInFlight()).isEqualTo(64);
        assertThat(c.maxInFlightBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.frameTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theLoaderAndForwardConfigAgreeOnEveryDefault() throws Exception {
        String bare = "inputs:\n  - type: forward\nlanes:\n  default: {}\n";
        ForwardConfig loaded = ForwardConfig.from(LOADER.load(new ConfigSource("bare.yaml", bare)).inputs().get(0));
        assertThat(loaded).isEqualTo(ForwardConfig.of("forward", "127.0.0.1", 24224));
        for (String frame : new String[] {"16MiB", "32MiB", "512MiB"}) {
            String yaml = "inputs:\n  - type: forward\n    max_frame_bytes: " + frame + "\nlanes:\n  default: {}\n";
            ForwardConfig fromFile = ForwardConfig.from(LOADER.load(new ConfigSource("f.yaml", yaml)).inputs().get(0));
            ForwardConfig alone = ForwardConfig.from(new InputSpec("forward", "forward", null, 24224,
                    Map.of("max_frame_bytes", io.loglane.core.config.Sizes.parse(frame)), ORIGIN));
            assertThat(fromFile).as(frame).isEqualTo(alone);
            assertThat(fromFile.maxDecompressedBytes()).as("derived: 4 x max_frame_bytes, at most 1 GiB")
                    .isEqualTo((int) Math.min(1L << 30, 4 * io.loglane.core.config.Sizes.parse(frame)));
        }
    }

    @Test
    void timeoutsComeFromTheConfigFileWithTheSchemaDefaultsAndChecks() throws Exception {
        String yaml = """
                inputs:
                  - type: forward
                    name: quick
                    port: 0
                    idle_timeout: 0s
                    frame_timeout: 250ms
                  - type: forward
                    name: plain
                    port: 0
                lanes:
                  default: {}
                """;
        var inputs = LOADER.load(new ConfigSource("in.yaml", yaml)).inputs();
        ForwardConfig quick = ForwardConfig.from(inputs.get(0));
        assertThat(quick.idleTimeout()).as("0: idle connections stay").isZero();
        assertThat(quick.frameTimeout()).isEqualTo(Duration.ofMillis(250));
        ForwardConfig plain = ForwardConfig.from(inputs.get(1));
        assertThat(plain.idleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(plain.frameTimeout()).isEqualTo(Duration.ofSeconds(30));

        assertThatThrownBy(() -> LOADER.load(new ConfigSource("bad.yaml", yaml.replace("frame_timeout: 250ms", "frame_timeout: 0s"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("bad.yaml:6: inputs[0].frame_timeout: must be greater than 0");
        assertThatThrownBy(() -> LOADER.load(new ConfigSource("bad.yaml", yaml.replace("idle_timeout: 0s", "idle_timeout: -1s"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("bad.yaml:5: inputs[0].idle_timeout: ");
    }

    @Test
    void optionsAreRead() throws Exception {
        ForwardConfig c = ForwardConfig.from(new InputSpec("forward", "fwd", "127.0.0.2", 0,
                Map.of("max_frame_bytes", 2048L, "max_in_flight", 8L, "max_in_flight_bytes", 4096L, "drain_timeout", Duration.ofMillis(100)), ORIGIN));
        assertThat(c.bind()).as("a configured address is kept").isEqualTo("127.0.0.2");
        assertThat(c.maxFrameBytes()).isEqualTo(2048);
        assertThat(c.maxDecompressedBytes()).isEqualTo(8192);
        assertThat(c.maxInFlight()).isEqualTo(8);
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.maxInFlightBytes()).isEqualTo(4096);
    }

    @Test
    void badValuesNameFileLineAndKey() {
        String[][] cases = {
                {"max_frame_bytes: 10", "inputs[0].max_frame_bytes: must be between 1KiB and 1GiB, got 10"},
                {"max_frame_bytes: 2GiB", "inputs[0].max_frame_bytes: must be between 1KiB and 1GiB, got 2GiB"},
                {"max_in_flight: 70000", "inputs[0].max_in_flight: must be between 1 and 65536, got 70000"},
                {"max_in_flight_bytes: 512", "inputs[0].max_in_flight_bytes: must be between 1KiB and 1GiB, got 512"},
                {"worker_threads: 257", "inputs[0].worker_threads: must be between 1 and 256, got 257"},
                {"max_decompressed_bytes: 1MiB", "inputs.forward.max_decompressed_bytes: must be at least max_frame_bytes (16MiB), got 1MiB"},
        };
        for (String[] c : cases) {
            String yaml = "inputs:\n  - type: forward\n    " + c[0] + "\nlanes:\n  default: {}\n";
            assertThat(LOADER.check(new ConfigSource("f.yaml", yaml))).as(c[0])
                    .extracting(ConfigException::getMessage).containsExactly("f.yaml:3: " + c[1]);
        }
        assertThatThrownBy(() -> ForwardConfig.from(new InputSpec("http", "h", null, 0, Map.of(), ORIGIN)))
                .hasMessageContaining("not a forward input");
    }
}
