package io.loglane.app.api;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes connections that take longer than {@code server.http_header_timeout} to send a request's
 * line and headers, or to finish their TLS handshake (slowloris). Jetty's idle timeout alone does
 * not: a client sending one byte every few seconds is never idle. Jetty 11 has no header timeout
 * of its own ({@code minRequestDataRate} covers bodies only), so each connection is looked at
 * every quarter of the timeout: a parser found inside a request head (past its first byte,
 * before the body) on the same request for the whole timeout gets its connection closed; a
 * connection waiting for its next request (parser at start) is left to the idle timeout. A
 * connection is therefore closed between {@code timeout} and {@code 1.25 × timeout} after it
 * started its head. The parser state is read from the scheduler thread without a lock: a stale
 * read only delays the decision by one look.
 *
 * <p>Thread-safety: thread-safe; one per connector, added to it as a bean.
 */
final class SlowClientGuard implements Connection.Listener {
    private final Scheduler scheduler;
    private final long timeoutNanos;
    private final long periodNanos;
    private final MeterRegistry registry;

    SlowClientGuard(Scheduler scheduler, Duration timeout, MeterRegistry registry) {
        this.scheduler = scheduler;
        this.timeoutNanos = timeout.toNanos();
        this.periodNanos = Math.max(1, timeoutNanos / 4);
        this.registry = registry;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            scheduler.schedule(new HeadWatch(http), periodNanos, TimeUnit.NANOSECONDS);
        } else if (connection instanceof SslConnection ssl) {
            AtomicBoolean done = new AtomicBoolean();
            ssl.addHandshakeListener(new SslHandshakeListener() {
                @Override public void handshakeSucceeded(Event event) { done.set(true); }
                @Override public void handshakeFailed(Event event, Throwable failure) { done.set(true); }
            });
            scheduler.schedule(() -> {
                if (!done.get() && ssl.getEndPoint().isOpen()) {
                    close(ssl, "tls_handshake");
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onClosed(Connection connection) {}

    private void close(Connection c, String reason) {
        registry.counter(MetricNames.HTTP_SLOW_CLOSED, MetricNames.REASON, reason).increment();
        c.getEndPoint().close();
    }

    /** Looks at one connection's parser every period until it closes. */
    private final class HeadWatch implements Runnable {
        private final HttpConnection http;
        private long request = -1;
        private long since;

        HeadWatch(HttpConnection http) { this.http = http; }

        @Override
        public void run() {
            if (!http.getEndPoint().isOpen()) {
                return;
            }
            HttpParser p = http.getParser();
            long now = System.nanoTime();
            if (p.isStart() || !p.inHeaderState()) {
                request = -1; // waiting for a request (idle timeout's job) or past the head
            } else if (request != http.getMessagesIn()) {
                request = http.getMessagesIn(); // a new head started since the last look
                since = now;
            } else if (now - since >= timeoutNanos - periodNanos) {
                close(http, "request_head");
                return;
            }
            scheduler.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
        }
    }
}
