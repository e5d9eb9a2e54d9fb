package io.loglane.app.api;

import io.loglane.core.config.ApiScope;
import java.util.Set;

/**
 * The scope each route needs once API tokens are on. Closed by default: a path not listed here
 * needs {@code read} to GET and {@code admin} for anything else, so a route added later is never
 * open by accident.
 *
 * <table>
 *   <caption>Scopes</caption>
 *   <tr><td>none</td><td>GET /healthz, /readyz (probes); the UI's pages and static files (/, /lanes, /explorer, /sql,
 *       /ui/…, /webjars/…): the page loads, its API calls carry the token</td></tr>
 *   <tr><td>ingest</td><td>POST /api/v1/ingest/{tag}, POST / (CloudWatch Logs API), POST /v1/logs (OTLP)</td></tr>
 *   <tr><td>read</td><td>GET under /api/v1/ (search, histogram, fields, context, tail, lanes, sources, audit head),
 *       POST /api/v1/sql, POST /api/v1/filter/test, GET /metrics</td></tr>
 *   <tr><td>admin</td><td>POST /api/v1/flush and every other non-GET request</td></tr>
 * </table>
 *
 * <p>Thread-safety: stateless.
 */
final class RouteScopes {
    private static final Set<String> OPEN_PAGES = Set.of("/healthz", "/readyz");
    private static final Set<String> READ_POSTS = Set.of("/api/v1/sql", "/api/v1/filter/test");
    private static final Set<String> INGEST_POSTS = Set.of("/", "/v1/logs");

    private RouteScopes() {}

    /** The scope {@code method path} needs, or null when it is open to anyone. */
    static ApiScope required(String method, String path) {
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (get && (OPEN_PAGES.contains(path) || WebUi.PAGES.contains(path) || path.startsWith("/ui/") || path.startsWith("/webjars/"))) {
            return null;
        }
        if (method.equals("POST") && (INGEST_POSTS.contains(path) || path.startsWith("/api/v1/ingest/"))) {
            return ApiScope.INGEST;
        }
        if (method.equals("POST") && READ_POSTS.contains(path)) {
            return ApiScope.READ;
        }
        return get ? ApiScope.READ : ApiScope.ADMIN;
    }
}
