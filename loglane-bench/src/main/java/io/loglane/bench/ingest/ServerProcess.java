package io.loglane.bench.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A loglane server in a child JVM, as {@code ./loglane up} runs it, so the benchmark can read its
 * CPU time and peak RSS from {@code /proc} and talk to it only over its real ports.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class ServerProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final int httpPort;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param jvmOptions extra flags for the child JVM (GC choice, JFR, ...), placed before {@code -jar} */
    public ServerProcess(Path jar, Path home, Path data, List<Path> configs, int httpPort, int forwardPort, String heap, List<String> jvmOptions,
                  Path log) throws IOException, InterruptedException {
        this.httpPort = httpPort;
        this.log = log;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx" + heap));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "up",
                "--data", data.toString(), "--http-port", String.valueOf(httpPort), "--forward-port", String.valueOf(forwardPort)));
        for (Path c : configs) {
            cmd.add("--config");
            cmd.add(c.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LOGLANE_HOME", home.toString());
        process = pb.start();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IOException("server exited with " + process.exitValue() + "; its log ends:\n" + tail(log, 30));
            }
            try {
                if (get("/healthz").statusCode() == 200 && Files.readString(log).contains("ready")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("server not ready within 60 s; its log ends:\n" + tail(log, 30));
    }

    /** The last {@code n} lines of the server's log (the bench deletes its work directory when done). */
    private static String tail(Path log, int n) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    public long pid() { return process.pid(); }

    /** The HTTP port it listens on (127.0.0.1). */
    public int httpPort() { return httpPort; }

    /** User + system CPU seconds the server has used so far. */
    public double cpuSeconds() throws IOException {
        return cpuSeconds(pid());
    }

    /** User + system CPU seconds of the live process {@code pid}, from {@code /proc}. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (100 Hz)
    }

    /** {@link #cpuSeconds(long)}, or {@code previous} when the process has just exited. */
    static double cpuSecondsOf(long pid, double previous) {
        try {
            return cpuSeconds(pid);
        } catch (IOException | RuntimeException e) {
            return previous;
        }
    }

    /** Peak resident set size in MiB (VmHWM). */
    public double peakRssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode post(String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " → " + r.statusCode() + ": " + r.body() + "; server log ends:\n" + tail(log, 40));
        }
        return JSON.readTree(r.body());
    }

    /** Runs a query and returns the first column of the first row as a long. */
    public long sqlLong(String sql) throws IOException, InterruptedException {
        return post("/api/v1/sql", Map.of("sql", sql)).get("rows").get(0).get(0).asLong();
    }

    /** Sum of a Prometheus counter over all its series. */
    public double metric(String name) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
