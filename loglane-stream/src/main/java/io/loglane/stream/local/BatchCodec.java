package io.loglane.stream.local;

import io.loglane.core.event.Bytes;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.Source;
import io.loglane.stream.AppendRequest;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * Encodes and decodes one stored record batch (format version 2; version 1 is still read). The
 * full specification, including segment, index and checkpoint files, is in {@code FORMAT.md}
 * beside this class.
 *
 * <pre>
 * batch (all integers big-endian):
 *    0  magic            int32   0x4C4C4E42 ("LLNB")
 *    4  version          int16   2 (1: written before sources, read only)
 *    6  length           int32   bytes of the whole batch, this header included
 *   10  baseOffset       int64   offset of the first record
 *   18  chainHash        byte[32] zeros unless attributes bit 3 (hash chain) is set
 *   50  crc              uint32  CRC32C of bytes [54, length)
 *   54  attributes       int16   bits 0-2 codec (0 none, 1 LZ4 block), bit 3 hash chained, rest 0
 *   56  recordCount      int32   &gt;= 1
 *   60  minTsNanos       int64
 *   68  maxTsNanos       int64
 *   76  receivedAtNanos  int64
 *   84  rawPayloadLength int32   payload length before compression
 *   88  tagLength        uint16
 *   90  chunkIdLength    uint16  0 = no chunk id
 *   92  sourcePosLength  uint16  0 = no source position
 *   94  sourceInputLength uint16 0 = no source (version 2 only, as the next field)
 *   96  sourcePeerLength uint16
 *   98  tag, chunkId (UTF-8), sourcePosition, sourceInput, sourcePeer (UTF-8), then the payload
 *       (RecordBlock encoding, maybe compressed). Version 1 has neither source field: its variable
 *       part starts at 94 and it has no source.
 * </pre>
 * The source is the completeness-ledger key the batch's events were counted under (input and peer,
 * {@link io.loglane.core.ingest.Source}), so delivery can count per source what a store committed.
 *
 * <p>Why the CRC leaves out magic, version, length, baseOffset and chainHash: the CRC is computed
 * by the appending thread before the lane lock is taken, while the base offset is only known under
 * the lock (Kafka leaves its base offset out for the same reason). Recovery checks those fields by
 * framing instead: the magic and version must match, the length must be sane, and base offsets
 * must continue exactly where the previous batch of the segment ended (after a damaged region,
 * recovery accepts a higher one that fits the batches after it; see {@link SegmentScan}). On a lane
 * with {@code audit_chain} (attributes bit 3) the chain hash field holds the audit chain hash of the
 * record before the batch's first ({@link io.loglane.core.audit.AuditChain}): set under the lane lock
 * with the base offset, and checked along the chain by {@code loglane verify-audit}, not by the CRC.
 * Without bit 3 it must be all zeros.
 *
 * <p>Thread-safety: stateless; all methods may be called concurrently.
 */
public final class BatchCodec {
    public static final int MAGIC = 0x4C4C4E42;
    public static final int VERSION = 2;
    /** The version before sources: read, never written. */
    public static final int VERSION_1 = 1;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = OFF_MAGIC + 4;
    public static final int OFF_LENGTH = OFF_VERSION + 2;
    public static final int OFF_BASE_OFFSET = OFF_LENGTH + 4;
    public static final int OFF_CHAIN_HASH = OFF_BASE_OFFSET + 8;
    public static final int CHAIN_HASH_LENGTH = 32;
    public static final int OFF_CRC = OFF_CHAIN_HASH + CHAIN_HASH_LENGTH;
    /** First byte the CRC covers. */
    public static final int CRC_START = OFF_CRC + 4;
    public static final int OFF_ATTRIBUTES = CRC_START;
    public static final int OFF_RECORD_COUNT = OFF_ATTRIBUTES + 2;
    public static final int OFF_MIN_TS = OFF_RECORD_COUNT + 4;
    public static final int OFF_MAX_TS = OFF_MIN_TS + 8;
    public static final int OFF_RECEIVED_AT = OFF_MAX_TS + 8;
    public static final int OFF_RAW_PAYLOAD_LENGTH = OFF_RECEIVED_AT + 8;
    public static final int OFF_TAG_LENGTH = OFF_RAW_PAYLOAD_LENGTH + 4;
    public static final int OFF_CHUNK_ID_LENGTH = OFF_TAG_LENGTH + 2;
    public static final int OFF_SOURCE_POS_LENGTH = OFF_CHUNK_ID_LENGTH + 2;
    /** Size of the fixed part of a version 1 header. */
    public static final int HEADER_SIZE_V1 = OFF_SOURCE_POS_LENGTH + 2;
    public static final int OFF_SOURCE_INPUT_LENGTH = HEADER_SIZE_V1;
    public static final int OFF_SOURCE_PEER_LENGTH = OFF_SOURCE_INPUT_LENGTH + 2;
    /**
     * Size of the fixed part of the header (version 2), what readers read first. Never more than a
     * whole version 1 batch: its fixed header and one record (at least 11 bytes) exceed it.
     */
    public static final int HEADER_SIZE = OFF_SOURCE_PEER_LENGTH + 2;

