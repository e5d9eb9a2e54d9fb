package io.loglane.core.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link BackgroundPriority}: a thread it lowers runs at a higher nice value, as the kernel reports
 * it in {@code /proc/thread-self/stat}, while the thread that made it keeps its own; threads that
 * thread starts inherit it.
 */
class BackgroundPriorityTest {
    /** The calling thread's nice value as the kernel reports it (field 19 of its stat line). */
    private static int kernelNice() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aLoweredThreadRunsNicerAndItsChildrenInheritIt() throws Exception {
        int mine = kernelNice();
        assertThat(BackgroundPriority.current()).isEqualTo(mine);
        CompletableFuture<int[]> seen = new CompletableFuture<>();
        Thread t = new BackgroundPriority(7).factory("bg-test").newThread(() -> {
            try {
                int own = kernelNice();
                CompletableFuture<Integer> child = new CompletableFuture<>();
                Thread c = new Thread(() -> {
                    try {
                        child.complete(kernelNice());
                    } catch (Exception e) {
                        child.completeExceptionally(e);
                    }
                });
                c.start();
                seen.complete(new int[] {own, child.get(10, TimeUnit.SECONDS)});
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        });
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("bg-test");
        t.start();
        int[] nice = seen.get(10, TimeUnit.SECONDS);
        int expected = Math.min(19, mine + 7);
        assertThat(nice[0]).as("the lowered thread").isEqualTo(expected);
        assertThat(nice[1]).as("a thread it started").isEqualTo(expected);
        assertThat(kernelNice()).as("the caller's own").isEqualTo(mine);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void noneChangesNothing() throws Exception {
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        int mine = kernelNice();
        BackgroundPriority.NONE.factory("bg-none").newThread(() -> {
            try {
                seen.complete(kernelNice());
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
        }).start();
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(mine);
    }

    @Test
    void outOfRangeDeltasAreRefused() {
        assertThatThrownBy(() -> new BackgroundPriority(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackgroundPriority(20)).isInstanceOf(IllegalArgumentException.class);
    }
}
