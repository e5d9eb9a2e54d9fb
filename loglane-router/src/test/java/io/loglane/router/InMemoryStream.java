package io.loglane.router;

import io.loglane.core.config.Durability;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.ConsumerCheckpoints;
import io.loglane.stream.LaneStream;
import io.loglane.stream.LaneStreams;
import io.loglane.stream.StreamReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of the stream: lanes keep their appends in memory, de-duplicate chunk ids, and can
 * be told to fail, to hold their futures until released, or to have no room.
 */
final class InMemoryStream implements LaneStreams {
    private final Map<String, Lane> lanes = new LinkedHashMap<>();

    InMemoryStream(LoglaneConfig config) {
        config.lanes().values().forEach(l -> lanes.put(l.name(), new Lane(l.name(), l.durability())));
    }

    @Override
    public Lane lane(String name) {
        Lane l = lanes.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no lane " + name);
        }
        return l;
    }

    @Override
    public Collection<LaneStream> lanes() { return List.copyOf(lanes.values()); }

    @Override
    public void start() {}

    @Override
    public void close() {}

    static final class Lane implements LaneStream {
        private final String name;
        private final Durability durability;
        final List<AppendRequest> appended = new ArrayList<>();
        private final Set<String> chunks = new HashSet<>();
        private final Map<String, Long> checkpoints = new ConcurrentHashMap<>();
        volatile RuntimeException failWith;
        volatile boolean hold;
        final List<Runnable> held = new ArrayList<>();
        /** What {@link #hasRoomFor} answers. */
        volatile boolean room = true;
        private long end;

        Lane(String name, Durability durability) {
            this.name = name;
            this.durability = durability;
        }

        @Override public String lane() { return name; }
        @Override public Durability durability() { return durability; }

        @Override
        public synchronized CompletableFuture<AppendResult> append(AppendRequest request) {
            if (failWith != null) {
                return CompletableFuture.failedFuture(failWith);
            }
            CompletableFuture<AppendResult> f = new CompletableFuture<>();
            AppendResult r;
            if (request.chunkId() != null && !chunks.add(request.chunkId())) {
                r = new AppendResult(-1, request.records().count(), true);
            } else {
                appended.add(request);
                r = new AppendResult(end, request.records().count(), false);
                end += request.records().count();
            }
            if (hold) {
                held.add(() -> f.complete(r));
            } else {
                f.complete(r);
            }
            return f;
        }

        synchronized void release() {
            held.forEach(Runnable::run);
            held.clear();
        }

        @Override public StreamReader reader(long offset) { throw new UnsupportedOperationException("not needed by router tests"); }
        @Override public long startOffset() { return 0; }
        @Override public synchronized long endOffset() { return end; }
        @Override public long sizeBytes() { return 0; }
        @Override public boolean hasRoomFor(long bytes) { return room; }

        @Override
        public ConsumerCheckpoints checkpoints() {
            return new ConsumerCheckpoints() {
                @Override public void register(String consumer) { checkpoints.putIfAbsent(consumer, 0L); }
                @Override public long committed(String consumer) { return checkpoints.getOrDefault(consumer, 0L); }
                @Override public void commit(String consumer, long offset) { checkpoints.put(consumer, offset); }
                @Override public Map<String, Long> all() { return Map.copyOf(checkpoints); }
            };
        }

        @Override public void start() {}
        @Override public void close() {}
    }
}
