package io.loglane.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.app.health.NodeHealth;
import io.loglane.app.health.NodePhase;
import io.loglane.core.tls.SelfSignedPem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP port's own defences, on the real server: HTTPS from PEM files (a self-signed pair made
 * by keytool, trusted by the test's client only), plain HTTP to the TLS port refused, a huge
 * header answered 431, and slowloris clients (a request head sent byte by byte; a TLS handshake
 * never finished) cut off within the header timeout, while a connection that sends its head in time
 * is served. Raw sockets carry read timeouts, so every wait is bounded.
 */
@Timeout(60)
class HttpPortHardeningTest {
    private static final NodeHealth READY = NodeHealth.of(NodePhase.READY, List.of());
    @TempDir Path dir;
    private HttpApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void tlsFromPemServesHttpsAndRefusesPlainTextAndUntrustingClients() throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir, "EC");
        api = RoutesOnlyApi.start(() -> READY, "  tls:\n    cert: " + pem.cert() + "\n    key: " + pem.key() + "\n");
        HttpClient trusting = HttpClient.newBuilder().sslContext(pem.clientContext()).build();
        HttpResponse<String> ok = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.port() + "/healthz"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"phase\"");

        HttpClient defaultTrust = HttpClient.newHttpClient();
        assertThatThrownBy(() -> defaultTrust.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.port() + "/healthz"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);

        try (Socket s = socket()) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).as("plain HTTP to the TLS port").doesNotContain("\"phase\"");
            // a TLS alert record (content type 21) and the connection closed, or just the close
            assertThat(answer).satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a.charAt(0)).isEqualTo((char) 0x15));
        }
    }

    @Test
    void tlsToThePlainPortFailsTheHandshake() throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir, "RSA");
        api = RoutesOnlyApi.start(() -> READY);
        HttpClient trusting = HttpClient.newBuilder().sslContext(pem.clientContext()).build();
        assertThatThrownBy(() -> trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.port() + "/healthz"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("the port still serves").isEqualTo(200);
    }

    @Test
    void aHugeHeaderIs431AndALongUriIs414() throws Exception {
        api = RoutesOnlyApi.start(() -> READY, "  http_max_header: 4KiB\n");
        try (Socket s = socket()) {
            s.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 431");
        }
        try (Socket s = socket()) {
            s.getOutputStream().write(("GET /healthz?" + "a".repeat(8000) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 414");
        }
        try (Socket s = socket()) {
            s.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Ok: " + "a".repeat(2000) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).as("a header under the limit").startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aRequestHeadSentByteByByteIsCutOffAfterTheHeaderTimeout() throws Exception {
        api = RoutesOnlyApi.start(() -> READY, "  http_header_timeout: 1s\n  http_idle_timeout: 30s\n");
        byte[] head = ("GET /healthz HTTP/1.1\r\nHost: x\r\n" + "X-Slow: " + "a".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket s = socket()) {
            s.setSoTimeout(50);
            OutputStream out = s.getOutputStream();
            int sent = 0;
            boolean closed = false;
            // one byte every 50 ms would take 12 s for this head; the guard must close within 1.25 s of the first byte
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!closed && sent < head.length && System.nanoTime() < deadline) {
                try {
                    out.write(head[sent++]);
                    out.flush();
                    closed = s.getInputStream().read() == -1;
                } catch (SocketTimeoutException e) {
                    // nothing from the server yet: keep trickling
                } catch (IOException e) {
                    closed = true; // reset by the server
                }
            }
            assertThat(closed).as("closed before the whole head was sent (sent " + sent + " of " + head.length + " bytes)").isTrue();
            assertThat(sent).isLessThan(head.length);
        }
        try (Socket s = socket()) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).as("a prompt client is served").startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aTlsHandshakeThatNeverFinishesIsCutOffAfterTheHeaderTimeout() throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir, "EC");
        api = RoutesOnlyApi.start(() -> READY, "  http_header_timeout: 1s\n  http_idle_timeout: 30s\n  tls:\n    cert: " + pem.cert()
                + "\n    key: " + pem.key() + "\n");
        try (Socket s = socket()) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(0x16); // the first byte of a TLS record, then nothing
            s.getOutputStream().flush();
            long t0 = System.nanoTime();
            int r;
            try {
                r = s.getInputStream().read();
            } catch (IOException e) {
                r = -1;
            }
            assertThat(r).as("closed, not answered").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("cut off by the header timeout, not the 30 s idle timeout")
                    .isLessThan(Duration.ofSeconds(9));
        }
    }

    private Socket socket() throws IOException {
        Socket s = new Socket("127.0.0.1", api.port());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Everything the server sends until it closes (bounded by the socket's read timeout). */
    private static String readAll(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return ""; // reset
        }
    }
}
