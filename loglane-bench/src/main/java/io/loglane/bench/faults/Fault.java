package io.loglane.bench.faults;

import java.nio.file.Path;

/**
 * One fault the harness injects into a running child loglane and then removes. {@link #inject}
 * returns once the fault is over (the node is back, the store is back, the disk has room); the
 * harness takes that moment as the fault's end and measures recovery from it.
 *
 * <p>Thread-safety: a fault is used by one harness thread at a time.
 */
public sealed interface Fault permits Kill9, StoreOutage, DiskFull, Freeze, StalledTail, CorruptSealed {
    /** A short label for the loss table, e.g. {@code kill -9} or {@code archive+index down 10s}. */
    String name();

    /** Why this fault cannot run on this machine (e.g. {@code skipped: needs root}); null when it can. */
    default String unavailable() { return null; }

    /** The data directory the node of a scenario with this fault must use (a fault may need a small filesystem). */
    default Path dataDir(Path work) throws Exception { return work.resolve("data"); }

    /** Undoes {@link #dataDir} (unmounts what it mounted); called once the scenario's node has stopped. */
    default void release(Path work) {}

    /**
     * Injects the fault into {@code node}, holds it, removes it and returns.
     *
     * @param beforeKill called right before the node is killed, if it is (the harness reads the
     *                   node's last counters then)
     * @return what the fault did, for the table's notes (e.g. which segments it damaged); empty when nothing to say
     */
    String inject(ChildNode node, Runnable beforeKill) throws Exception;
}
