package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The CLI's client for a running loglane's HTTP API. Error responses become a {@link ServerError}
 * carrying the server's {@code error} text.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class ServerClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A client of {@code url}, or of the server {@link ServerLocator} finds when it is null.
     *
     * @param token sent as {@code Authorization: Bearer}; null for none
     */
    ServerClient(String url, String token) {
        this.token = token;
        url = ServerLocator.resolve(url);
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    private JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<byte[]> r;
        try {
            r = http.send(TokenOption.authorize(b, token).timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new ServerError("cannot reach loglane at " + base + " (is `./loglane up` running?)");
        }
        JsonNode node = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
        if (r.statusCode() >= 400) {
            String msg = node.hasNonNull("error") ? node.get("error").asText() : new String(r.body());
            throw new ServerError("HTTP " + r.statusCode() + ": " + msg + hint(r.statusCode()));
        }
        return node;
    }

    private String hint(int status) {
        return status != 401 ? "" : token == null ? " (give a token with --token or $" + TokenOption.ENV + ")" : " (check --token / $" + TokenOption.ENV + ")";
    }

    /** An error answer from the server (or no server). */
    static final class ServerError extends IOException {
        ServerError(String message) { super(message); }
    }
}
