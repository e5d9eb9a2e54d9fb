package io.loglane.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for {@code up}: the first one counts {@code stop} down so that the main thread
 * shuts down and the process exits 0 (the JVM's own handler would run shutdown hooks and exit
 * 143, which supervisors read as a failure); a second one halts at once with 130, for an operator
 * who will not wait for the drain.
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported-but-unofficial hook (module
 * {@code jdk.unsupported}); there is no public API for handling signals.
 *
 * <p>Thread-safety: handlers run on the JVM's signal thread; the counter is atomic.
 */
final class StopSignals {
    private StopSignals() {}

    static void install(CountDownLatch stop) {
        AtomicInteger received = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                if (received.incrementAndGet() == 1) {
                    stop.countDown();
                } else {
                    System.err.println("loglane: second SIG" + sig.getName() + " during shutdown; exiting now");
                    Runtime.getRuntime().halt(130);
                }
            });
        }
    }
}
