package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.bench.faults.ChildNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's own logging drivers, run by a real Docker daemon, into a child loglane: the
 * {@code awslogs} driver pointed at the CloudWatch Logs API ({@code awslogs-endpoint}) and the
 * {@code json-file} driver read by {@code type: docker} from the daemon's container directory. Every
 * line a container writes is in SQL once, with the log group as tag and the stream as source, or
 * with the container's name, image and labels.
 *
 * <p>Skipped, with the reason, where no Docker daemon answers, the test image cannot be built (a
 * static busybox, {@link DockerEngine}), the daemon has no AWS credentials in its environment (the
 * awslogs driver refuses to start a container without; any values do), or its container directory
 * is not readable. {@code .ci/run} installs Debian's {@code docker.io} and starts a daemon for it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DockerAwslogsIT {
    private static final String RUN = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    private static final List<String> CONTAINERS = new ArrayList<>();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static DockerEngine docker;
    private static String skipped;
    private static ChildNode node;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startDockerAndLoglane() throws Exception {
        Object engine = DockerEngine.connect(dir);
        if (engine instanceof String why) {
            skipped = why;
            return;
        }
        docker = (DockerEngine) engine;
        // start: tail, so the logs of containers this daemon ran before are not read; the test's own are new files
        node = Nodes.startWithOverlay(dir, """
                inputs:
                  - type: docker
                    name: docker
                    paths: ["%s/*/*-json.log"]
                    start: tail
                    scan_interval: 200ms
                    poll_interval: 50ms
                archive:
                  flush_age: 1s
                """.formatted(docker.containersDir()));
    }

    @AfterAll
    static void stop() throws Exception {
        DockerEngine.remove(CONTAINERS);
        Nodes.stop(node);
    }

    /**
     * Containers on the awslogs driver: a first one creates its log group (the driver creates the
     * stream first and the group on {@code ResourceNotFoundException}) and writes 3 000 lines, a
     * line that is not UTF-8 and one longer than CloudWatch's 256 KiB event (the driver splits it); a
     * second reuses the stream ({@code ResourceAlreadyExistsException}); one joins a stack trace
     * with {@code awslogs-multiline-pattern}; three start at once on a new group (concurrent
     * {@code CreateLogGroup}).
     */
    @Test
    void awslogsDriverDeliversEveryLineOnceUnderTheGroupsTagAndTheStreamAsSource() throws Exception {
        Assumptions.assumeTrue(skipped == null, skipped);
        String group = "/loglane-it/" + RUN + "/app";
        String tag = "loglane-it." + RUN + ".app";
        DockerEngine.Result first = awslogs(group, "main", List.of(), """
                i=0; while [ $i -lt 3000 ]; do echo "aw seq=$i"; i=$((i+1)); done
                echo "aw to stderr" >&2
                printf 'aw bad \\377 byte\\n'
                head -c 300000 /dev/zero | tr '\\0' L; echo
                """);
        Assumptions.assumeFalse(first.err().contains("NoCredentialProviders"),
                "the Docker daemon has no AWS credentials: start dockerd with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set (any values)");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(awslogs(group, "main", List.of(), "echo 'aw again on the same stream'").exitCode()).isZero();
        assertThat(awslogs(group, "trace", List.of("--log-opt", "awslogs-multiline-pattern=^(INFO|ERROR) "), """
                echo "INFO before"; echo "ERROR boom"; echo "  at a.b.C(C.java:1)"; echo "  at d.e.F(F.java:2)"; echo "INFO after"
                """).exitCode()).isZero();
        List<CompletableFuture<DockerEngine.Result>> racing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String stream = "race-" + i;
            racing.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return awslogs(group + "/race", stream, List.of(), "echo 'aw " + stream + "'");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<DockerEngine.Result> r : racing) {
            assertThat(r.get(2, TimeUnit.MINUTES).exitCode()).isZero();
        }

        String where = "FROM logs WHERE tag = '" + tag + "' AND source = 'main'";
        awaitRows("SELECT count(*) " + where, 3000 + 1 + 1 + 2 + 1);
        JsonNode seq = row("SELECT count(*), count(DISTINCT message) " + where + " AND message LIKE 'aw seq=%'");
        assertThat(seq.get(0).asLong()).as("each line once").isEqualTo(3000);
        assertThat(seq.get(1).asLong()).isEqualTo(3000);
        assertThat(rows("SELECT message " + where + " AND message LIKE 'aw %' AND message NOT LIKE 'aw seq=%' ORDER BY message"))
                .containsExactly("aw again on the same stream", "aw bad \uFFFD byte", "aw to stderr");
        // the driver cuts a line at CloudWatch's event limit (256 KiB less 26 bytes): two events, in order
        assertThat(rows("SELECT CAST(length(message) AS VARCHAR) " + where + " AND message LIKE 'LLL%' ORDER BY ts, length(message) DESC"))
                .containsExactly("262118", "37882");
        assertThat(rows("SELECT json_extract_string(attrs, '$.log_group') " + where + " LIMIT 1")).containsExactly(group);

        String trace = "FROM logs WHERE tag = '" + tag + "' AND source = 'trace'";
        awaitRows("SELECT count(*) " + trace, 3);
        assertThat(rows("SELECT message " + trace + " ORDER BY ts, message")).containsExactlyInAnyOrder(
                "INFO before\n", "ERROR boom\n  at a.b.C(C.java:1)\n  at d.e.F(F.java:2)\n", "INFO after\n");

        String race = "FROM logs WHERE tag = '" + tag + ".race'";
        awaitRows("SELECT count(*) " + race, 3);
        assertThat(rows("SELECT source || ' ' || message " + race + " ORDER BY source"))
                .containsExactly("race-0 aw race-0", "race-1 aw race-1", "race-2 aw race-2");
    }

    /**
     * Containers on the json-file driver, read from the daemon's own container directory: 500 lines,
     * one to stderr, one of 40 000 bytes (Docker stores it in 16 KiB parts) and a last one without a
     * newline, with name, image and labels from {@code config.v2.json}; and a container that lives
     * for a few milliseconds.
     */
    @Test
    void jsonFileLinesArriveOnceWithTheContainersNameImageAndLabels() throws Exception {
        Assumptions.assumeTrue(skipped == null, skipped);
        Assumptions.assumeTrue(Files.isReadable(docker.containersDir()), "the daemon's " + docker.containersDir() + " is not readable here");
        String name = "loglane-it-" + RUN + "-jf";
        String brief = "loglane-it-" + RUN + "-brief";
        DockerEngine.Result r = jsonFile(name, List.of("--label", "team=blue", "--label", "app=shop"), """
                i=0; while [ $i -lt 500 ]; do echo "jf seq=$i"; i=$((i+1)); done
                echo "jf to stderr" >&2
                head -c 40000 /dev/zero | tr '\\0' Z; echo
                printf 'jf last line without a newline'
                """);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(jsonFile(brief, List.of(), "echo 'jf brief life'").exitCode()).isZero();
        String id = DockerEngine.docker("inspect", "--format", "{{.Id}}", name).out().strip();

        String where = "FROM logs WHERE container_name = '" + name + "'";
        awaitRows("SELECT count(*) " + where, 500 + 1 + 1 + 1);
        JsonNode seq = row("SELECT count(*), count(DISTINCT message) " + where + " AND message LIKE 'jf seq=%' AND source = 'stdout'");
        assertThat(seq.get(0).asLong()).as("each line once").isEqualTo(500);
        assertThat(seq.get(1).asLong()).isEqualTo(500);
        assertThat(rows("SELECT source || ' ' || message " + where + " AND message NOT LIKE 'jf seq=%' AND message NOT LIKE 'ZZZ%' ORDER BY 1"))
                .containsExactly("stderr jf to stderr", "stdout jf last line without a newline");
        assertThat(rows("SELECT CAST(length(message) AS VARCHAR) " + where + " AND message LIKE 'ZZZ%'")).as("its 16 KiB parts joined")
                .containsExactly("40000");
        assertThat(rows("SELECT DISTINCT tag || ' ' || container_id || ' ' || json_extract_string(attrs, '$.container_image') || ' '"
                + " || json_extract_string(attrs, '$.container_labels.team') || ' ' || json_extract_string(attrs, '$.container_labels.app') " + where))
                .containsExactly("docker." + name + " " + id + " " + DockerEngine.IMAGE + " blue shop");

        awaitRows("SELECT count(*) FROM logs WHERE container_name = '" + brief + "'", 1);
        assertThat(rows("SELECT message FROM logs WHERE container_name = '" + brief + "'")).containsExactly("jf brief life");
    }

    /** {@code docker run --rm} on the awslogs driver pointed at the node, one log group and stream; waits for the container. */
    private static DockerEngine.Result awslogs(String group, String stream, List<String> extra, String script) throws Exception {
        String container = "loglane-it-" + RUN + "-aw-" + SEQ.incrementAndGet();
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", container, "--network", "none", "--log-driver", "awslogs",
                "--log-opt", "awslogs-endpoint=http://127.0.0.1:" + node.httpPort, "--log-opt", "awslogs-region=us-east-1",
                "--log-opt", "awslogs-group=" + group, "--log-opt", "awslogs-stream=" + stream,
                "--log-opt", "awslogs-create-group=true"));
        args.addAll(extra);
        args.addAll(List.of(DockerEngine.IMAGE, "sh", "-c", script));
        synchronized (CONTAINERS) {
            CONTAINERS.add(container);
        }
        return DockerEngine.docker(args.toArray(String[]::new));
    }

    /** {@code docker run} on the json-file driver (kept until the class ends, so its log stays where the input reads it). */
    private static DockerEngine.Result jsonFile(String name, List<String> extra, String script) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--name", name, "--network", "none", "--log-driver", "json-file"));
        args.addAll(extra);
        args.addAll(List.of(DockerEngine.IMAGE, "sh", "-c", script));
        synchronized (CONTAINERS) {
            CONTAINERS.add(name);
        }
        return DockerEngine.docker(args.toArray(String[]::new));
    }

    /** Flushes and polls {@code countSql} until it reaches {@code expected} (at most 60 s), then once more after a pause: no more arrive. */
    private static void awaitRows(String countSql, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            node.flush();
            seen = row(countSql).get(0).asLong();
            if (seen >= expected) {
                break;
            }
            Thread.sleep(500);
        }
        Thread.sleep(1000); // anything beyond would be a duplicate
        node.flush();
        assertThat(row(countSql).get(0).asLong()).as("%s (log: %s)", countSql, node.tailOfLog()).isEqualTo(expected);
    }

    private static JsonNode row(String sql) throws Exception {
        return node.sql(sql).get("rows").get(0);
    }

    private static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        node.sql(sql).get("rows").forEach(r -> out.add(r.get(0).asText()));
        return out;
    }
}
