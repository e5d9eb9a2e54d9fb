package io.loglane.stream.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.ingest.ChunkIds;
import io.loglane.stream.AppendResult;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Ids the request journal gives the parts of multi-lane requests take no room in a lane's window
 * while it runs (a Forward chunk id would otherwise be forgotten sooner under HTTP load), yet a
 * start-up seed remembers them, so a part re-appended after a crash is a duplicate. A multiline
 * carry's mix of several requests is remembered with each of its parts, stored or seeded.
 */
class DedupWindowTest {
    @Test
    void aJournalIdIsNotRememberedWhenStoredButIsWhenSeededAtStartUp() {
        DedupWindow window = new DedupWindow(1_000_000_000L, 10);
        String journal = ChunkIds.journal(0xabc);
        String forward = ChunkIds.forward("c1");
        for (String id : new String[] {journal, forward}) {
            assertThat(window.begin(id, 1, new CompletableFuture<>())).isInstanceOf(DedupWindow.Decision.Store.class);
            window.stored(id, new AppendResult(0, 1, false), 1);
        }
        assertThat(window.size()).isEqualTo(1);
        assertThat(window.begin(forward, 2, new CompletableFuture<>())).isInstanceOf(DedupWindow.Decision.Duplicate.class);
        assertThat(window.begin(journal, 2, new CompletableFuture<>())).as("not kept while running")
                .isInstanceOf(DedupWindow.Decision.Store.class);

        DedupWindow restarted = new DedupWindow(1_000_000_000L, 10);
        restarted.seed(journal, 5, 3, 1);
        assertThat(restarted.begin(journal, 2, new CompletableFuture<>())).isEqualTo(
                new DedupWindow.Decision.Duplicate(new AppendResult(5, 3, true)));
    }

    @Test
    void eachPartOfAStoredOrSeededMixIsADuplicateAloneButAnotherMixOfOneOfThemIsNot() {
        BitSet last = new BitSet();
        last.set(3);
        BitSet head = new BitSet();
        head.set(0, 2);
        String a = ChunkIds.part(ChunkIds.forward("a"), 4, last);
        String b = ChunkIds.part(ChunkIds.forward("b"), 3, head);
        String c = ChunkIds.part(ChunkIds.forward("c"), 3, head);
        String mix = ChunkIds.carry(List.of(a, b));
        DedupWindow window = new DedupWindow(1_000_000_000L, 10);
        assertThat(window.begin(mix, 1, new CompletableFuture<>())).isInstanceOf(DedupWindow.Decision.Store.class);
        window.stored(mix, new AppendResult(7, 2, false), 1);
        for (String alone : List.of(mix, a, b)) {
            assertThat(window.begin(alone, 2, new CompletableFuture<>())).as(alone)
                    .isEqualTo(new DedupWindow.Decision.Duplicate(new AppendResult(7, 2, true)));
        }
        assertThat(window.begin(ChunkIds.carry(List.of(c, b)), 2, new CompletableFuture<>())).as("c's lines were never stored")
                .isInstanceOf(DedupWindow.Decision.Store.class);
        assertThat(window.begin(ChunkIds.forward("b"), 2, new CompletableFuture<>())).as("all of b is more than its part")
                .isInstanceOf(DedupWindow.Decision.Store.class);

        DedupWindow restarted = new DedupWindow(1_000_000_000L, 10);
        restarted.seed(mix, 7, 2, 1);
        assertThat(restarted.begin(b, 2, new CompletableFuture<>())).isInstanceOf(DedupWindow.Decision.Duplicate.class);
    }
}
