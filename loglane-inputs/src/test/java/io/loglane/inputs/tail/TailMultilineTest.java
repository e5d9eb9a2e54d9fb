package io.loglane.inputs.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.InputContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tail with {@code multiline:} against real files and a stream double (no router, so lines are
 * not joined here: what is tested is where batches end): an event still open at the end of what
 * was read is held in the file until a later line closes it or the flush timeout passes on the
 * injected clock, and held lines are never past the persisted read position.
 */
class TailMultilineTest {
    private static final ConfigLoader LOADER = new ConfigLoader(new ConfigCatalog(List.of(TailKeys.INSTANCE), List.of()));

    @TempDir Path dir;
    private final FakeStream stream = new FakeStream();
    private final TestClock clock = new TestClock();
    private final List<TailInput> inputs = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (TailInput in : inputs) {
            in.close();
        }
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-05T06:00:00Z");

        void advance(Duration d) { now = now.plus(d); }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private InputSpec spec(String extra) throws Exception {
        String yaml = "inputs:\n  - type: tail\n    name: app\n    paths: [" + dir.resolve("logs") + "/*.log]\n"
                + "    poll_interval: 20ms\n    scan_interval: 40ms\n" + extra + "lanes: {default: {}}\n";
        return LOADER.load(new ConfigSource("t.yaml", yaml)).inputs().stream().filter(i -> i.name().equals("app")).findFirst().orElseThrow();
    }

    private TailInput tail(InputSpec spec) throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        TailInput in = new TailInput(TailConfig.from(spec), new InputContext(stream, new SimpleMeterRegistry(), clock, dir.resolve("data")), null, spec);
        inputs.add(in);
        in.start();
        return in;
    }

    private Path write(String text) throws IOException {
        Path f = Files.createDirectories(dir.resolve("logs")).resolve("app.log");
        Files.writeString(f, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return f;
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Gives the tailer a few polls to do what it should not. */
    private static void polls() throws InterruptedException {
        Thread.sleep(200);
    }

    private static final String PART1 = "INFO start\n2026-12-05 06:00:01 ERROR [main] request failed\n"
            + "java.lang.IllegalStateException: boom\n\tat com.example.App.run(App.java:10)\n";
    private static final String PART2 = "\tat com.example.App.main(App.java:3)\nCaused by: java.io.IOException: disk\n\t... 3 more\nINFO next\n";

    @Test
    void configKeysAreReadAndCheckedWithFileLineAndKey() throws Exception {
        InputSpec s = spec("    multiline: [java, {start: '^\\d{4}-', continue: '^\\s'}]\n    flush_timeout: 3s\n    parser: [json, logfmt]\n");
        assertThat(s.options().get("flush_timeout")).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.options().get("multiline")).hasToString("MultilineSpec[rules=[Rule[builtIn=java, startPattern=null, continuePattern=null],"
                + " Rule[builtIn=null, startPattern=^\\d{4}-, continuePattern=^\\s]]]");
        assertThat(s.options().get("parser")).hasToString("[json, logfmt]");
        assertThat(spec("").options().get("flush_timeout")).isEqualTo(Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> spec("    multiline: cobol\n"))
                .hasMessageContaining("t.yaml:7: inputs[0].multiline: unknown multiline rule \"cobol\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> spec("    flush_timeout: 0s\n"))
                .hasMessageContaining("t.yaml:7: inputs[0].flush_timeout");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> spec("    parser: nginx_combind\n"))
                .hasMessageContaining("t.yaml:7: inputs[0].parser").hasMessageContaining("unknown parser");
    }

    @Test
    void anOpenEventIsHeldInTheFileUntilALaterLineClosesIt() throws Exception {
        tail(spec("    multiline: java\n    flush_timeout: 1s\n"));
        write(PART1);
        await(() -> stream.lines().size() >= 1, "the closed first line");
        polls();
        assertThat(stream.lines()).as("the trace may go on: held").containsExactly("INFO start");
        write(PART2);
        await(() -> stream.lines().size() >= 7, "the trace once a line closed it");
        polls();
        assertThat(stream.lines()).as("INFO next may open an event: held").hasSize(7).doesNotContain("INFO next");
        assertThat(stream.submitted.get(1).records().count()).as("the whole trace in one batch, for the router to join").isEqualTo(6);
        clock.advance(Duration.ofMillis(999));
        polls();
        assertThat(stream.lines()).hasSize(7);
        clock.advance(Duration.ofMillis(1));
        await(() -> stream.lines().size() >= 8, "the flush timeout");
        polls();
        assertThat(stream.lines()).hasSize(8).endsWith("INFO next");
    }

    @Test
    void heldLinesAreNotPastThePersistedPositionAndAreReadOnceAfterARestart() throws Exception {
        InputSpec spec = spec("    multiline: java\n");
        TailInput first = tail(spec);
        write(PART1);
        await(() -> stream.lines().size() >= 1, "the closed first line");
        polls();
        first.close();
        String positions = Files.readString(first.positionsFile());
        assertThat(positions).as("the position is after the sent line, before the held ones").contains(" " + "INFO start\n".length() + " -1 0 ");
        assertThat(stream.lines()).containsExactly("INFO start");
        write(PART2);
        tail(spec);
        await(() -> stream.lines().size() >= 7, "the trace after the restart");
        clock.advance(Duration.ofSeconds(1));
        await(() -> stream.lines().size() >= 8, "the flush timeout");
        polls();
        assertThat(stream.lines()).as("every line once").isEqualTo((PART1 + PART2).lines().toList());
    }

    @Test
    void aFullBlockOfOneOpenEventIsSentAsItIs() throws Exception {
        StringBuilder sb = new StringBuilder("java.lang.RuntimeException: deep\n");
        for (int i = 0; sb.length() < 12_000; i++) {
            sb.append("\tat com.example.Deep.m").append(i).append("(Deep.java:1)\n");
        }
        write(sb.toString());
        tail(spec("    multiline: java\n    read_block_bytes: 4KiB\n    max_line_bytes: 1KiB\n"));
        long lines = sb.toString().lines().count();
        await(() -> stream.requests() >= 2, "the blocks the open event filled");
        polls();
        assertThat(stream.requests()).as("the last, not full block is held").isEqualTo(2);
        assertThat(stream.submitted.get(0).records().count()).as("a full block of one open event is not held").isGreaterThan(40);
        assertThat(stream.lines().size()).isLessThan((int) lines);
        clock.advance(Duration.ofSeconds(1));
        await(() -> stream.lines().size() >= lines, "the rest after the flush timeout");
        assertThat(stream.lines()).isEqualTo(sb.toString().lines().toList());
    }

    @Test
    void withoutMultilineNothingIsHeld() throws Exception {
        tail(spec(""));
        write(PART1);
        await(() -> stream.lines().size() >= 4, "every line");
        assertThat(stream.lines()).isEqualTo(PART1.lines().toList());
    }
}
