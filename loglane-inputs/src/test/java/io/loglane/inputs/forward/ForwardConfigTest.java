package io.loglane.inputs.forward;

import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.InputSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardConfigTest {
    static final ConfigOrigin ORIGIN = new ConfigOrigin("loglane.yaml", 12);

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
        var inputs = ConfigLoader.load(new ConfigSource("in.yaml", yaml)).inputs();
        ForwardConfig quick = ForwardConfig.from(inputs.get(0));
        assertThat(quick.idleTimeout()).as("0: idle connections stay").isZero();
        assertThat(quick.frameTimeout()).isEqualTo(Duration.ofMillis(250));
        ForwardConfig plain = ForwardConfig.from(inputs.get(1));
        assertThat(plain.idleTimeout()).isEqualTo(ForwardConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(plain.frameTimeout()).isEqualTo(ForwardConfig.DEFAULT_FRAME_TIMEOUT);

        assertThatThrownBy(() -> ConfigLoader.load(new ConfigSource("bad.yaml", yaml.replace("frame_timeout: 250ms", "frame_timeout: 0s"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("bad.yaml:6: inputs[0].frame_timeout: must be greater than 0");
        assertThatThrownBy(() -> ForwardConfig.from(new InputSpec("forward", "fwd", null, 0, Map.of("frame_timeout", Duration.ZERO), ORIGIN)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("loglane.yaml:12: inputs.fwd.frame_timeout: must be positive");
        assertThatThrownBy(() -> ForwardConfig.from(new InputSpec("forward", "fwd", null, 0, Map.of("idle_timeout", Duration.ofSeconds(-1)), ORIGIN)))
                .hasMessageStartingWith("loglane.yaml:12: inputs.fwd.idle_timeout: must not be negative");
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
        assertThatThrownBy(() -> ForwardConfig.from(new InputSpec("forward", "fwd", null, 0, Map.of("max_frame_bytes", 10L), ORIGIN)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("loglane.yaml:12: inputs.fwd.max_frame_bytes: must be between");
        assertThatThrownBy(() -> ForwardConfig.from(new InputSpec("forward", "fwd", null, 0, Map.of("max_in_flight", 0L), ORIGIN)))
                .hasMessageContaining("inputs.fwd.max_in_flight");
        assertThatThrownBy(() -> ForwardConfig.from(new InputSpec("forward", "fwd", null, 0, Map.of("max_in_flight_bytes", 512L), ORIGIN)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("loglane.yaml:12: inputs.fwd.max_in_flight_bytes: must be between 1024");
        assertThatThrownBy(() -> ForwardConfig.from(new InputSpec("http", "h", null, 0, Map.of(), ORIGIN)))
                .hasMessageContaining("not a forward input");
    }
}