    public static final int ATTR_CODEC_MASK = 0x07;
    public static final int CODEC_NONE = 0;
    public static final int CODEC_LZ4 = 1;
    public static final int ATTR_HASH_CHAINED = 0x08;

    /** Upper bound of one batch; a larger length field is treated as corruption. */
    public static final int MAX_BATCH_BYTES = 256 * 1024 * 1024;
    private static final int MAX_VAR_FIELD = 0xFFFF;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    private BatchCodec() {}

    /**
     * Encodes a request into a batch with base offset 0 and computes its CRC. Compresses with LZ4
     * when asked and when that makes the payload smaller.
     *
     * @throws IllegalArgumentException when the request is empty or a field is too long
     */
    public static EncodedBatch encode(AppendRequest request, boolean compress) {
        return encode(request, compress, false);
    }

    /**
     * As {@link #encode(AppendRequest, boolean)}; {@code chained} sets attributes bit 3 (the chain
     * hash itself is set with the base offset, {@link #setChainHash}).
     */
    public static EncodedBatch encode(AppendRequest request, boolean compress, boolean chained) {
        RecordBlock records = request.records();
        if (records == null || records.count() <= 0) {
            throw new IllegalArgumentException("a batch needs at least one record");
        }
        if (records.length() > MAX_BATCH_BYTES / 2) {
            throw new IllegalArgumentException("batch payload of " + records.length() + " bytes exceeds " + MAX_BATCH_BYTES / 2);
        }
        byte[] tag = utf8(request.tag() == null ? "" : request.tag(), "tag");
        byte[] chunk = request.chunkId() == null ? new byte[0] : utf8(request.chunkId(), "chunk id");
        byte[] source = request.sourcePosition() == null ? new byte[0] : request.sourcePosition();
        if (source.length > MAX_VAR_FIELD) {
            throw new IllegalArgumentException("source position longer than " + MAX_VAR_FIELD + " bytes");
        }
        Source from = request.source() == null ? null : request.source().source();
        byte[] input = from == null ? new byte[0] : utf8(from.input(), "source input");
        byte[] peer = from == null ? new byte[0] : utf8(from.peer(), "source peer");
        int varStart = HEADER_SIZE;
        int payloadStart = varStart + tag.length + chunk.length + source.length + input.length + peer.length;
        int raw = records.length();
        byte[] buf;
        int payloadLength;
        int codec = CODEC_NONE;
        if (compress) {
            LZ4Compressor c = LZ4.fastCompressor();
            buf = new byte[payloadStart + c.maxCompressedLength(raw)];
            payloadLength = c.compress(records.array(), records.offset(), raw, buf, payloadStart, buf.length - payloadStart);
            if (payloadLength < raw) {
                codec = CODEC_LZ4;
            }
        } else {
            buf = null;
            payloadLength = raw;
        }
        if (codec == CODEC_NONE) {
            if (buf == null || buf.length < payloadStart + raw) {
                buf = new byte[payloadStart + raw];
            }
            System.arraycopy(records.array(), records.offset(), buf, payloadStart, raw);
            payloadLength = raw;
        }
        int length = payloadStart + payloadLength;
        Bytes.putInt(buf, OFF_MAGIC, MAGIC);
        putShort(buf, OFF_VERSION, VERSION);
        Bytes.putInt(buf, OFF_LENGTH, length);
        Bytes.putLong(buf, OFF_BASE_OFFSET, 0L);
        // the chain hash stays zero until setChainHash (a chained lane, under its append lock)
        putShort(buf, OFF_ATTRIBUTES, chained ? codec | ATTR_HASH_CHAINED : codec);
        Bytes.putInt(buf, OFF_RECORD_COUNT, records.count());
        Bytes.putLong(buf, OFF_MIN_TS, records.minTsNanos());
        Bytes.putLong(buf, OFF_MAX_TS, records.maxTsNanos());
        Bytes.putLong(buf, OFF_RECEIVED_AT, request.receivedAtNanos());
        Bytes.putInt(buf, OFF_RAW_PAYLOAD_LENGTH, raw);
        putShort(buf, OFF_TAG_LENGTH, tag.length);
        putShort(buf, OFF_CHUNK_ID_LENGTH, chunk.length);
        putShort(buf, OFF_SOURCE_POS_LENGTH, source.length);
        putShort(buf, OFF_SOURCE_INPUT_LENGTH, input.length);
        putShort(buf, OFF_SOURCE_PEER_LENGTH, peer.length);
        int p = varStart;
        for (byte[] field : new byte[][] {tag, chunk, source, input, peer}) {
            System.arraycopy(field, 0, buf, p, field.length);
            p += field.length;
        }
        Bytes.putInt(buf, OFF_CRC, crc(buf, 0, length));
        return new EncodedBatch(buf, length, records.count(), request.receivedAtNanos());
    }

