package io.loglane.app.tail;

import java.time.Duration;

/**
 * Limits of each live tail.
 *
 * @param maxBufferedEvents matching events queued for one client before further matches are
 *                          counted as missed instead
 * @param maxBufferedBytes  the same bound in bytes of rendered JSON (characters)
 * @param heartbeat         idle time after which a comment line is sent, so proxies and the
 *                          server's own idle timeout (30 s) keep the connection open and a gone
 *                          client is noticed
 */
public record TailSettings(int maxBufferedEvents, long maxBufferedBytes, Duration heartbeat) {
    /** 1 000 events or 1 MiB per client (a person reads far less), a heartbeat every 15 s. */
    public static final TailSettings DEFAULT = new TailSettings(1_000, 1 << 20, Duration.ofSeconds(15));
}
