package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.event.RecordBlock;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BatchCodecTest {
    @Test
    void encodedBatchDecodesToTheSameRecordsAndHeader() throws Exception {
        AppendRequest req = Fixtures.request(50, 7, 123_456L, "chunk-7");
        EncodedBatch enc = BatchCodec.encode(req, true);
        BatchCodec.setBaseOffset(enc.bytes(), 1000);

        BatchHeader h = BatchCodec.decodeHeader(enc.bytes(), 0);
        BatchCodec.verify(enc.bytes(), 0, h);
        RecordBlock back = BatchCodec.records(enc.bytes(), 0, h);

        assertThat(h.codec()).isEqualTo(BatchCodec.CODEC_LZ4);
        assertThat(h.baseOffset()).isEqualTo(1000);
        assertThat(h.nextOffset()).isEqualTo(1050);
        assertThat(h.tag()).isEqualTo("app.access");
        assertThat(h.chunkId()).isEqualTo("chunk-7");
        assertThat(new String(h.sourcePosition(), StandardCharsets.UTF_8)).isEqualTo("pos-7");
        assertThat(h.source()).isEqualTo(Fixtures.SOURCE);
        assertThat(h.version()).isEqualTo(BatchCodec.VERSION);
        assertThat(h.receivedAtNanos()).isEqualTo(123_456L);
        assertThat(h.minTsNanos()).isEqualTo(req.records().minTsNanos());
        assertThat(h.maxTsNanos()).isEqualTo(req.records().maxTsNanos());
        assertThat(back.toByteArray()).isEqualTo(req.records().toByteArray());
        assertThat(enc.length()).isLessThan(req.records().length());
    }

    /**
     * A batch as version 1 (before sources) wrote it, made from a version 2 encoding of the same
     * request without a source: the two source length fields cut out, version 1, the CRC redone.
     */
    static byte[] asVersion1(EncodedBatch v2) {
        byte[] b = v2.bytes();
        assertThat(BatchCodec.getShort(b, BatchCodec.OFF_SOURCE_INPUT_LENGTH) + BatchCodec.getShort(b, BatchCodec.OFF_SOURCE_PEER_LENGTH))
                .as("a request without a source").isZero();
        int length = v2.length() - (BatchCodec.HEADER_SIZE - BatchCodec.HEADER_SIZE_V1);
        byte[] v1 = new byte[length];
        System.arraycopy(b, 0, v1, 0, BatchCodec.HEADER_SIZE_V1);
        System.arraycopy(b, BatchCodec.HEADER_SIZE, v1, BatchCodec.HEADER_SIZE_V1, length - BatchCodec.HEADER_SIZE_V1);
        BatchCodec.putShort(v1, BatchCodec.OFF_VERSION, BatchCodec.VERSION_1);
        io.loglane.core.event.Bytes.putInt(v1, BatchCodec.OFF_LENGTH, length);
        io.loglane.core.event.Bytes.putInt(v1, BatchCodec.OFF_CRC, BatchCodec.crc(v1, 0, length));
        return v1;
    }

    @Test
    void aVersion1BatchDecodesWithEveryFieldAndNoSource() throws Exception {
        AppendRequest req = new AppendRequest("app.access", Fixtures.block(30, 4), 99L, "chunk-4", "pos-4".getBytes(StandardCharsets.UTF_8));
        byte[] v1 = asVersion1(BatchCodec.encode(req, true));
        BatchCodec.setBaseOffset(v1, 500);
        assertThat(BatchCodec.headerLength(v1, 0)).isEqualTo(BatchCodec.HEADER_SIZE_V1 + "app.access".length() + "chunk-4".length() + 5);
        BatchHeader h = BatchCodec.decodeHeader(v1, 0);
        BatchCodec.verify(v1, 0, h);
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.baseOffset()).isEqualTo(500);
        assertThat(h.tag()).isEqualTo("app.access");
        assertThat(h.chunkId()).isEqualTo("chunk-4");
        assertThat(new String(h.sourcePosition(), StandardCharsets.UTF_8)).isEqualTo("pos-4");
        assertThat(h.source()).isNull();
        assertThat(BatchCodec.records(v1, 0, h).toByteArray()).isEqualTo(req.records().toByteArray());
    }

    @Test
    void uncompressedBatchUsesCodecZero() throws Exception {
        AppendRequest req = Fixtures.request(3, 1);
        EncodedBatch enc = BatchCodec.encode(req, false);
        BatchHeader h = BatchCodec.decodeHeader(enc.bytes(), 0);
        assertThat(h.codec()).isEqualTo(BatchCodec.CODEC_NONE);
        assertThat(BatchCodec.records(enc.bytes(), 0, h).toByteArray()).isEqualTo(req.records().toByteArray());
    }

    @Test
    void everyCoveredBitFlipIsCaughtByTheCrc() throws Exception {
        EncodedBatch enc = BatchCodec.encode(Fixtures.request(20, 2), true);
        for (int pos = BatchCodec.CRC_START; pos < enc.length(); pos += 7) {
            byte[] copy = java.util.Arrays.copyOf(enc.bytes(), enc.length());
            copy[pos] ^= 0x10;
            assertThatThrownBy(() -> {
                BatchHeader h = BatchCodec.decodeHeader(copy, 0);
                BatchCodec.verify(copy, 0, h);
            }).as("flip at %d", pos).isInstanceOf(CorruptBatchException.class);
        }
    }

    @Test
    void badMagicVersionAndLengthAreRejected() {
        EncodedBatch enc = BatchCodec.encode(Fixtures.request(2, 3), true);
        byte[] b = java.util.Arrays.copyOf(enc.bytes(), enc.length());
        b[0] ^= 1;
        assertThatThrownBy(() -> BatchCodec.headerLength(b, 0)).hasMessageContaining("magic");
        byte[] v = java.util.Arrays.copyOf(enc.bytes(), enc.length());
        v[BatchCodec.OFF_VERSION + 1] = 9;
        assertThatThrownBy(() -> BatchCodec.headerLength(v, 0)).hasMessageContaining("version");
        byte[] l = java.util.Arrays.copyOf(enc.bytes(), enc.length());
        l[BatchCodec.OFF_LENGTH] = 0x7f;
        assertThatThrownBy(() -> BatchCodec.headerLength(l, 0)).hasMessageContaining("length");
    }

    @Test
    void emptyOrOversizedRequestsAreRefused() {
        assertThatThrownBy(() -> BatchCodec.encode(new AppendRequest("t", RecordBlock.EMPTY, 0, null, null), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchCodec.encode(new AppendRequest("t", Fixtures.block(1, 1), 0, "x".repeat(70_000), null), true))
                .hasMessageContaining("chunk id");
    }
}
