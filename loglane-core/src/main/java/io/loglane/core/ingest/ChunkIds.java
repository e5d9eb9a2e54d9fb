package io.loglane.core.ingest;

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
}
