package io.loglane.core.lifecycle;

import io.loglane.core.ingest.Ingest;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What every input is built with: where its events go, where its meters are registered, the
 * clock its timeouts and timestamps use, and the node's data directory (an input keeping state of
 * its own, such as the CloudWatch Logs API's log groups, keeps it in a subdirectory named after
 * itself; a file tail its read positions).
 *
 * <p>Thread-safety: immutable; its parts are thread-safe.
 *
 * @param dataDir the node's {@code server.data_dir}; null for inputs built without one (tests of
 *                inputs that keep no state)
 */
public record InputContext(Ingest ingest, MeterRegistry registry, Clock clock, Path dataDir) {
    /** A context without a data directory, for inputs that keep no state. */
    public InputContext(Ingest ingest, MeterRegistry registry, Clock clock) {
        this(ingest, registry, clock, null);
    }
}
