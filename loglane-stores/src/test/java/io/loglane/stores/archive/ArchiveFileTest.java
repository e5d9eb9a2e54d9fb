package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchiveFileTest {
    private static final String HOUR = "lane=app/date=2026-03-01/hour=11/";

    private static ArchiveFile file(long first, long last) {
        return file(0, first, last);
    }

    private static ArchiveFile file(int partition, long first, long last) {
        return new ArchiveFile(ArchiveLayout.fileName(partition, first, last), partition, first, last);
    }

    @Test
    void aNameWithoutPartitionIsPartitionZerosAndANameWithOneCarriesIt() {
        assertThat(ArchiveLayout.parseFile(HOUR + String.format("%020d-%020d.parquet", 3, 9)))
                .isEqualTo(new ArchiveFile(HOUR + "00000000000000000003-00000000000000000009.parquet", 0, 3, 9));
        assertThat(ArchiveLayout.parseFile(HOUR + ArchiveLayout.fileName(7, 3, 9)))
                .isEqualTo(new ArchiveFile(HOUR + "p7-00000000000000000003-00000000000000000009.parquet", 7, 3, 9));
        assertThat(ArchiveLayout.parseFile(HOUR + "p01-00000000000000000003-00000000000000000009.parquet")).as("one spelling per partition").isNull();
        assertThat(ArchiveLayout.parseFile(HOUR + "px-00000000000000000003-00000000000000000009.parquet")).isNull();
    }

    @Test
    void coverageHoldsAcrossOldAndNewNamesOfPartitionZeroButNeverAcrossPartitions() {
        ArchiveFile oldA = ArchiveLayout.parseFile(HOUR + String.format("%020d-%020d.parquet", 0, 2));
        ArchiveFile oldB = ArchiveLayout.parseFile(HOUR + String.format("%020d-%020d.parquet", 3, 5));
        ArchiveFile merged = ArchiveLayout.parseFile(HOUR + ArchiveLayout.fileName(0, 0, 5));
        ArchiveFile otherPartition = ArchiveLayout.parseFile(HOUR + ArchiveLayout.fileName(1, 1, 4));
        assertThat(ArchiveFile.covered(List.of(oldA, oldB, merged, otherPartition))).containsExactlyInAnyOrder(oldA, oldB);
        assertThat(merged.covers(otherPartition)).isFalse();
        assertThat(ArchiveFile.covered(List.of(file(1, 0, 9), file(0, 2, 3), file(2, 4, 4)))).isEmpty();
    }

    @Test
    void aMergedFileCoversItsSourcesAndAnEarlierMergedFile() {
        ArchiveFile a = file(0, 2), b = file(3, 5), c = file(6, 8), ab = file(0, 5), abc = file(0, 8), later = file(9, 9);
        assertThat(ArchiveFile.covered(List.of(a, b, c, later))).isEmpty();
        assertThat(ArchiveFile.covered(List.of(later, c, abc, b, a))).containsExactlyInAnyOrder(a, b, c);
        assertThat(ArchiveFile.covered(List.of(ab, c, abc, later))).containsExactlyInAnyOrder(ab, c);
        assertThat(ArchiveFile.covered(List.of(file(0, 5), file(3, 8)))).as("overlap is not coverage").isEmpty();
    }

    /** The one-sweep rule gives what the definition ({@link ArchiveFile#covers}, pairwise) gives. */
    @Test
    void theSweepAgreesWithThePairwiseDefinition() {
        Random r = new Random(42);
        for (int round = 0; round < 2000; round++) {
            Set<String> names = new HashSet<>();
            List<ArchiveFile> files = new ArrayList<>();
            for (int i = r.nextInt(12); i > 0; i--) {
                int partition = r.nextInt(3);
                long first = r.nextInt(30);
                long last = first + r.nextInt(10);
                if (names.add(partition + "-" + first + "-" + last)) { // one name per partition and range in a directory
                    files.add(file(partition, first, last));
                }
            }
            Set<ArchiveFile> expected = new HashSet<>();
            for (ArchiveFile f : files) {
                if (files.stream().anyMatch(o -> o.covers(f))) {
                    expected.add(f);
                }
            }
            assertThat(ArchiveFile.covered(files)).as("%s", files).isEqualTo(expected);
        }
    }
}
