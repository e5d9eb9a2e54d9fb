package io.loglane.bench.faults;

/**
 * SIGKILL the node, then start it again on the same data directory and ports: no shutdown hook,
 * nothing flushed. Returns as soon as the new process is launched, so the harness's recovery time
 * includes the JVM's start and the stream's recovery, as an operator's restart would.
 *
 * <p>Thread-safety: stateless.
 */
public record Kill9() implements Fault {
    @Override
    public String name() { return "kill -9 + restart"; }

    @Override
    public String inject(ChildNode node, Runnable beforeKill) throws Exception {
        beforeKill.run();
        node.kill9();
        node.launch(java.util.List.of());
        return "";
    }
}
