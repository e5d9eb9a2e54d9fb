package io.loglane.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dedup ids of a multiline carry's sends: parts of requests and mixes of parts. */
class ChunkIdsTest {
    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        Arrays.stream(set).forEach(b::set);
        return b;
    }

    @Test
    void allOfARequestIsItsOwnIdAndAPartNamesItsLineRanges() {
        assertThat(ChunkIds.part("forward:c1", 3, bits(0, 1, 2))).isEqualTo("forward:c1");
        assertThat(ChunkIds.part("forward:c1", 4, bits(0, 1, 3))).isEqualTo("part:10:forward:c10-2,3-4");
        assertThat(ChunkIds.part("forward:c1", 4, bits(0, 1))).isNotEqualTo(ChunkIds.part("forward:c1", 4, bits(0, 2)));
        assertThat(ChunkIds.part(null, 2, bits(0))).as("a request without an id has no part ids").isNull();
    }

    @Test
    void anIdCannotShiftIntoTheRangesOfAnother() {
        // without the length prefix "forward:c1" + "1-2" and "forward:c11" + "-2"-like ids could meet
        assertThat(ChunkIds.part("forward:c1", 5, bits(1))).isNotEqualTo(ChunkIds.part("forward:c11", 5, bits(1)));
        assertThat(ChunkIds.part("forward:c1", 20, bits(11))).isNotEqualTo(ChunkIds.part("forward:c11", 20, bits(1)));
    }

    @Test
    void manyRangesAreDigestedToABoundedId() {
        BitSet every = new BitSet();
        for (int i = 0; i < 2000; i += 2) {
            every.set(i);
        }
        String id = ChunkIds.part("forward:c1", 2000, every);
        assertThat(id).startsWith("part:10:forward:c1h").hasSizeLessThan(64);
        assertThat(ChunkIds.part("forward:c1", 2000, (BitSet) every.clone())).as("deterministic").isEqualTo(id);
    }

    @Test
    void aMixNamesItsPartsInOrderAndTheyCanBeReadBack() {
        String a = ChunkIds.part("forward:a:b", 4, bits(3));
        String b = ChunkIds.part("http:app:k", 2, bits(0));
        String mix = ChunkIds.carry(List.of(a, b));
        assertThat(mix).startsWith("carry:");
        assertThat(ChunkIds.carriedParts(mix)).containsExactly(a, b);
        assertThat(ChunkIds.carry(List.of(b, a))).as("order matters: a different mix").isNotEqualTo(mix);
        assertThat(ChunkIds.carry(List.of(a))).as("one part is itself").isEqualTo(a);
        assertThat(ChunkIds.carriedParts(a)).isEmpty();
        assertThat(ChunkIds.carriedParts("forward:carry:1:x")).isEmpty();
    }

    @Test
    void aMixWithARequestWithoutAnIdNeverEqualsAnotherAndOneWithNoIdsHasNone() {
        String a = ChunkIds.part("forward:a", 4, bits(3));
        List<String> parts = new ArrayList<>();
        parts.add(a);
        parts.add(null);
        String one = ChunkIds.carry(parts);
        assertThat(ChunkIds.carry(parts)).as("its lines may differ: a fresh nonce each time").isNotEqualTo(one);
        assertThat(ChunkIds.carriedParts(one)).hasSize(2).startsWith(a);
        assertThat(ChunkIds.carry(Arrays.asList(null, null))).isNull();
    }

    @Test
    void aLongMixIsDigestedAndItsPartsAreNotRead() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            parts.add(ChunkIds.part("forward:chunk-" + i, 3, bits(2)));
        }
        String mix = ChunkIds.carry(parts);
        assertThat(mix).startsWith("carry:h").hasSizeLessThanOrEqualTo(ChunkIds.MAX_CARRY_LENGTH);
        assertThat(ChunkIds.carry(new ArrayList<>(parts))).isEqualTo(mix);
        assertThat(ChunkIds.carriedParts(mix)).isEmpty();
    }

    @Test
    void aDamagedMixYieldsNoParts() {
        assertThat(ChunkIds.carriedParts("carry:99:short")).isEmpty();
        assertThat(ChunkIds.carriedParts("carry:x:y")).isEmpty();
        assertThat(ChunkIds.carriedParts("carry:3:abc4")).isEmpty();
    }
}
