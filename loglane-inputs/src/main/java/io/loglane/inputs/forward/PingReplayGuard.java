package io.loglane.inputs.forward;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the shared-key digests of the last PINGs an input received, so that a PING sent
 * again (recorded on one connection, replayed on another) is refused under its own reason,
 * {@code replayed_ping}, rather than as a plain key mismatch.
 *
 * <p>Security does not rest on this set: every connection gets a fresh random nonce and the digest
 * covers it, so a replayed PING fails the digest check on its own. The set only names the attempt.
 * It is bounded ({@code capacity} entries, oldest forgotten first) and keeps 64 bits of each
 * digest, so a flood of PINGs cannot grow it.
 *
 * <p>Thread-safety: safe for concurrent use (the input's connections share one).
 */
final class PingReplayGuard {
    private final Map<Long, Boolean> seen;

    PingReplayGuard(int capacity) {
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records the digest; true if it was seen before (within the capacity). */
    synchronized boolean replayed(byte[] digestHex) {
        long h = 0;
        for (int i = 0; i < Math.min(16, digestHex.length); i++) {
            h = h * 31 + digestHex[i];
        }
        h ^= (long) digestHex.length << 56;
        return seen.put(h, Boolean.TRUE) != null;
    }
}
