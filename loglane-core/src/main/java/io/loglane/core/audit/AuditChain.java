package io.loglane.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The audit hash chain of a lane ({@code lanes.<name>.audit_chain}): each record's hash is
 * <pre>
 *   hash(r) = SHA-256( hash(previous record) 32 bytes
 *                    || offset              int64, big-endian
 *                    || receivedAtMicros    int64, big-endian (the archive's received_at)
 *                    || tagLength uint16, big-endian || tag UTF-8
 *                    || record              the RecordBlock entry as stored, uncompressed:
 *                                           tsNanos int64, metaLen uvarint, meta msgpack, recLen uvarint, rec msgpack )
 * </pre>
 * and the first record of a chain has {@link #GENESIS_HEX zero bytes} as its predecessor. Per
 * record, so one archived row can be checked against the row before it from Parquet alone; see
 * loglane-stream's FORMAT.md ("Audit hash chain") for why the tag and arrival time are covered too.
 *
 * <p>Thread-safety: not thread-safe (it reuses one {@link MessageDigest}); one per writer or verifier.
 */
public final class AuditChain {
    /** Length of a chain hash. */
    public static final int HASH_BYTES = 32;
    /** The predecessor of a chain's first record, as hex. */
    public static final String GENESIS_HEX = "0".repeat(2 * HASH_BYTES);

    private final MessageDigest sha;
    private final byte[] fixed = new byte[8 + 8 + 2];

    public AuditChain() {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** A fresh all-zero predecessor hash (the genesis). */
    public static byte[] genesis() { return new byte[HASH_BYTES]; }

    /**
     * Computes the hash of one record into {@code out[outOff, outOff+32)}; {@code out} may be
     * {@code prev} (the digest has consumed {@code prev} before it writes).
     *
     * @param prev    predecessor hash at {@code prev[prevOff, prevOff+32)}
     * @param tagUtf8 the batch tag as UTF-8 (at most 65535 bytes, as the stream stores it)
     * @param record  the record's encoded bytes at {@code record[recOff, recOff+recLen)}
     */
    public void next(byte[] prev, int prevOff, long offset, long receivedAtMicros, byte[] tagUtf8,
            byte[] record, int recOff, int recLen, byte[] out, int outOff) {
        if (tagUtf8.length > 0xFFFF) {
            throw new IllegalArgumentException("tag longer than 65535 bytes");
        }
        sha.update(prev, prevOff, HASH_BYTES);
        putLong(fixed, 0, offset);
        putLong(fixed, 8, receivedAtMicros);
        fixed[16] = (byte) (tagUtf8.length >>> 8);
        fixed[17] = (byte) tagUtf8.length;
        sha.update(fixed, 0, fixed.length);
        sha.update(tagUtf8, 0, tagUtf8.length);
        sha.update(record, recOff, recLen);
        try {
            sha.digest(out, outOff, HASH_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e); // out has room: checked by the caller's array bounds
        }
    }

    /** {@link #next} into a new array; for verifiers and tests. */
    public byte[] next(byte[] prev, long offset, long receivedAtMicros, String tag, byte[] record) {
        byte[] out = new byte[HASH_BYTES];
        next(prev, 0, offset, receivedAtMicros, tag.getBytes(StandardCharsets.UTF_8), record, 0, record.length, out, 0);
        return out;
    }

    /** Whether {@code h} is the genesis (all zeros). */
    public static boolean isGenesis(byte[] h) {
        return Arrays.equals(h, new byte[HASH_BYTES]);
    }

    private static void putLong(byte[] b, int i, long v) {
        for (int k = 7; k >= 0; k--) {
            b[i + k] = (byte) v;
            v >>>= 8;
        }
    }
}
