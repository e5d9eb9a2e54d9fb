package io.loglane.core.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The ids a lane de-duplicates appends by ({@link IngestRequest#chunkId()}). Forward chunk ids and
 * HTTP idempotency keys share each lane's dedup window, so each input gets its own namespace and an
 * HTTP key is also scoped to its tag; two different producers can then never make each other's
 * events look like duplicates:
 * <ul>
 *   <li>{@code forward:<chunk>}: the Forward {@code chunk} option, as sent;</li>
 *   <li>{@code http:<tag>:<key>}: an HTTP {@code Idempotency-Key}; tags never contain {@code ':'},
 *       so the key cannot shift into the tag.</li>
 *   <li>{@code tail:<input>:<file>:<start>-<end>}: a file tail's batch, named by the input, the
 *       file's identity (device, inode, fingerprint of its first bytes) and the byte range it was
 *       read from, so a batch re-read after a crash is recognised (loglane-inputs
 *       {@code inputs/tail/FORMAT.md}).</li>
 *   <li>{@code journal:<hex>}: every part of a request spanning several lanes that carries none of
 *       the above, given by the stream's request journal so that a part re-appended after a crash
 *       is found stored. Lanes do not remember these while running (each part is appended once;
 *       only the start after a crash needs them, and it seeds them from the batch headers), so they
 *       never crowd producers' ids out of the window.</li>
 *   <li>{@code part:<n>:<id><ranges>}: the lines {@code <ranges>} (indices {@code from-to},
 *       end exclusive, comma-separated; {@code h<hex>} a SHA-256 of them when long) of the request
 *       whose id is {@code <id>} ({@code <n>} its length, so no id can shift into the ranges), which
 *       an input's multiline carry sends apart from the rest of its request ({@link #part}); all
 *       its lines are named by the request's own id.</li>
 *   <li>{@code carry:<n>:<part><n>:<part>…}: a send of the multiline carry mixing the lines of
 *       several requests, one length-prefixed part per request in the order of their lines
 *       ({@link #carry}); a part of a request without an id is a {@code nonce:<uuid>}, so such a
 *       send never equals another. A lane remembers each of its parts as stored too
 *       ({@link #carriedParts}), so a request resent alone after a crash finds its lines stored.
 *       Longer than {@link #MAX_CARRY_LENGTH}: {@code carry:h<hex>}, a SHA-256 of the parts
 *       (then only the same mix is recognised).</li>
 * </ul>
 * Ids are stored with each batch so that the window survives restarts; acknowledgements echo the
 * producer's own id, never these.
 *
 * <p>Thread-safety: stateless.
 */
public final class ChunkIds {
    private ChunkIds() {}

    /** The dedup id of a Forward {@code chunk} option, or null for none. */
    public static String forward(String chunk) {
        return chunk == null ? null : "forward:" + chunk;
    }

    /** The dedup id of an HTTP {@code Idempotency-Key} sent with {@code tag}, or null for none. */
    public static String http(String tag, String key) {
        if (tag.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a tag cannot contain ':' (it separates the tag from the key): " + tag);
        }
        return key == null ? null : "http:" + tag + ":" + key;
    }

    /** The dedup id the request journal gives the parts of request {@code txnId} when it has no id of its own. */
    public static String journal(long txnId) {
        return JOURNAL_PREFIX + Long.toHexString(txnId);
    }

    /** Whether {@code id} was given by the request journal ({@link #journal}). */
    public static boolean isJournal(String id) {
        return id != null && id.startsWith(JOURNAL_PREFIX);
    }

    private static final String JOURNAL_PREFIX = "journal:";

    /** The dedup id of a tailed file's byte range {@code [start, end)}; {@code file} names the file's identity. */
    public static String tail(String input, String file, long start, long end) {
        return "tail:" + input + ":" + file + ":" + start + "-" + end;
    }

    /** Longest {@link #carry} id kept readable (its parts recoverable); longer ones are digested. */
    public static final int MAX_CARRY_LENGTH = 4096;
    private static final int MAX_RANGES_LENGTH = 256;
    private static final String PART_PREFIX = "part:";
    private static final String CARRY_PREFIX = "carry:";

    /**
     * The dedup id of the lines {@code lines} (indices into the request) of a request of
     * {@code count} lines whose id is {@code chunkId}: the request's own id when they are all of
     * it, null when it has none.
     */
    public static String part(String chunkId, int count, BitSet lines) {
        if (chunkId == null) {
            return null;
        }
        if (lines.cardinality() == count && lines.length() == count) {
            return chunkId;
        }
        StringBuilder ranges = new StringBuilder();
        for (int from = lines.nextSetBit(0); from >= 0; from = lines.nextSetBit(lines.nextClearBit(from))) {
            ranges.append(ranges.isEmpty() ? "" : ",").append(from).append('-').append(lines.nextClearBit(from));
        }
        String r = ranges.length() > MAX_RANGES_LENGTH ? "h" + sha256(ranges.toString()) : ranges.toString();
        return PART_PREFIX + chunkId.length() + ":" + chunkId + r;
    }

    /**
     * The dedup id of a send mixing the lines of several requests, given the {@link #part} of
     * each in order (null for a request without an id): null when none has an id, the one part
     * when there is one.
     */
    public static String carry(List<String> parts) {
        if (parts.stream().allMatch(p -> p == null)) {
            return null;
        }
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        StringBuilder id = new StringBuilder(CARRY_PREFIX);
        for (String p : parts) {
            String part = p != null ? p : "nonce:" + UUID.randomUUID();
            id.append(part.length()).append(':').append(part);
        }
        return id.length() <= MAX_CARRY_LENGTH ? id.toString() : CARRY_PREFIX + "h" + sha256(id.toString());
    }

    /** The parts of a {@link #carry} id (empty for any other id, and for a digested one). */
    public static List<String> carriedParts(String id) {
        if (id == null || !id.startsWith(CARRY_PREFIX) || id.startsWith(CARRY_PREFIX + "h")) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        int at = CARRY_PREFIX.length();
        while (at < id.length()) {
            int colon = id.indexOf(':', at);
            int n = colon < 0 ? -1 : parseLength(id, at, colon);
            if (n < 0 || colon + 1 + n > id.length()) {
                return List.of(); // not one of ours (a producer's id cannot start with "carry:", but a stored batch may be damaged)
            }
            parts.add(id.substring(colon + 1, colon + 1 + n));
            at = colon + 1 + n;
        }
        return parts;
    }

    private static int parseLength(String s, int from, int to) {
        if (to == from || to - from > 6) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static String sha256(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
