package io.loglane.it;

import io.loglane.bench.faults.ChildNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a {@link ChildNode} on {@code config/loglane.yaml} layered with one overlay, the way every
 * IT class here needs it: data, overlay file and child log all under the test's directory.
 *
 * <p>Thread-safety: stateless.
 */
final class Nodes {
    /** An overlay under which the archive flushes only when asked ({@code POST /api/v1/flush}): what is queryable was delivered by an explicit flush. */
    static final String FLUSH_ON_REQUEST = """
            archive:
              flush_age: 1h
            """;

    private Nodes() {}

    /** Writes {@code overlayYaml} to {@code dir/overlay.yaml} and starts a node with it; waits until it serves. */
    static ChildNode startWithOverlay(Path dir, String overlayYaml) throws Exception {
        Path overlay = dir.resolve("overlay.yaml");
        Files.writeString(overlay, overlayYaml);
        ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"));
        node.start();
        return node;
    }

    /** SIGTERM and wait; a no-op for a node that never started. */
    static void stop(ChildNode node) throws InterruptedException {
        if (node != null) {
            node.close();
        }
    }
}
