package io.loglane.core.event;

import com.fasterxml.jackson.core.io.SerializedString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Map keys of records, decoded once: container logs repeat the same few keys ({@code log},
 * {@code container_id}, {@code source}, …) in every record, so the encoder looks the UTF-8 bytes up
 * here instead of building a String per key per row. Also keeps each key pre-encoded for the JSON
 * writer. Direct-mapped and bounded ({@value #SLOTS} entries): a new key replaces the one in its
 * slot, so records with ever-new keys cost what they did before, never unbounded memory.
 *
 * <p>Thread-safety: not thread-safe; one per {@link RecordView}.
 */
public final class KeyCache {
    public static final int SLOTS = 256;
    /** Longer keys are decoded each time: they are rare and would pin more memory. */
    public static final int MAX_KEY_BYTES = 64;

    private final byte[][] bytes = new byte[SLOTS][];
    private final SerializedString[] keys = new SerializedString[SLOTS];

    /** The key whose UTF-8 bytes are {@code b[off, off+len)}. */
    public SerializedString get(byte[] b, int off, int len) {
        if (len > MAX_KEY_BYTES) {
            return new SerializedString(new String(b, off, len, StandardCharsets.UTF_8));
        }
        int h = len;
        for (int i = off, end = off + len; i < end; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        byte[] k = bytes[slot];
        if (k != null && Arrays.equals(k, 0, k.length, b, off, off + len)) {
            return keys[slot];
        }
        SerializedString s = new SerializedString(new String(b, off, len, StandardCharsets.UTF_8));
        bytes[slot] = Arrays.copyOfRange(b, off, off + len);
        keys[slot] = s;
        return s;
    }
}
