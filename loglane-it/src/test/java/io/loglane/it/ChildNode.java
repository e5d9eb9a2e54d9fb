package io.loglane.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * loglane running as {@code loglane up} in a child JVM on this test's classpath, so tests can kill
 * it with SIGKILL and start it again on the same data directory and ports.
 *
 * <p>Thread-safety: not thread-safe; one test thread drives it.
 */
final class ChildNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final Path data;
    private final List<Path> configs;
    final int httpPort;
    final int forwardPort;
    private final Path log;
    private Process process;
    private int starts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ChildNode(Path data, List<Path> configs, Path log) throws IOException {
        this.data = data;
        this.configs = configs;
        this.log = log;
        this.httpPort = freePort();
        this.forwardPort = freePort();
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("config").resolve("loglane.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root with config/loglane.yaml not found");
        }
        return p;
    }

    /** {@code loglane <args>} as {@code ./loglane} runs it: this test's classpath, LOGLANE_HOME at the repository root. */
    private static ProcessBuilder loglane(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.loglane.app.cli.Main"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LOGLANE_HOME", repoRoot().toString());
        return pb;
    }

    /** Exit code and output of a command run to completion. */
    record CliRun(int exitCode, String out, String err) {}

    /**
     * Runs {@code loglane <args>} in a child JVM to completion, at most {@code timeout}; {@code dir}
     * receives its stdout and stderr files.
     */
    static CliRun run(Path dir, Duration timeout, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        Process p = loglane(List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("loglane " + String.join(" ", args) + " did not finish in " + timeout + ":\n" + Files.readString(err));
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A line of the child's log and the byte offset just after it. */
    record LogLine(String text, long end) {}

    void start() throws IOException, InterruptedException {
        start(List.of());
    }

    /** Starts the child with {@code extraConfigs} layered over this node's configuration files, for this run only; waits until it is ready. */
    void start(List<Path> extraConfigs) throws IOException, InterruptedException {
        launch(extraConfigs);
        awaitReady();
    }

    /** Starts the child process and returns at once, before it serves anything. */
    void launch(List<Path> extraConfigs) throws IOException {
        List<String> args = new ArrayList<>(List.of("up", "--data", data.toString(),
                "--http-port", String.valueOf(httpPort), "--forward-port", String.valueOf(forwardPort)));
        List<Path> all = new ArrayList<>(configs);
        all.addAll(extraConfigs);
        for (Path c : all) {
            args.add("--config");
            args.add(c.toString());
        }
        ProcessBuilder pb = loglane(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "\n===== start " + (++starts) + " =====\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        process = pb.start();
    }

    /** Waits until {@code GET /readyz} answers 200: recovery done, HTTP and Forward listening. */
    void awaitReady() throws IOException, InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IOException("loglane exited with " + process.exitValue() + ":\n" + tailOfLog());
            }
            try {
                if (get("/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IOException("loglane not ready in 60 s:\n" + tailOfLog());
    }

    /** True when a TCP connection to the Forward port is accepted now. */
    boolean forwardListening() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", forwardPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child did not die");
        }
    }

    /**
     * SIGTERM ({@link Process#destroy()} on Linux) and wait for the graceful shutdown, at most
     * {@code timeout}.
     *
     * @return the exit code
     * @throws IllegalStateException when the process is still running after {@code timeout} (it is then killed)
     */
    int sigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("loglane did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGTERM and wait for the graceful shutdown. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void flush() throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/flush", "", Map.of());
        if (r.statusCode() != 200) {
            throw new IOException("flush → " + r.statusCode() + " " + r.body());
        }
    }

    JsonNode sql(String sql) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/sql", JSON.writeValueAsString(Map.of("sql", sql)), Map.of("Content-Type", "application/json"));
        if (r.statusCode() != 200) {
            throw new IOException("sql → " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    String tailOfLog() throws IOException {
        String s = Files.readString(log);
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    String fullLog() throws IOException {
        return Files.readString(log);
    }

    /** Current length of the log: whatever the child logs from now on starts at or after it. */
    long logLength() throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** The log from byte offset {@code from} on. */
    String logSince(long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
    }

    /**
     * Waits for the first complete log line at or after byte offset {@code from} that contains
     * {@code needle}; null if none appears within {@code timeout} or the child dies first. Polls every
     * millisecond, so a caller can act (kill the child) while the work the line announces still runs.
     */
    LogLine awaitLogLine(long from, String needle, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[64 * 1024];
        StringBuilder pending = new StringBuilder(); // ISO-8859-1: one char per byte, so offsets stay exact
        long pos = from;
        try (RandomAccessFile raf = new RandomAccessFile(log.toFile(), "r")) {
            while (System.nanoTime() < deadline && process.isAlive()) {
                long len = raf.length();
                if (len <= pos + pending.length()) {
                    Thread.sleep(1);
                    continue;
                }
                raf.seek(pos + pending.length());
                int n = raf.read(buf, 0, (int) Math.min(buf.length, len - pos - pending.length()));
                pending.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                int nl;
                while ((nl = pending.indexOf("\n")) >= 0) {
                    String line = pending.substring(0, nl);
                    pending.delete(0, nl + 1);
                    pos += nl + 1;
                    if (line.contains(needle)) {
                        return new LogLine(line, pos);
                    }
                }
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
