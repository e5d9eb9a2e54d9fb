package io.loglane.stream.local;

/**
 * The fixed and variable header fields of one stored batch, as decoded by {@link BatchCodec}.
 *
 * @param version          batch format version
 * @param length           total bytes of the batch, header and payload
 * @param baseOffset       offset of the first record
 * @param crc              stored CRC32C of the batch bytes after the CRC field
 * @param attributes       bit field, see {@link BatchCodec}
 * @param recordCount      records in the batch (at least 1)
 * @param minTsNanos       smallest event time
 * @param maxTsNanos       largest event time
 * @param receivedAtNanos  arrival time at loglane
 * @param rawPayloadLength uncompressed payload length
 * @param tag              tag shared by the records
 * @param chunkId          producer chunk id, or null
 * @param sourcePosition   opaque source position, or null
 * @param source           the ledger source the events were counted under, or null (none, or a version 1 batch)
 * @param payloadStart     position of the (compressed) payload relative to the batch start
 *
 * <p>Thread-safety: immutable.
 */
public record BatchHeader(
        int version,
        int length,
        long baseOffset,
        int crc,
        int attributes,
        int recordCount,
        long minTsNanos,
        long maxTsNanos,
        long receivedAtNanos,
        int rawPayloadLength,
        String tag,
        String chunkId,
        byte[] sourcePosition,
        io.loglane.core.ingest.Source source,
        int payloadStart) {

    /** Offset after the last record of the batch. */
    public long nextOffset() { return baseOffset + recordCount; }

    /** Compression codec id from the attributes (0 = none, 1 = LZ4). */
    public int codec() { return attributes & BatchCodec.ATTR_CODEC_MASK; }

    /** Whether the chained-hash field was filled (bit 3 of the attributes). */
    public boolean hashChained() { return (attributes & BatchCodec.ATTR_HASH_CHAINED) != 0; }
}