    /** Sets the base offset of an encoded batch; the CRC does not cover it. */
    public static void setBaseOffset(byte[] batch, long baseOffset) {
        Bytes.putLong(batch, OFF_BASE_OFFSET, baseOffset);
    }

    /** Sets the chain hash field (32 bytes of {@code hash}); the CRC does not cover it. */
    public static void setChainHash(byte[] batch, byte[] hash) {
        System.arraycopy(hash, 0, batch, OFF_CHAIN_HASH, CHAIN_HASH_LENGTH);
    }

    /** A copy of the chain hash field of the batch at {@code b[off, …)}. */
    public static byte[] chainHash(byte[] b, int off) {
        return java.util.Arrays.copyOfRange(b, off + OFF_CHAIN_HASH, off + OFF_CHAIN_HASH + CHAIN_HASH_LENGTH);
    }

    /** CRC32C of the covered part of the batch at {@code b[off, off+length)}. */
    public static int crc(byte[] b, int off, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, off + CRC_START, length - CRC_START);
        return (int) crc.getValue();
    }

    /**
     * Checks the fixed header at {@code b[off, off+HEADER_SIZE)} and returns the total header length
     * (fixed plus variable fields).
     *
     * @throws CorruptBatchException on a bad magic, unknown version or impossible length
     */
    public static int headerLength(byte[] b, int off) throws CorruptBatchException {
        int magic = Bytes.getInt(b, off + OFF_MAGIC);
        if (magic != MAGIC) {
            throw new CorruptBatchException(String.format("bad magic 0x%08x", magic));
        }
        int version = getShort(b, off + OFF_VERSION);
        if (version != VERSION && version != VERSION_1) {
            throw new CorruptBatchException("unknown batch version " + version);
        }
        int length = Bytes.getInt(b, off + OFF_LENGTH);
        int headerLength = fixedHeaderSize(version) + getShort(b, off + OFF_TAG_LENGTH) + getShort(b, off + OFF_CHUNK_ID_LENGTH)
                + getShort(b, off + OFF_SOURCE_POS_LENGTH);
        if (version == VERSION) {
            headerLength += getShort(b, off + OFF_SOURCE_INPUT_LENGTH) + getShort(b, off + OFF_SOURCE_PEER_LENGTH);
        }
        if (length < headerLength || length > MAX_BATCH_BYTES) {
            throw new CorruptBatchException("impossible batch length " + length);
        }
        return headerLength;
    }

    private static int fixedHeaderSize(int version) {
        return version == VERSION_1 ? HEADER_SIZE_V1 : HEADER_SIZE;
    }

    /** The length field of a batch whose fixed header passed {@link #headerLength}. */
    public static int length(byte[] b, int off) {
        return Bytes.getInt(b, off + OFF_LENGTH);
    }

    /**
     * Decodes the header of a batch; {@code b[off, off+headerLength)} must be present.
     *
     * @throws CorruptBatchException when a field is out of range
     */
    public static BatchHeader decodeHeader(byte[] b, int off) throws CorruptBatchException {
        int headerLength = headerLength(b, off);
        int tagLength = getShort(b, off + OFF_TAG_LENGTH);
        int chunkLength = getShort(b, off + OFF_CHUNK_ID_LENGTH);
        int sourceLength = getShort(b, off + OFF_SOURCE_POS_LENGTH);
        int count = Bytes.getInt(b, off + OFF_RECORD_COUNT);
        int raw = Bytes.getInt(b, off + OFF_RAW_PAYLOAD_LENGTH);
        int attributes = getShort(b, off + OFF_ATTRIBUTES);
        long baseOffset = Bytes.getLong(b, off + OFF_BASE_OFFSET);
        if (count <= 0 || raw < 0 || raw > MAX_BATCH_BYTES || baseOffset < 0) {
            throw new CorruptBatchException("bad header: count=" + count + " rawLength=" + raw + " baseOffset=" + baseOffset);
        }
        if ((attributes & ~(ATTR_CODEC_MASK | ATTR_HASH_CHAINED)) != 0 || (attributes & ATTR_CODEC_MASK) > CODEC_LZ4) {
            throw new CorruptBatchException("unknown attributes " + attributes);
        }
        int version = getShort(b, off + OFF_VERSION);
        int p = off + fixedHeaderSize(version);
        String tag = new String(b, p, tagLength, StandardCharsets.UTF_8);
        p += tagLength;
        String chunk = chunkLength == 0 ? null : new String(b, p, chunkLength, StandardCharsets.UTF_8);
        p += chunkLength;
        byte[] source = sourceLength == 0 ? null : java.util.Arrays.copyOfRange(b, p, p + sourceLength);
        p += sourceLength;
        Source from = null;
        if (version == VERSION) {
            int inputLength = getShort(b, off + OFF_SOURCE_INPUT_LENGTH);
            int peerLength = getShort(b, off + OFF_SOURCE_PEER_LENGTH);
            if (inputLength > 0) {
                from = new Source(new String(b, p, inputLength, StandardCharsets.UTF_8),
                        new String(b, p + inputLength, peerLength, StandardCharsets.UTF_8));
            } else if (peerLength > 0) {
                throw new CorruptBatchException("a source peer without an input");
            }
        }
        return new BatchHeader(version, length(b, off), baseOffset, Bytes.getInt(b, off + OFF_CRC), attributes, count,
                Bytes.getLong(b, off + OFF_MIN_TS), Bytes.getLong(b, off + OFF_MAX_TS),
                Bytes.getLong(b, off + OFF_RECEIVED_AT), raw, tag, chunk, source, from, headerLength);
    }

    /**
     * Verifies the CRC and, when the hash chain is off, that the hash field is zero.
     *
     * @throws CorruptBatchException on a mismatch
     */
    public static void verify(byte[] b, int off, BatchHeader header) throws CorruptBatchException {
        int actual = crc(b, off, header.length());
        if (actual != header.crc()) {
            throw new CorruptBatchException(String.format("CRC mismatch: stored 0x%08x, computed 0x%08x", header.crc(), actual));
        }
        if (!header.hashChained()) {
            for (int i = 0; i < CHAIN_HASH_LENGTH; i++) {
                if (b[off + OFF_CHAIN_HASH + i] != 0) {
                    throw new CorruptBatchException("chain hash set on a batch without hash chaining");
                }
            }
        }
    }

    /**
     * Decompresses (if needed) and validates the records of a verified batch.
     *
     * @throws CorruptBatchException when the payload does not decode to the header's record count
     */
    public static RecordBlock records(byte[] b, int off, BatchHeader header) throws CorruptBatchException {
        int start = off + header.payloadStart();
        int stored = header.length() - header.payloadStart();
        byte[] raw;
        if (header.codec() == CODEC_LZ4) {
            raw = new byte[header.rawPayloadLength()];
            try {
                // The safe decompressor bounds both input and output and, in this lz4-java, is the
                // native (JNI) one where available; its fast decompressor is always pure Java.
                int written = LZ4.safeDecompressor().decompress(b, start, stored, raw, 0, raw.length);
                if (written != raw.length) {
                    throw new CorruptBatchException("LZ4 payload decodes to " + written + " bytes, header says " + raw.length);
                }
            } catch (LZ4Exception e) {
                throw new CorruptBatchException("LZ4 payload does not decode: " + e.getMessage());
            }
        } else {
            if (stored != header.rawPayloadLength()) {
                throw new CorruptBatchException("payload length " + stored + " != raw length " + header.rawPayloadLength());
            }
            raw = java.util.Arrays.copyOfRange(b, start, start + stored);
        }
        RecordBlock parsed;
        try {
            parsed = RecordBlock.parse(raw, 0, raw.length, header.recordCount());
        } catch (IllegalArgumentException e) {
            throw new CorruptBatchException("payload framing: " + e.getMessage());
        }
        return parsed;
    }

    static int getShort(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static void putShort(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    private static byte[] utf8(String s, String what) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_VAR_FIELD) {
            throw new IllegalArgumentException(what + " longer than " + MAX_VAR_FIELD + " bytes");
        }
        return bytes;
    }
}
