package io.loglane.stream.embedded;

import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneNames;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.StreamSettings;
import io.loglane.stream.AppendResult;
import io.loglane.stream.LanePart;
import io.loglane.stream.LaneStream;
import io.loglane.stream.LaneStreams;
import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.journal.AtomicAppender;
import io.loglane.stream.local.LocalStream;
import io.loglane.stream.local.RecoveryReport;
import io.loglane.stream.memory.MemoryLaneStream;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The in-process stream of one node, the one place that chooses each lane's backend by its
 * durability: {@code disk} and {@code sync} lanes go to a {@link LocalStream} (segmented logs in
 * {@code streamDir/<lane>/}), each {@code memory} lane is a {@link MemoryLaneStream} (its directory
 * {@code streamDir/<lane>/} holds only its offset reservation). A backend for another kind of
 * stream (Kafka) is chosen beside this one, not inside {@code local}.
 *
 * <p>Requests spanning several lanes go through one {@link AtomicAppender} (the request journal
 * in {@code streamDir/.journal/}), which makes them atomic ({@link #appendAll}).
 *
 * <p>Lifecycle: {@link #start()} starts the local stream (recovering every disk lane), then the
 * memory lanes, then the request journal (which appends the parts a crash interrupted);
 * {@link #close()} closes the journal first, then every lane, and rethrows the first failure.
 *
 * <p>Thread-safety: safe for concurrent use after {@link #start()}.
 */
public final class EmbeddedStreams implements LaneStreams {
    private final LocalStream local;
    private final List<MemoryLaneStream> memory = new ArrayList<>();
    /** Every lane in the order of the specs. */
    private final Map<String, LaneStream> lanes = new LinkedHashMap<>();
    /** Makes requests spanning several lanes atomic ({@link #appendAll}). */
    private final AtomicAppender atomic;

    public EmbeddedStreams(Path streamDir, Map<String, LaneSpec> specs, StreamSettings settings, MeterRegistry registry, Clock clock) {
        this(streamDir, specs, settings, registry, clock, LocalStream.DEFAULT_RETENTION_INTERVAL);
    }

    /** @param retentionInterval period of the disk lanes' background retention task */
    public EmbeddedStreams(Path streamDir, Map<String, LaneSpec> specs, StreamSettings settings, MeterRegistry registry, Clock clock,
            Duration retentionInterval) {
        Map<String, LaneSpec> disk = new LinkedHashMap<>();
        specs.forEach((name, spec) -> {
            if (spec.durability() != Durability.MEMORY) {
                disk.put(name, spec);
            }
        });
        this.local = new LocalStream(streamDir, disk, settings, registry, clock, retentionInterval); // validates the settings
        specs.forEach((name, spec) -> {
            if (spec.durability() == Durability.MEMORY) {
                LaneNames.check(name); // defensive: the config loader reported a bad name with file and line
                memory.add(new MemoryLaneStream(streamDir.resolve(name), spec, settings, registry, clock));
            }
        });
        for (String name : specs.keySet()) {
            lanes.put(name, disk.containsKey(name) ? local.lane(name)
                    : memory.stream().filter(m -> m.lane().equals(name)).findFirst().orElseThrow());
        }
        this.atomic = new AtomicAppender(streamDir, this::lane, registry, AtomicAppender.DEFAULT_ROLL_BYTES, ChannelOpener.DEFAULT);
    }

    @Override
    public void start() throws Exception {
        local.start(); // creates streamDir
        for (MemoryLaneStream m : memory) {
            m.start();
        }
        atomic.start(); // appends the parts of multi-lane requests a crash interrupted, before any consumer reads
    }

    /**
     * Atomic: the request is journaled before any part is appended, so it is stored whole or
     * refused whole, also across a crash ({@link AtomicAppender}). A part its lane refuses after
     * that completes as {@link io.loglane.stream.AppendResult#deferred} and is appended again
     * until stored.
     */
    @Override
    public List<CompletableFuture<AppendResult>> appendAll(List<LanePart> parts) {
        return atomic.append(parts);
    }

    /** Parts of multi-lane requests waiting for a lane that refused them. */
    public int deferredParts() {
        return atomic.deferredParts();
    }

    /** Start-up recovery reports of the disk/sync lanes, by lane name. */
    public Map<String, RecoveryReport> recoveryReports() {
        return local.recoveryReports();
    }

    /** Runs retention on every disk/sync lane now (memory lanes drop their oldest as they fill); returns segments deleted. */
    public int enforceRetention() {
        return local.enforceRetention();
    }

    @Override
    public LaneStream lane(String name) {
        LaneStream l = lanes.get(name);
        if (l == null) {
            throw new IllegalArgumentException("unknown lane: " + name);
        }
        return l;
    }

    @Override
    public Collection<LaneStream> lanes() { return List.copyOf(lanes.values()); }

    @Override
    public void close() throws Exception {
        Exception first = null;
        try {
            atomic.close(); // first: parts it still owes stay journaled for the next start
        } catch (Exception e) {
            first = e;
        }
        try {
            local.close();
        } catch (Exception e) {
            if (first == null) first = e; else first.addSuppressed(e);
        }
        for (MemoryLaneStream m : memory) {
            try {
                m.close();
            } catch (Exception e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
