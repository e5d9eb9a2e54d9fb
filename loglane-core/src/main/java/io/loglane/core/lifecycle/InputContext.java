package io.loglane.core.lifecycle;

import io.loglane.core.ingest.Ingest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * What every input is built with: where its events go, where its meters are registered, and the
 * clock its timeouts and timestamps use.
 *
 * <p>Thread-safety: immutable; its parts are thread-safe.
 */
public record InputContext(Ingest ingest, MeterRegistry registry, Clock clock) {}
