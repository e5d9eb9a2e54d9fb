package io.loglane.inputs.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.ingest.SourceStatus;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.inputs.tail.FakeStream;
import io.loglane.inputs.tail.LineFormat;
import io.loglane.inputs.tail.TailConfig;
import io.loglane.inputs.tail.TailInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.value.Value;

/**
 * {@code type: docker} and {@code type: cri} against files laid out as Docker's json-file driver
 * and the kubelet/containerd lay them out (written by this test in a temp directory), through a
 * real {@link TailInput} and the tail's stream double, which de-duplicates by chunk id as a lane does.
 */
class ContainerInputsTest {
    private static final String ID = "3f4e8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f";
    private static final String UID = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";

    @TempDir Path dir;
    private final FakeStream stream = new FakeStream();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<TailInput> inputs = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (TailInput in : inputs) {
            in.close();
        }
    }

    private TailInput input(String glob, LineFormat format, int maxLine) throws IOException {
        return input(glob, format, maxLine, Duration.ofMillis(300));
    }

    private TailInput input(String glob, LineFormat format, int maxLine, Duration partialFlush) throws IOException {
        TailConfig c = new TailConfig("c", List.of(glob), List.of(), "unused", true, maxLine, (int) ContainerKeys.blockFor(maxLine), 64L << 20,
                Duration.ofMillis(40), Duration.ofMillis(20), partialFlush, Duration.ofMillis(300));
        TailInput in = new TailInput(c, new InputContext(stream, registry, Clock.systemUTC(), dir.resolve("data")), format);
        inputs.add(in);
        in.start();
        return in;
    }

    // ---- Docker json-file ----

    private Path dockerRoot() throws IOException { return Files.createDirectories(dir.resolve("docker/containers")); }

    /** {@code <root>/<id>/<id>-json.log}, with {@code config.v2.json} beside it when {@code name} is not null. */
    private Path container(String id, String name) throws IOException {
        Path d = Files.createDirectories(dockerRoot().resolve(id));
        if (name != null) {
            writeConfig(d, name);
        }
        return d.resolve(id + "-json.log");
    }

    private static void writeConfig(Path containerDir, String name) throws IOException {
        Files.writeString(containerDir.resolve("config.v2.json"), "{\"ID\":\"" + containerDir.getFileName() + "\",\"Name\":\"/" + name
                + "\",\"Config\":{\"Hostname\":\"3f4e8a9b0c1d\",\"Image\":\"nginx:1.27\",\"Labels\":{\"app\":\"web\",\"tier\":\"front\"}},"
                + "\"State\":{\"Running\":true}}");
    }

    /** One json-file line, as Docker writes it (JSON-escaped {@code log}). */
    private static String dockerLine(String log, String stream, Instant t) {
        return "{\"log\":\"" + log.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t")
                + "\",\"stream\":\"" + stream + "\",\"time\":\"" + t + "\"}\n";
    }

    private static void append(Path f, String text) throws IOException {
        Files.writeString(f, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private String dockerGlob() throws IOException { return dockerRoot() + "/*/*-json.log"; }

    @Test
    void dockerLinesBecomeRecordsWithTheirStreamTimeAndContainerMetadata() throws Exception {
        Path log = container(ID, "web");
        Instant t0 = Instant.parse("2026-12-05T05:00:00.123456789Z");
        append(log, dockerLine("GET / 200\n", "stdout", t0) + dockerLine("oops \"quoted\"\ttab\n", "stderr", t0.plusSeconds(1)));
        input(dockerGlob(), new DockerFormat(false), 1 << 20);
        await(() -> stream.lines().size() >= 2, "2 records");
        Map<String, Value> first = stream.stored.get(0);
        assertThat(first.get("log").asStringValue().asString()).isEqualTo("GET / 200");
        assertThat(first.get("source").asStringValue().asString()).isEqualTo("stdout");
        assertThat(first.get("container_id").asStringValue().asString()).isEqualTo(ID);
        assertThat(first.get("container_name").asStringValue().asString()).isEqualTo("web");
        assertThat(first.get("container_image").asStringValue().asString()).isEqualTo("nginx:1.27");
        assertThat(first.get("container_labels").toString()).isEqualTo("{\"app\":\"web\",\"tier\":\"front\"}");
        assertThat(stream.lines().get(1)).isEqualTo("oops \"quoted\"\ttab");
        assertThat(stream.stored.get(1).get("source").asStringValue().asString()).isEqualTo("stderr");
        var cursor = stream.submitted.get(0).records().cursor();
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.tsNanos()).isEqualTo(t0.getEpochSecond() * 1_000_000_000L + t0.getNano());
        assertThat(stream.submitted.get(0).tag()).isEqualTo("docker.web");
    }

    @Test
    void aLineDockerSplitAt16KiBIsJoinedPerStreamAndBoundedByMaxLineBytes() throws Exception {
        Path log = container(ID, null);
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        String a = "a".repeat(16 * 1024);
        String b = "b".repeat(16 * 1024);
        // two parts of a stdout line with a whole stderr line between them, then the last part
        append(log, dockerLine(a, "stdout", t) + dockerLine("err\n", "stderr", t) + dockerLine(b, "stdout", t)
                + dockerLine("end\n", "stdout", t.plusMillis(1)) + dockerLine(a, "stdout", t) + dockerLine(a, "stdout", t)
                + dockerLine(a, "stdout", t) + dockerLine("tail\n", "stdout", t));
        input(dockerGlob(), new DockerFormat(false), 40_000);
        await(() -> stream.lines().size() >= 3, "3 records");
        Thread.sleep(150);
        assertThat(stream.lines()).containsExactly("err", a + b + "end", (a + a + a).substring(0, 40_000));
        assertThat(stream.stored.get(1).get("truncated")).isNull();
        assertThat(stream.stored.get(2).get("truncated").asBooleanValue().getBoolean()).isTrue();
        assertThat(stream.submitted.get(0).tag()).as("no config.v2.json: the short id").isEqualTo("docker." + ID.substring(0, 12));
        assertThat(stream.stored.get(0).get("container_name")).isNull();
    }

    @Test
    void theFirstPartsOfALineAreNotStoredBeforeItsLastPartIsWritten() throws Exception {
        Path log = container(ID, "web");
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        String a = "a".repeat(16 * 1024);
        append(log, dockerLine("first\n", "stdout", t) + dockerLine(a, "stdout", t) + dockerLine(a, "stdout", t));
        input(dockerGlob(), new DockerFormat(false), 1 << 20, Duration.ofSeconds(30));
        await(() -> stream.lines().size() >= 1, "1 record");
        Thread.sleep(200); // ten polls: the parts are read again each time and left for the next batch
        assertThat(stream.lines()).containsExactly("first");
        append(log, dockerLine("b\n", "stdout", t));
        await(() -> stream.lines().size() >= 2, "2 records");
        Thread.sleep(150);
        assertThat(stream.lines()).containsExactly("first", a + a + "b");
    }

    @Test
    void aSplitLineLongerThanMaxLineBytesIsCutAndTheReaderMovesOn() throws Exception {
        Path log = container(ID, null);
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        String a = "a".repeat(16 * 1024);
        append(log, lines("x", 0, 1, t));
        input(dockerGlob(), new DockerFormat(false), 20_000); // blocks of 104 KiB hold six parts of 16 KiB, not eight
        await(() -> stream.lines().size() >= 1, "1 record");
        append(log, dockerLine(a, "stdout", t).repeat(8) + dockerLine("end\n", "stdout", t) + lines("x", 1, 2, t));
        await(() -> stream.lines().contains("x1"), "the line after");
        Thread.sleep(150);
        // the parts one block holds are joined and cut at max_line_bytes; the rest of the line is a record of its own
        assertThat(stream.lines()).containsExactly("x0", "a".repeat(20_000), "a".repeat(20_000), "x1");
        assertThat(stream.stored.get(1).get("truncated").asBooleanValue().getBoolean()).isTrue();
        assertThat(stream.stored.get(2).get("truncated").asBooleanValue().getBoolean()).isTrue();
    }

    @Test
    void badDockerLinesAreRejectedInTheLedgerWithTheirReasonAndTheReaderGoesOn() throws Exception {
        Path log = container(ID, "web");
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        String half = dockerLine("half a line that was cut off\n", "stdout", t).substring(0, 20);
        append(log, dockerLine("before\n", "stdout", t) + half + "\n" + "not json at all\n"
                + "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"yesterday\"}\n" + dockerLine("after\n", "stdout", t));
        TailInput in = input(dockerGlob(), new DockerFormat(false), 1 << 20);
        await(() -> stream.lines().size() >= 3, "3 records");
        Thread.sleep(150);
        assertThat(stream.lines()).containsExactly("before", "x", "after");
        assertThat(problems(ContainerProblems.INVALID_JSON)).isEqualTo(2);
        assertThat(problems(ContainerProblems.BAD_TIME)).isEqualTo(1);
        SourceStatus s = ledger(log);
        assertThat(s.received()).isEqualTo(5);
        assertThat(s.accepted()).isEqualTo(3);
        assertThat(s.rejected()).isEqualTo(Map.of(ContainerProblems.INVALID_JSON, 2L));
        assertThat(in.describe()).isEqualTo("docker " + dockerGlob());
    }

    @Test
    void aBlockOfOnlyBadDockerLinesIsSkippedAndCountedAndTheNextLinesAreRead() throws Exception {
        Path log = container(ID, "web");
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        append(log, "garbage 1\n{\"log\":\"half\n");
        input(dockerGlob(), new DockerFormat(false), 1 << 20);
        await(() -> problems(ContainerProblems.INVALID_JSON) >= 2, "2 bad lines counted");
        append(log, dockerLine("after\n", "stdout", t));
        await(() -> stream.lines().size() >= 1, "1 record");
        Thread.sleep(150);
        assertThat(stream.lines()).containsExactly("after");
        SourceStatus s = ledger(log);
        assertThat(s.received()).isEqualTo(3);
        assertThat(s.rejected()).isEqualTo(Map.of(ContainerProblems.INVALID_JSON, 2L));
        assertThat(problems(ContainerProblems.INVALID_JSON)).isEqualTo(2);
    }

    /** The ledger entry of the file at {@code path} (its peer is the path and device:inode). */
    private SourceStatus ledger(Path path) {
        return stream.sources().statuses().stream().filter(s -> s.peer().startsWith(path + " (")).findFirst().orElseThrow();
    }

    @Test
    void dockerRotationAShortLivedContainerAndAFileDeletedRightAfterWritingLoseNothing() throws Exception {
        Path log = container(ID, "web");
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        append(log, lines("r", 0, 100, t));
        TailInput in = input(dockerGlob(), new DockerFormat(false), 4096); // blocks of 4 KiB: a file is read in many batches
        await(() -> stream.lines().size() >= 100, "100 records");
        // Docker's rotation: -json.log -> -json.log.1, a new -json.log
        append(log, lines("r", 100, 200, t));
        Files.move(log, log.resolveSibling(log.getFileName() + ".1"));
        append(log, lines("r", 200, 300, t));
        // a container that lived for a moment: created, wrote, gone (docker rm) while the tail holds it open
        String shortId = "0".repeat(63) + "1";
        Path brief = container(shortId, "once");
        append(brief, lines("s", 0, 3, t));
        await(() -> stream.lines().size() >= 303, "303 records");
        // held open: appended then deleted at once, the rest is still read
        CompletableFuture<Void> release = new CompletableFuture<>();
        stream.gate = r -> r.tag().equals("docker.once") ? release.thenApply(v -> stream.store(r)) : null;
        append(brief, lines("s", 3, 2000, t));
        await(() -> stream.submitted.stream().filter(r -> r.tag().equals("docker.once")).count() >= 2, "the next batch in flight");
        Files.delete(brief);
        Files.delete(brief.resolveSibling("config.v2.json"));
        Files.delete(brief.getParent());
        release.complete(null);
        stream.gate = r -> null;
        await(() -> stream.lines().size() >= 2300, "2300 records");
        Thread.sleep(150);
        // the rotated file's rest and the new file are read side by side: each line once, in any order across the two
        assertThat(stream.lines().stream().filter(l -> l.startsWith("r")).toList()).hasSize(300).containsExactlyInAnyOrderElementsOf(expected("r", 0, 300));
        assertThat(stream.lines().stream().filter(l -> l.startsWith("s")).toList()).isEqualTo(expected("s", 0, 2000));
        assertThat(stream.stored.get(stream.stored.size() - 1).get("container_name").asStringValue().asString())
                .as("the metadata of a removed container stays").isEqualTo("once");
        assertThat(in.positionsFile()).exists();
    }

    @Test
    void aRenamedContainerIsNoticedByItsChangedConfig() throws Exception {
        Path log = container(ID, "web");
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        append(log, lines("n", 0, 1, t));
        input(dockerGlob(), new DockerFormat(true), 1 << 20);
        await(() -> stream.lines().size() >= 1, "1 record");
        Thread.sleep(20); // a later modification time
        writeConfig(log.getParent(), "web-renamed-by-docker-rename");
        append(log, lines("n", 1, 2, t));
        await(() -> stream.lines().size() >= 2, "2 records");
        assertThat(stream.stored.get(0).get("container_name").asStringValue().asString()).isEqualTo("web");
        assertThat(stream.stored.get(1).get("container_name").asStringValue().asString()).isEqualTo("web-renamed-by-docker-rename");
        assertThat(stream.submitted.get(0).tag()).as("a written tag is kept").isEqualTo("unused");
    }

    @Test
    void aCrashWithABatchStoredButNotAcknowledgedStoresItOnceWhenReadAgain() throws Exception {
        Path log = container(ID, "web");
        Instant t = Instant.parse("2026-12-05T05:00:00Z");
        String split = "p".repeat(16 * 1024);
        append(log, lines("k", 0, 10, t));
        TailInput first = input(dockerGlob(), new DockerFormat(false), 1 << 20);
        await(() -> stream.lines().size() >= 10, "10 records");
        Path positions = first.positionsFile();
        Path crashState = dir.resolve("positions-at-crash");
        stream.crashAfterStoring(positions, crashState); // stored, never acknowledged: the process dies first
        append(log, dockerLine(split, "stdout", t) + dockerLine("q\n", "stdout", t) + lines("k", 10, 20, t));
        await(() -> stream.lines().size() >= 21 && Files.exists(crashState), "the batch stored");
        first.close();
        Files.copy(crashState, positions, StandardCopyOption.REPLACE_EXISTING); // what kill -9 leaves
        stream.gate = r -> null;
        append(log, lines("k", 20, 30, t));
        input(dockerGlob(), new DockerFormat(false), 1 << 20);
        await(() -> stream.lines().size() >= 31, "31 records");
        Thread.sleep(150);
        List<String> want = new ArrayList<>(expected("k", 0, 10));
        want.add(split + "q");
        want.addAll(expected("k", 10, 30));
        assertThat(stream.lines()).isEqualTo(want);
    }

    private static String lines(String prefix, int from, int to, Instant t) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(dockerLine(prefix + i + "\n", i % 2 == 0 ? "stdout" : "stderr", t));
        }
        return sb.toString();
    }

    // ---- Kubernetes CRI ----

    /** {@code <root>/pods/<ns>_<pod>_<uid>/<container>/0.log} and its {@code <root>/containers} link. */
    private Path podLog(String ns, String pod, String container, String containerId) throws IOException {
        Path f = Files.createDirectories(dir.resolve("log/pods/" + ns + "_" + pod + "_" + UID + "/" + container)).resolve("0.log");
        Files.createFile(f);
        Path links = Files.createDirectories(dir.resolve("log/containers"));
        Files.createSymbolicLink(links.resolve(pod + "_" + ns + "_" + container + "-" + containerId + ".log"), f);
        return f;
    }

    @Test
    void criLinesArePartsJoinedWithTheirPodMetadataFromThePath() throws Exception {
        Path log = podLog("shop", "checkout-7d9f8b6c5-x2x4q", "app", ID);
        append(log, "2026-12-05T05:00:00.000000001Z stdout F hello world\n"
                + "2026-12-05T05:00:01.5Z stderr P part one, \n"
                + "2026-12-05T05:00:01.6Z stdout F between\n"
                + "2026-12-05T05:00:01.7Z stderr P part two, \n"
                + "2026-12-05T05:00:01.8Z stderr F end\n"
                + "2026-12-05T05:00:02+01:00 stdout F \n");
        input(dir.resolve("log/pods") + "/*/*/*.log", new CriFormat(false), 1 << 20);
        await(() -> stream.lines().size() >= 4, "4 records");
        Thread.sleep(150);
        assertThat(stream.lines()).containsExactly("hello world", "between", "part one, part two, end", "");
        Map<String, Value> r = stream.stored.get(0);
        assertThat(r.get("source").asStringValue().asString()).isEqualTo("stdout");
        assertThat(r.get("k8s_namespace").asStringValue().asString()).isEqualTo("shop");
        assertThat(r.get("k8s_pod").asStringValue().asString()).isEqualTo("checkout-7d9f8b6c5-x2x4q");
        assertThat(r.get("k8s_pod_uid").asStringValue().asString()).isEqualTo(UID);
        assertThat(r.get("k8s_container").asStringValue().asString()).isEqualTo("app");
        assertThat(r.get("container_name").asStringValue().asString()).isEqualTo("app");
        assertThat(r.get("container_id")).as("not in the pods path").isNull();
        assertThat(stream.stored.get(2).get("source").asStringValue().asString()).isEqualTo("stderr");
        var cursor = stream.submitted.get(0).records().cursor();
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.tsNanos()).isEqualTo(Instant.parse("2026-12-05T05:00:00Z").getEpochSecond() * 1_000_000_000L + 1);
        assertThat(stream.submitted.get(0).tag()).isEqualTo("kube.shop.checkout-7d9f8b6c5-x2x4q.app");
    }

    @Test
    void theContainersSymlinkGivesTheContainerIdAndTheTargetTheUid() throws Exception {
        Path log = podLog("kube-system", "coredns-5d78c9869d-abcde", "coredns", ID);
        append(log, "2026-12-05T05:00:00Z stdout F [INFO] plugin/reload\n");
        input(dir.resolve("log/containers") + "/*.log", new CriFormat(false), 1 << 20);
        await(() -> stream.lines().size() >= 1, "1 record");
        Map<String, Value> r = stream.stored.get(0);
        assertThat(r.get("container_id").asStringValue().asString()).isEqualTo(ID);
        assertThat(r.get("k8s_pod_uid").asStringValue().asString()).isEqualTo(UID);
        assertThat(r.get("k8s_namespace").asStringValue().asString()).isEqualTo("kube-system");
        assertThat(r.get("k8s_container").asStringValue().asString()).isEqualTo("coredns");
    }

    @Test
    void badCriLinesAreRejectedInTheLedgerWithTheirReasonAndTheReaderGoesOn() throws Exception {
        Path log = podLog("shop", "web-0", "app", ID);
        append(log, "2026-12-05T05:00:00Z stdout F ok 1\n"
                + "2026-12-05T05:00:00Z stdout X bad flag\n"
                + "no time at all\n"
                + "2026-12-05T05:00:00Z stdin F other stream\n"
                + "2026-12-05T05:00:00Z stdout F ok 2\n");
        TailInput in = input(dir.resolve("log/pods") + "/*/*/*.log", new CriFormat(false), 1 << 20);
        await(() -> stream.lines().size() >= 2, "2 records");
        Thread.sleep(150);
        assertThat(stream.lines()).containsExactly("ok 1", "ok 2");
        assertThat(problems(ContainerProblems.BAD_CRI_LINE)).isEqualTo(3);
        SourceStatus s = ledger(log);
        assertThat(s.received()).isEqualTo(5);
        assertThat(s.accepted()).isEqualTo(2);
        assertThat(s.rejected()).isEqualTo(Map.of(ContainerProblems.BAD_CRI_LINE, 3L));
        assertThat(in.describe()).startsWith("cri ");
    }

    private long problems(String reason) {
        Counter c = registry.find("loglane.tail.problems").tag("reason", reason).counter();
        return c == null ? 0 : (long) c.count();
    }

    private static List<String> expected(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
