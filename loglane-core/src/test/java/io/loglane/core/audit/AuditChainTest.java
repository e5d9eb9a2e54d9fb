package io.loglane.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class AuditChainTest {
    private final AuditChain chain = new AuditChain();
    private final byte[] record = "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0003abc".getBytes(StandardCharsets.ISO_8859_1);

    /** The documented layout, spelled out with a fresh digest. */
    private static byte[] reference(byte[] prev, long offset, long micros, String tag, byte[] rec) throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write(prev);
        in.write(ByteBuffer.allocate(18).putLong(offset).putLong(micros).putShort((short) tag.length()).array());
        in.write(tag.getBytes(StandardCharsets.UTF_8));
        in.write(rec);
        return MessageDigest.getInstance("SHA-256").digest(in.toByteArray());
    }

    @Test
    void theHashIsSha256OfPrevOffsetArrivalTagAndRecordAsDocumented() throws Exception {
        byte[] h1 = chain.next(AuditChain.genesis(), 7, 1_700_000_000_000_000L, "web-1.audit", record);
        assertThat(h1).isEqualTo(reference(new byte[32], 7, 1_700_000_000_000_000L, "web-1.audit", record));
        byte[] h2 = chain.next(h1, 8, 1_700_000_000_000_001L, "web-1.audit", record);
        assertThat(h2).isEqualTo(reference(h1, 8, 1_700_000_000_000_001L, "web-1.audit", record));
    }

    @Test
    void everyCoveredPartChangesTheHash() {
        byte[] base = chain.next(AuditChain.genesis(), 7, 5, "t", record);
        byte[] otherPrev = AuditChain.genesis();
        otherPrev[31] = 1;
        assertThat(chain.next(otherPrev, 7, 5, "t", record)).isNotEqualTo(base);
        assertThat(chain.next(AuditChain.genesis(), 8, 5, "t", record)).isNotEqualTo(base);
        assertThat(chain.next(AuditChain.genesis(), 7, 6, "t", record)).isNotEqualTo(base);
        assertThat(chain.next(AuditChain.genesis(), 7, 5, "u", record)).isNotEqualTo(base);
        byte[] altered = record.clone();
        altered[altered.length - 1] ^= 1;
        assertThat(chain.next(AuditChain.genesis(), 7, 5, "t", altered)).isNotEqualTo(base);
        assertThat(chain.next(AuditChain.genesis(), 7, 5, "t", record)).as("deterministic").isEqualTo(base);
    }

    @Test
    void theOutputMayBeThePredecessorsArray() {
        byte[] h = AuditChain.genesis();
        byte[] expected = chain.next(AuditChain.genesis(), 1, 2, "t", record);
        byte[] tag = "t".getBytes(StandardCharsets.UTF_8);
        chain.next(h, 0, 1, 2, tag, record, 0, record.length, h, 0);
        assertThat(h).isEqualTo(expected);
        assertThat(AuditChain.isGenesis(AuditChain.genesis())).isTrue();
        assertThat(AuditChain.isGenesis(h)).isFalse();
    }

    @Test
    void aHeadRoundTripsAndADamagedOneIsRefused() throws IOException {
        ChainHead head = new ChainHead(42, chain.next(AuditChain.genesis(), 42, 9, "t", record), 9);
        byte[] bytes = head.encode();
        assertThat(bytes).hasSize(ChainHead.BYTES);
        assertThat(ChainHead.decode(bytes, "h")).isEqualTo(head);
        assertThat(head.hashHex()).hasSize(64);
        bytes[20] ^= 1;
        assertThatThrownBy(() -> ChainHead.decode(bytes, "chain.head")).isInstanceOf(IOException.class).hasMessageContaining("CRC");
        assertThatThrownBy(() -> ChainHead.decode(new byte[3], "chain.head")).isInstanceOf(IOException.class).hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> new ChainHead(-1, new byte[32], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChainHead(1, new byte[31], 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
