package io.loglane.app.health;

import io.loglane.core.config.Durability;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.FailureStreak;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.ConsumerCheckpoints;
import io.loglane.stream.LaneStream;
import io.loglane.stream.Stream;
import io.loglane.stream.StreamReader;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A {@link Stream} that remembers, per lane, whether its appends are being stored: each lane
 * keeps the {@link FailureStreak} of appends its stream failed to store (reason
 * {@code storage_error}, or any unexpected error) since the last one it stored. Refusals that say
 * nothing about the lane's storage (back-pressure, rate limit, invalid events) neither start nor
 * end a streak. Everything else is the wrapped stream's, including its lifecycle: starting or
 * closing this starts or closes it.
 *
 * <p>Thread-safety: as the wrapped stream; the append path adds one completion callback and one
 * volatile read per batch.
 */
public final class AppendHealthStream implements Stream {
    private final Stream stream;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();

    /** Wraps every lane {@code stream} has now; call before it starts, when its lanes are known. */
    public AppendHealthStream(Stream stream, Clock clock) {
        this.stream = stream;
        for (LaneStream lane : stream.lanes()) {
            lanes.put(lane.lane(), new Lane(lane, clock));
        }
    }

    @Override
    public void start() throws Exception { stream.start(); }

    @Override
    public LaneStream lane(String name) {
        Lane l = lanes.get(name);
        if (l == null) {
            throw new IllegalArgumentException("unknown lane: " + name);
        }
        return l;
    }

    @Override
    public Collection<LaneStream> lanes() { return List.copyOf(lanes.values()); }

    /** The lane's current streak of failed appends, or null while it stores them (or got none yet). */
    public FailureStreak appendFailure(String lane) {
        return ((Lane) lane(lane)).failure.get();
    }

    @Override
    public void close() throws Exception { stream.close(); }

    /** One lane: every call goes to the wrapped lane; append outcomes also update the streak. */
    private static final class Lane implements LaneStream {
        private final LaneStream lane;
        private final Clock clock;
        private final AtomicReference<FailureStreak> failure = new AtomicReference<>();
        private final BiConsumer<AppendResult, Throwable> outcome = this::outcome;

        Lane(LaneStream lane, Clock clock) {
            this.lane = lane;
            this.clock = clock;
        }

        @Override
        public CompletableFuture<AppendResult> append(AppendRequest request) {
            CompletableFuture<AppendResult> f;
            try {
                f = lane.append(request);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            return f.whenComplete(outcome);
        }

        private void outcome(AppendResult result, Throwable error) {
            if (error == null) {
                if (failure.get() != null) {
                    failure.set(null);
                }
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof IngestRejectedException r && r.reason() != IngestRejectedException.Reason.STORAGE_ERROR) {
                return;
            }
            String reason = cause instanceof IngestRejectedException ? cause.getMessage() : cause.toString();
            failure.updateAndGet(f -> FailureStreak.after(f, reason, clock.instant()));
        }

        @Override public String lane() { return lane.lane(); }

        @Override public Durability durability() { return lane.durability(); }

        @Override public StreamReader reader(long offset) throws IOException { return lane.reader(offset); }

        @Override public long startOffset() { return lane.startOffset(); }

        @Override public long endOffset() { return lane.endOffset(); }

        @Override public long sizeBytes() { return lane.sizeBytes(); }

        @Override public ConsumerCheckpoints checkpoints() { return lane.checkpoints(); }

        /** The wrapped lane's lifecycle belongs to the wrapped stream. */
        @Override public void start() {}

        @Override public void close() {}
    }
}
