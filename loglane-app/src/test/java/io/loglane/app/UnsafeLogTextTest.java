package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Log lines with markup, control characters and invalid UTF-8, sent over Forward as raw msgpack
 * str and bin bytes (as a misbehaving peer sends them), read back through the search API, the tail
 * API, {@code ./loglane search} and {@code ./loglane tail}: the API answers valid UTF-8 JSON with
 * every control character escaped, and the command line prints no raw control character (no escape
 * sequence reaches the terminal), showing them as {@code \e}, {@code \0}, {@code \r} instead.
 */
class UnsafeLogTextTest {
    /** Markup, NUL, an ANSI colour and a lone carriage return, as raw str bytes (valid UTF-8). */
    static final byte[] CONTROL = "<script>alert(1)</script> NUL\u0000 \u001b[31mRED\u001b[0m fake\rover control_marker"
            .getBytes(StandardCharsets.UTF_8);
    /** An ANSI colour and invalid UTF-8 (a cut-off 2-byte sequence and 0xFF) before the marker. */
    static final byte[] INVALID = concat("\u001b[31mRED ".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x28, ' ', (byte) 0xFF, ' '},
            "utf8_marker".getBytes(StandardCharsets.UTF_8));
    private static final String FROM = "2020-01-01T00:00:00Z";
    private static final String TO = "2030-01-01T00:00:00Z";
    private static final String YEARS = "&from=" + FROM + "&to=" + TO;
    private static final String SHOWN = "<script>alert(1)</script> NUL\\0 \\e[31mRED\\e[0m fake\\rover control_marker";

    @TempDir
    static Path dir;
    private static TestNode t;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "");
        sendForward("app.error", 1, CONTROL);
        sendForward("app.error", 2, INVALID);
        t.flush();
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    /** One Forward Message-mode frame: {@code message} as a raw str, {@code raw} as bin, both {@code bytes}; waits for its ack. */
    private static void sendForward(String tag, int n, byte[] bytes) throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(4).packString(tag).packLong(System.currentTimeMillis() / 1000);
        p.packMapHeader(3);
        p.packString("message").packRawStringHeader(bytes.length).writePayload(bytes);
        p.packString("raw").packBinaryHeader(bytes.length).writePayload(bytes);
        p.packString("n").packInt(n);
        p.packMapHeader(1).packString("chunk").packString("unsafe-" + n);
        try (Socket s = new Socket("127.0.0.1", t.node.forwardPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(p.toByteArray());
            out.flush();
            byte[] ack = s.getInputStream().readNBytes(8); // the ack map begins; its arrival is what counts
            assertThat(ack).as("acked").isNotEmpty();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The bytes as strict UTF-8 (fails on an invalid sequence). */
    private static String strictUtf8(byte[] bytes) throws Exception {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static void assertNoRawControl(String text) {
        assertThat(text.chars().filter(c -> c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f).toArray())
                .as("raw control characters in %s", text).isEmpty();
    }

    private static HttpResponse<byte[]> search(String marker) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(t.url() + "/api/v1/search?lane=error" + YEARS + "&q=" + marker))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theSearchApiAnswersJsonWithControlCharactersEscaped() throws Exception {
        HttpResponse<byte[]> r = search("control_marker");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).as("never sniffed as a page").hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        String body = strictUtf8(r.body());
        assertNoRawControl(body);
        JsonNode hit = TestNode.JSON.readTree(body).get("hits").get(0);
        assertThat(hit.get("message").asText()).isEqualTo(new String(CONTROL, StandardCharsets.UTF_8));
        assertThat(hit.get("record").has("raw")).as("the bin value is kept in some form").isTrue();
    }

    @Test
    void theSearchApiAnswersValidUtf8WithEachInvalidByteReplaced() throws Exception {
        HttpResponse<byte[]> r = search("utf8_marker");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        String body = strictUtf8(r.body());
        assertNoRawControl(body);
        assertThat(TestNode.JSON.readTree(body).get("hits").get(0).get("message").asText()).isEqualTo("\u001b[31mRED \uFFFD( \uFFFD utf8_marker");
    }

    @Test
    void searchOnTheCommandLinePrintsNoRawControlCharacters() {
        Cli.Run r = Cli.run("search", "--server", t.url(), "--lane", "error", "--from", FROM, "--to", TO, "control_marker");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertNoRawControl(r.out());
        assertThat(r.out()).endsWith(" app.error " + SHOWN + "\n");
    }

    @Test
    void tailOnTheCommandLinePrintsNoRawControlCharactersNorInvalidUtf8() throws Exception {
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> Cli.run("tail", "--server", t.url(), "--lane", "error",
                "--limit", "1", "utf8_marker"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int n = 3; !run.isDone() && System.nanoTime() < deadline; n++) {
            sendForward("app.error", n, INVALID); // the tail starts at the head: send until it has seen one
            Thread.sleep(200);
        }
        Cli.Run r = run.get(10, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertNoRawControl(r.out());
        assertThat(r.out()).endsWith(" error \\e[31mRED \uFFFD( \uFFFD utf8_marker\n");
    }

    @Test
    void theTailApiSendsEachLineWithControlCharactersEscapedAndInvalidBytesReplaced() throws Exception {
        try (SseStream tail = SseStream.open(t.url() + "/api/v1/tail?lane=error&q=utf8_marker", java.util.Map.of(), true)) {
            assertThat(tail.status).isEqualTo(200);
            assertThat(tail.nextEvent(Duration.ofSeconds(20)).event()).isEqualTo("open");
            sendForward("app.error", 100, INVALID);
            SseStream.Event e = tail.nextEvent(Duration.ofSeconds(20));
            assertThat(e).as("the line sent after the tail opened").isNotNull();
            assertThat(e.event()).isEqualTo("message");
            assertNoRawControl(e.data());
            assertThat(TestNode.JSON.readTree(e.data()).get("message").asText())
                    .isEqualTo("\u001b[31mRED \uFFFD( \uFFFD utf8_marker");
        }
    }
}
