package io.loglane.bench.faults;

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
 * loglane running as {@code loglane up} in a child JVM (on this JVM's classpath, or from a given
 * jar), so tests and the fault harness can kill it with SIGKILL, freeze it with SIGSTOP and start it
 * again on the same data directory and ports.
 *
 * <p>Thread-safety: not thread-safe; one test thread drives it.
 */
public final class ChildNode implements AutoCloseable, IdempotentHttpClient.Endpoint {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final Path data;
    /** The JVM arguments before {@code up ...}: a classpath and main class, or {@code -jar} and a jar. */
    private final List<String> launcher;
    private final List<Path> configs;
    public final int httpPort;
    public final int forwardPort;
    private final Path log;
    private Process process;
    private int starts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ChildNode(Path data, List<Path> configs, Path log) throws IOException {
        this(data, configs, log, List.of("-cp", System.getProperty("java.class.path"), "io.loglane.app.cli.Main"));
    }

    /** A node started from {@code jar} (as {@code ./loglane up} runs it) with {@code -Xmx heap}. */
    public static ChildNode fromJar(Path jar, String heap, Path data, List<Path> configs, Path log) throws IOException {
        return new ChildNode(data, configs, log, List.of("-Xmx" + heap, "-jar", jar.toString()));
    }

    private ChildNode(Path data, List<Path> configs, Path log, List<String> launcher) throws IOException {
        this.launcher = launcher;
        this.data = data;
        this.configs = configs;
        this.log = log;
        this.httpPort = freePort();
        this.forwardPort = freePort();
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("config").resolve("loglane.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root with config/loglane.yaml not found");
        }
        return p;
    }

    /** {@code loglane <args>} as {@code ./loglane} runs it: this JVM's classpath, LOGLANE_HOME at the repository root. */
    private static ProcessBuilder loglane(List<String> args) {
        return loglane(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.loglane.app.cli.Main"), args);
    }

    private static ProcessBuilder loglane(List<String> launcher, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        if (launcher.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
            cmd.add("-Xmx512m");
        }
        cmd.addAll(launcher);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LOGLANE_HOME", repoRoot().toString());
        return pb;
    }

    /** Exit code and output of a command run to completion. */
    public record CliRun(int exitCode, String out, String err) {}

    /**
     * Runs {@code loglane <args>} in a child JVM to completion, at most {@code timeout}; {@code dir}
     * receives its stdout and stderr files.
     */
    public static CliRun run(Path dir, Duration timeout, String... args) throws IOException, InterruptedException {
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
    public record LogLine(String text, long end) {}

    public void start() throws IOException, InterruptedException {
        start(List.of());
    }

    /** Starts the child with {@code extraConfigs} layered over this node's configuration files, for this run only; waits until it is ready. */
    public void start(List<Path> extraConfigs) throws IOException, InterruptedException {
        launch(extraConfigs);
        awaitReady();
    }

    /** Starts the child process and returns at once, before it serves anything. */
    public void launch(List<Path> extraConfigs) throws IOException {
        List<String> args = new ArrayList<>(List.of("up", "--data", data.toString(),
                "--http-port", String.valueOf(httpPort), "--forward-port", String.valueOf(forwardPort)));
        List<Path> all = new ArrayList<>(configs);
        all.addAll(extraConfigs);
        for (Path c : all) {
            args.add("--config");
            args.add(c.toString());
        }
        ProcessBuilder pb = loglane(launcher, args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "\n===== start " + (++starts) + " =====\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        process = pb.start();
    }

    /**
     * Longest wait for a start to be ready. Generous because it bounds only a wait, never what a
     * test checks: on this 2-core machine shared with other builds (load average 38) a start
     * after {@code kill -9} took 59 s and then over 60 s (DockerKill9IT, stop 14), the child's log
     * progressing all along (JVM start to first line 18–26 s, stream recovered to HTTP listening
     * 29–33 s), where it takes a few seconds on an idle machine.
     */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /** Waits until {@code GET /readyz} answers 200: recovery done, HTTP and Forward listening. */
    public void awaitReady() throws IOException, InterruptedException {
        long until = System.nanoTime() + READY_TIMEOUT.toNanos();
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
        throw new IOException("loglane not ready in " + READY_TIMEOUT.toSeconds() + " s:\n" + tailOfLog());
    }

    /** True when a TCP connection to the Forward port is accepted now. */
    public boolean forwardListening() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", forwardPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The data directory. */
    public Path data() { return data; }

    /** The running child's process id. */
    public long pid() { return process.pid(); }

    /** True while the child process runs. */
    public boolean alive() { return process != null && process.isAlive(); }

    /** SIGSTOP: the child freezes (its sockets stay open, nothing is read or answered) until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException { signal("STOP"); }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException { signal("CONT"); }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
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
    public int sigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("loglane did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGTERM and wait for the graceful shutdown. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public HttpResponse<String> post(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public void flush() throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/flush", "", Map.of());
        if (r.statusCode() != 200) {
            throw new IOException("flush → " + r.statusCode() + " " + r.body());
        }
    }

    public JsonNode sql(String sql) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/sql", JSON.writeValueAsString(Map.of("sql", sql)), Map.of("Content-Type", "application/json"));
        if (r.statusCode() != 200) {
            throw new IOException("sql → " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    public String tailOfLog() throws IOException {
        String s = Files.readString(log);
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    public String fullLog() throws IOException {
        return Files.readString(log);
    }

    /** Current length of the log: whatever the child logs from now on starts at or after it. */
    public long logLength() throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** The log from byte offset {@code from} on. */
    public String logSince(long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
    }

    /**
     * Waits for the first complete log line at or after byte offset {@code from} that contains
     * {@code needle}; null if none appears within {@code timeout} or the child dies first. Polls every
     * millisecond, so a caller can act (kill the child) while the work the line announces still runs.
     */
    public LogLine awaitLogLine(long from, String needle, Duration timeout) throws IOException, InterruptedException {
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

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
