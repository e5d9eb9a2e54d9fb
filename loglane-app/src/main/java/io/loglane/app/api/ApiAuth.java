package io.loglane.app.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.loglane.core.config.ApiScope;
import io.loglane.core.config.ApiTokenSpec;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.inputs.http.ApiError;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Runs before every route once a token is configured: finds the route's scope ({@link RouteScopes}),
 * the caller's token ({@code Authorization: Bearer <token>} only) and its rate, and answers the
 * request itself when one is wrong. The token is never logged, nor is the query string.
 *
 * <table>
 *   <caption>Refusals</caption>
 *   <tr><td>401</td><td>no {@code Authorization} header, another scheme ({@code Token x}, {@code Basic …}), a
 *       token in another header ({@code X-Token}) or an unknown token; with {@code WWW-Authenticate: Bearer
 *       realm="loglane"} (RFC 6750; {@code error="invalid_token"} when one was sent)</td></tr>
 *   <tr><td>403</td><td>a known token without the route's scope; the body names the scope needed</td></tr>
 *   <tr><td>429</td><td>the token's {@code rate} is used up; {@code Retry-After} in seconds</td></tr>
 * </table>
 * Each refusal is counted under {@code loglane.api.refused{token, reason}} and logged (rate-limited).
 *
 * <p>Thread-safety: thread-safe.
 */
final class ApiAuth implements Handler {
    private static final String CHALLENGE = "Bearer realm=\"loglane\"";
    private final ApiTokens tokens;
    private final MeterRegistry registry;
    private final RateLimitedLog log;

    ApiAuth(List<ApiTokenSpec> specs, MeterRegistry registry, Clock clock) {
        this.tokens = new ApiTokens(specs, clock);
        this.registry = registry;
        this.log = new RateLimitedLog(LoggerFactory.getLogger(ApiAuth.class), clock, Duration.ofSeconds(10));
    }

    @Override
    public void handle(Context ctx) {
        ApiScope needed = RouteScopes.required(ctx.method().name(), ctx.path());
        if (needed == null) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null) {
            refuse(ctx, 401, "none", "missing", CHALLENGE, "this API needs a token: send Authorization: Bearer <token>");
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            refuse(ctx, 401, "none", "malformed", CHALLENGE + ", error=\"invalid_request\"",
                    "the Authorization header must be Bearer <token>");
            return;
        }
        ApiTokens.Caller caller = tokens.find(header.substring(7).strip());
        if (caller == null) {
            refuse(ctx, 401, "none", "unknown", CHALLENGE + ", error=\"invalid_token\"", "unknown token");
            return;
        }
        String name = caller.spec().name();
        if (!caller.spec().scopes().contains(needed)) {
            refuse(ctx, 403, name, "scope", null, "token " + name + " lacks the " + needed.label() + " scope that "
                    + ctx.method() + " " + ctx.path() + " needs");
            return;
        }
        if (caller.bucket() != null && !caller.bucket().tryAcquire(1)) {
            ctx.header("Retry-After", Long.toString(Math.max(1, (long) Math.ceil(1 / caller.spec().rate()))));
            refuse(ctx, 429, name, "rate", null, "token " + name + " is over its rate of " + caller.spec().rate() + " requests/s");
        }
    }

    private void refuse(Context ctx, int status, String token, String reason, String challenge, String message) {
        registry.counter(MetricNames.API_REFUSED, "token", token, MetricNames.REASON, reason).increment();
        // the path only: a query string could carry anything
        log.warn(token + " " + reason, "api: " + ctx.method() + " " + ctx.path() + " from " + ctx.ip() + " refused " + status
                + " (" + reason + ", token " + token + ")");
        if (challenge != null) {
            ctx.header("WWW-Authenticate", challenge);
        }
        ctx.status(status).json(ApiError.of(message, "reason", reason));
        ctx.skipRemainingHandlers();
    }
}
