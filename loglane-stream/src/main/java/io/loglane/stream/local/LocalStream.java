package io.loglane.stream.local;

import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneNames;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.StreamSettings;
import io.loglane.stream.LaneStream;
import io.loglane.stream.LaneStreams;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk-backed lanes of one node: a {@link LaneLog} per {@code disk}/{@code sync} lane in
 * {@code streamDir/<lane>/}, and one scheduler thread that enforces retention every
 * {@code retentionInterval} and seals rolled segments. It knows no other backend: memory lanes
 * are built beside it ({@code io.loglane.stream.embedded.EmbeddedStreams} chooses by durability).
 *
 * <p>Thread-safety: safe for concurrent use after {@link #start()}.
 */
public final class LocalStream implements LaneStreams {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStream.class);
    /** Default period of the retention task. */
    public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofSeconds(30);

    private final Path streamDir;
    private final Map<String, LaneLog> lanes = new LinkedHashMap<>();
    private final Duration retentionInterval;
    private final ScheduledExecutorService scheduler;
    private volatile boolean started;

    public LocalStream(Path streamDir, Map<String, LaneSpec> lanes, StreamSettings settings, MeterRegistry registry, Clock clock) {
        this(streamDir, lanes, settings, registry, clock, DEFAULT_RETENTION_INTERVAL);
    }

    /**
     * @param lanes             disk and sync lanes only
     * @param retentionInterval period of the background retention task
     * @throws IllegalArgumentException for a memory lane
     */
    public LocalStream(Path streamDir, Map<String, LaneSpec> lanes, StreamSettings settings, MeterRegistry registry, Clock clock,
            Duration retentionInterval) {
        validate(settings);
        this.streamDir = streamDir;
        this.retentionInterval = retentionInterval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("loglane-stream-maint").unstarted(r));
        for (Map.Entry<String, LaneSpec> e : lanes.entrySet()) {
            String name = e.getKey();
            LaneNames.check(name); // defensive: the config loader reported a bad name with file and line
            LaneSpec spec = e.getValue();
            if (spec.durability() == Durability.MEMORY) {
                throw new IllegalArgumentException("lane " + name + " is a memory lane: not a disk-backed stream");
            }
            this.lanes.put(name, new LaneLog(streamDir.resolve(name), spec, settings, registry, clock, scheduler));
        }
    }

    private static void validate(StreamSettings s) {
        if (s.segmentBytes() < 1024 || s.segmentBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("stream.segmentBytes must be within 1 KiB..2 GiB: " + s.segmentBytes());
        }
        if (s.maxLaneBytes() <= 0 || s.memoryLaneBytes() <= 0) {
            throw new IllegalArgumentException("stream.maxLaneBytes and stream.memoryLaneBytes must be positive");
        }
        if (s.dedupWindow() == null || s.dedupWindow().isNegative() || s.dedupMaxEntries() < 0) {
            throw new IllegalArgumentException("stream.dedupWindow and stream.dedupMaxEntries must not be negative");
        }
        if (s.syncMaxWait() == null || s.syncMaxWait().isNegative()) {
            throw new IllegalArgumentException("stream.syncMaxWait must not be negative");
        }
    }

    @Override
    public void start() throws Exception {
        Files.createDirectories(streamDir);
        for (LaneLog lane : lanes.values()) {
            lane.start();
        }
        long period = Math.max(1, retentionInterval.toMillis());
        scheduler.scheduleWithFixedDelay(this::retentionTick, period, period, TimeUnit.MILLISECONDS);
        started = true;
    }

    private void retentionTick() {
        try {
            enforceRetention();
        } catch (RuntimeException e) {
            LOG.warn("retention run failed", e);
        }
    }

    /** Runs retention on every disk/sync lane now; returns segments deleted. */
    public int enforceRetention() {
        int n = 0;
        for (LaneLog log : lanes.values()) {
            n += log.enforceRetention();
        }
        return n;
    }

    /** Start-up recovery reports of the disk/sync lanes, by lane name. */
    public Map<String, RecoveryReport> recoveryReports() {
        Map<String, RecoveryReport> out = new LinkedHashMap<>();
        for (LaneLog log : lanes.values()) {
            if (log.recoveryReport() != null) {
                out.put(log.lane(), log.recoveryReport());
            }
        }
        return out;
    }

    @Override
    public LaneStream lane(String name) {
        LaneLog l = lanes.get(name);
        if (l == null) {
            throw new IllegalArgumentException("unknown lane: " + name);
        }
        return l;
    }

    @Override
    public Collection<LaneStream> lanes() { return List.copyOf(lanes.values()); }

    @Override
    public void close() throws Exception {
        scheduler.shutdown();
        scheduler.awaitTermination(30, TimeUnit.SECONDS);
        Exception first = null;
        for (LaneLog lane : lanes.values()) {
            try {
                lane.close();
            } catch (Exception e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        started = false;
        if (first != null) {
            throw first;
        }
    }

    boolean isStarted() { return started; }
}
