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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The reference side of {@code ./loglane bench files --fluent-bit PATH}: Fluent Bit's {@code in_tail}
 * with its stock {@code nginx} regex parser into the {@code null} output, on the same generated
 * file the loglane run read, moved into an empty directory once Fluent Bit is up (as the loglane
 * run does). Its rate is read from Fluent Bit's own monitoring endpoint
 * ({@code /api/v1/metrics}: {@code input.tail.0.records}), polled every 20 ms from the first record
 * to the last; its CPU from {@code /proc}. Nothing of Fluent Bit is shipped: the binary and its
 * {@code parsers.conf} are the user's (../shared/peers/build-fluent-bit.sh builds them).
 *
 * <p>Thread-safety: not thread-safe; one run at a time.
 */
final class FluentBitTail {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HTTP_PORT = 18_783;

    /** What one Fluent Bit run measured. */
    record Result(long lines, double seconds, double cpuSeconds) {
        double linesPerSecond() { return lines / seconds; }

        double cpuMicrosPerLine() { return cpuSeconds * 1e6 / lines; }
    }

    private final Path binary;
    private final Path parsers;

    private FluentBitTail(Path binary, Path parsers) {
        this.binary = binary;
        this.parsers = parsers;
    }

    /**
     * The harness for {@code binary}, or why it cannot run: no binary given, none at the path, or
     * no {@code parsers.conf} (given, or found beside the build: {@code DEST/parsers.conf},
     * {@code DEST/src/conf/parsers.conf}, {@code DEST/conf/parsers.conf} for {@code DEST/build/bin/fluent-bit}).
     */
    static Optional<FluentBitTail> find(Path binary, Path parsers, StringBuilder whyNot) {
        if (binary == null) {
            whyNot.append("skipped: no Fluent Bit binary (give --fluent-bit PATH)");
            return Optional.empty();
        }
        if (!Files.isExecutable(binary)) {
            whyNot.append("skipped: no Fluent Bit binary at ").append(binary);
            return Optional.empty();
        }
        if (parsers == null) {
            Path dest = binary.toAbsolutePath().getParent();
            dest = dest.getParent() == null || dest.getParent().getParent() == null ? dest : dest.getParent().getParent();
            for (Path p : List.of(dest.resolve("parsers.conf"), dest.resolve("src/conf/parsers.conf"), dest.resolve("conf/parsers.conf"))) {
                if (Files.isRegularFile(p)) {
                    parsers = p;
                    break;
                }
            }
        }
        if (parsers == null || !Files.isRegularFile(parsers)) {
            whyNot.append("skipped: no parsers.conf for ").append(binary).append(" (give --fluent-bit-parsers FILE)");
            return Optional.empty();
        }
        return Optional.of(new FluentBitTail(binary, parsers));
    }

    /** Tails {@code file} ({@code lines} lines), moving it into a fresh directory under {@code work}; leaves it there. */
    Result run(Path file, long lines, Path work) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("fluent-bit-logs"));
        Path conf = work.resolve("fluent-bit.conf");
        Files.writeString(conf, """
                [SERVICE]
                    Flush        1
                    Log_Level    warn
                    Parsers_File %s
                    HTTP_Server  On
                    HTTP_Listen  127.0.0.1
                    HTTP_Port    %d
                [INPUT]
                    Name             tail
                    Path             %s/*.log
                    Parser           nginx
                    Read_from_Head   On
                    Refresh_Interval 1
                    Buffer_Max_Size  1MB
                [OUTPUT]
                    Name  null
                    Match *
                """.formatted(parsers.toAbsolutePath(), HTTP_PORT, dir.toAbsolutePath()));
        Process fb = new ProcessBuilder(binary.toAbsolutePath().toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("fluent-bit.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records(http) < 0) {
                if (!fb.isAlive() || System.nanoTime() > until) {
                    throw new IOException("Fluent Bit did not start (exit " + (fb.isAlive() ? "-" : fb.exitValue()) + "); its log: "
                            + Files.readString(work.resolve("fluent-bit.log")));
                }
                Thread.sleep(100);
            }
            Files.move(file, dir.resolve("access.log"), StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            long t0 = 0;
            double cpu0 = 0;
            long n = 0;
            while (n < lines && System.nanoTime() < deadline && fb.isAlive()) {
                n = records(http);
                if (t0 == 0 && n > 0) {
                    t0 = System.nanoTime();
                    cpu0 = ServerProcess.cpuSeconds(fb.pid());
                }
                Thread.sleep(20);
            }
            long t1 = System.nanoTime();
            double cpu = ServerProcess.cpuSeconds(fb.pid()) - cpu0;
            return new Result(n, (t1 - t0) / 1e9, cpu);
        } finally {
            fb.destroy();
            if (!fb.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                fb.destroyForcibly();
            }
        }
    }

    /** Records {@code in_tail} has read so far, or -1 while the endpoint does not answer. */
    private static long records(HttpClient http) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + "/api/v1/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            JsonNode input = JSON.readTree(r.body()).path("input");
            for (var it = input.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().startsWith("tail.")) {
                    return e.getValue().path("records").asLong();
                }
            }
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }
}
