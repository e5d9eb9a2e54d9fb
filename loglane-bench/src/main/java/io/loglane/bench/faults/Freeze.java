package io.loglane.bench.faults;

import java.time.Duration;

/**
 * SIGSTOP the node for a while, then SIGCONT: the whole process stalls (every consumer, every
 * input), sockets stay open, clients time out and resend. Returns after SIGCONT.
 *
 * @param duration how long the node stays stopped
 */
public record Freeze(Duration duration) implements Fault {
    @Override
    public String name() { return "SIGSTOP " + duration.toSeconds() + "s"; }

    @Override
    public String inject(ChildNode node, Runnable beforeKill) throws Exception {
        node.pause();
        try {
            Thread.sleep(duration.toMillis());
        } finally {
            node.resume();
        }
        return "";
    }
}
