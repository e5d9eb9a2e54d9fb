package io.loglane.stores.archive;

import io.loglane.core.audit.AuditChain;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The audit chain columns of an {@code audit_chain} lane's rows (FORMAT.md, "Audit chain columns"):
 * {@code _offset} (the record's stream offset), {@code _chain_prev} and {@code _chain_hash} (hex of
 * the predecessor's and the record's {@link AuditChain} hash) and {@code _record} (base64 of the
 * record's bytes as the stream stored them, what the hash covers with the offset, tag and
 * {@code received_at}). They follow the lane's typed columns in the staged row.
 *
 * <p>The sink recomputes each record's hash from the batch's predecessor hash, which the stream set
 * under its append lock ({@link io.loglane.stream.StoredBatch#chainPrev()}); a batch without one
 * (stored before the lane had {@code audit_chain}) gets NULL chain columns.
 *
 * <p>Thread-safety: not thread-safe; one per sink (the delivery thread).
 */
final class ChainColumns implements RowEncoder.TrailingColumns {
    /** The staged chain values, after the typed fields: the columns they become. */
    static final List<FieldDef> FIELDS = List.of(
            new FieldDef("_offset", FieldType.LONG),
            new FieldDef("_chain_prev", FieldType.STRING),
            new FieldDef("_chain_hash", FieldType.STRING),
            new FieldDef("_record", FieldType.STRING));

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final AuditChain chain = new AuditChain();
    private final byte[] hash = AuditChain.genesis();
    private final byte[] prevHex = new byte[2 * AuditChain.HASH_BYTES];
    private final byte[] hashHex = new byte[2 * AuditChain.HASH_BYTES];
    private final Base64.Encoder base64 = Base64.getEncoder();
    private boolean chained;
    private long offset;
    private ByteBuffer record;
    private long receivedMicros;

    /** A lane's typed fields followed by the chain columns. */
    static List<FieldDef> withChain(List<FieldDef> typed) {
        List<FieldDef> out = new ArrayList<>(typed);
        out.addAll(FIELDS);
        return List.copyOf(out);
    }

    /** Starts a batch: {@code prev} is its predecessor hash, or null for an unchained batch. */
    void startBatch(byte[] prev, long receivedMicros) {
        this.chained = prev != null;
        this.receivedMicros = receivedMicros;
        if (chained) {
            if (prev.length != AuditChain.HASH_BYTES) {
                throw new IllegalArgumentException("chain hash of " + prev.length + " bytes");
            }
            System.arraycopy(prev, 0, hash, 0, AuditChain.HASH_BYTES);
        }
    }

    /** Moves to the record under {@code c} at {@code offset}: computes its hash (every record, staged or skipped). */
    void advance(RecordCursor c, long offset, byte[] tagUtf8) {
        this.offset = offset;
        if (!chained) {
            return;
        }
        hex(hash, prevHex);
        chain.next(hash, 0, offset, receivedMicros, tagUtf8, c.array(), c.encodedStart(), c.encodedLength(), hash, 0);
        hex(hash, hashHex);
        record = ByteBuffer.wrap(c.array(), c.encodedStart(), c.encodedLength());
    }

    /** The head after the last record {@link #advance}d, or null when it was unchained. */
    ChainHead head() {
        return chained ? new ChainHead(offset, hash, receivedMicros) : null;
    }

    /** Writes the current record's chain values, in {@link #FIELDS} order. */
    @Override
    public void put(StagedRowWriter out) throws IOException {
        out.putPresent(true);
        out.putLong(offset);
        if (!chained) {
            out.putNull();
            out.putNull();
            out.putNull();
            return;
        }
        out.putValidUtf8(prevHex);
        out.putValidUtf8(hashHex);
        ByteBuffer b64 = base64.encode(record.duplicate()); // the one allocation per row: the text itself
        out.putValidUtf8(b64.array(), b64.arrayOffset() + b64.position(), b64.remaining());
    }

    private static void hex(byte[] in, byte[] out) {
        for (int i = 0; i < in.length; i++) {
            out[2 * i] = HEX[(in[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[in[i] & 0xF];
        }
    }
}
