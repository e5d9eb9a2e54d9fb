package io.loglane.core.os;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the threads that work behind the acknowledgement (delivery, the
 * archive's Parquet conversion and maintenance, the index's refresh) by a Linux nice value, so that
 * when the CPU is short the threads that take and acknowledge events win it, and delivery catches
 * up as soon as there is CPU to spare. The stream holds what delivery has not caught up with (it is
 * durable for disk and sync lanes; a full lane pushes back on ingest, which then leaves delivery
 * the CPU), so a burst of ingest is taken at the rate the machine can take it rather than at the
 * rate the stores can keep up with. RocksDB lowers its compaction threads the same way.
 *
 * <p>How: {@code setpriority(PRIO_PROCESS, 0, nice)} through JNA from the thread itself, which on
 * Linux applies to the calling thread only (the nice value is per thread under NPTL). Threads it
 * creates (Lucene's merge threads) inherit it. Raising a nice value needs no privilege; it is added
 * to the process's own (its main thread's: a process started under {@code nice -n 5} gets
 * 5 + delta), capped at 19; a thread already that low is left alone. Elsewhere than Linux, or when the call fails, nothing changes (logged once).
 *
 * <p>Thread-safety: immutable; {@link #apply()} acts on the calling thread.
 *
 * @param delta nice value added to each background thread's, 0 to 19 (0 = unchanged)
 */
public record BackgroundPriority(int delta) {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
    private static final int PRIO_PROCESS = 0;
    private static final int MAX_NICE = 19;
    /** Warn once per process, not once per thread. */
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** Priority unchanged. */
    public static final BackgroundPriority NONE = new BackgroundPriority(0);

    public BackgroundPriority {
        if (delta < 0 || delta > MAX_NICE) {
            throw new IllegalArgumentException("nice delta must be 0-19, got " + delta);
        }
    }

    /**
     * Lowers the calling thread's priority by {@link #delta()}.
     *
     * @return the thread's nice value after the call, or -100 when it could not be read or set
     */
    public int apply() {
        if (delta == 0) {
            return current();
        }
        try {
            LibC c = LibC.load();
            if (c == null) {
                return -100;
            }
            // relative to the process (its main thread, whose id is the pid), not to this thread: a
            // thread started by a lowered one has inherited the lowered value already
            int target = Math.min(MAX_NICE, c.getpriority(PRIO_PROCESS, (int) ProcessHandle.current().pid()) + delta);
            if (c.getpriority(PRIO_PROCESS, 0) >= target) {
                return target;
            }
            if (c.setpriority(PRIO_PROCESS, 0, target) != 0) {
                warn("setpriority(" + target + ") failed, errno " + Native.getLastError());
                return -100;
            }
            return c.getpriority(PRIO_PROCESS, 0);
        } catch (LinkageError | RuntimeException e) {
            warn(e.toString());
            return -100;
        }
    }

    /** The calling thread's nice value, or -100 when it cannot be read. */
    public static int current() {
        try {
            LibC c = LibC.load();
            return c == null ? -100 : c.getpriority(PRIO_PROCESS, 0);
        } catch (LinkageError | RuntimeException e) {
            return -100;
        }
    }

    /** A factory of daemon threads named {@code name} that lower their priority before they run. */
    public ThreadFactory factory(String name) {
        return r -> {
            Thread t = new Thread(() -> {
                apply();
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** {@code r} with the priority lowered first: for threads made elsewhere (a Thread.Builder). */
    public Runnable lowered(Runnable r) {
        return () -> {
            apply();
            r.run();
        };
    }

    private static void warn(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("background threads keep their CPU priority ({}): ingest and delivery share the CPU evenly", why);
        }
    }

    /** The two calls of the C library this needs; null off Linux. */
    private interface LibC extends Library {
        int getpriority(int which, int who);

        int setpriority(int which, int who, int prio);

        static LibC load() {
            return Holder.INSTANCE;
        }

        /** Loaded on first use, once. */
        final class Holder {
            static final LibC INSTANCE = System.getProperty("os.name", "").startsWith("Linux") ? Native.load("c", LibC.class) : null;
        }
    }
}
