package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchiveFileTest {
    private static ArchiveFile file(long first, long last) {
        return new ArchiveFile(ArchiveLayout.fileName(first, last), first, last);
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
                long first = r.nextInt(30);
                long last = first + r.nextInt(10);
                if (names.add(first + "-" + last)) { // one name per range in a directory
                    files.add(file(first, last));
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
