package io.loglane.bench.jmh;

import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.ConsumerCheckpoints;
import io.loglane.stream.LaneStream;
import io.loglane.stream.Stream;
import io.loglane.stream.StreamReader;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A stand-in stream for {@link RouterBench}: every configured lane accepts each append at once and
 * keeps only a count and the last block (so the router's lane parts stay observable and cannot
 * be optimized away), which leaves the router's own work as what is measured.
 *
 * <p>Thread-safety: for one benchmark thread (fields are updated without synchronization).
 */
final class DiscardingStream implements Stream {
    private final Map<String, Lane> lanes = new LinkedHashMap<>();

    DiscardingStream(LoglaneConfig config) {
        for (LaneSpec spec : config.lanes().values()) {
            lanes.put(spec.name(), new Lane(spec.name(), spec.durability()));
        }
    }

    @Override
    public Lane lane(String name) {
        Lane l = lanes.get(name);
        if (l == null) {
            throw new IllegalArgumentException("unknown lane: " + name);
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
        private long end;
        RecordBlock last;

        Lane(String name, Durability durability) {
            this.name = name;
            this.durability = durability;
        }

        @Override
        public String lane() { return name; }

        @Override
        public Durability durability() { return durability; }

        @Override
        public CompletableFuture<AppendResult> append(AppendRequest request) {
            last = request.records();
            long base = end;
            end += last.count();
            return CompletableFuture.completedFuture(new AppendResult(base, last.count(), false));
        }

        @Override
        public StreamReader reader(long offset) { throw new UnsupportedOperationException("a discarding lane keeps nothing"); }

        @Override
        public long startOffset() { return end; }

        @Override
        public long endOffset() { return end; }

        @Override
        public long sizeBytes() { return 0; }

        @Override
        public ConsumerCheckpoints checkpoints() {
            return new ConsumerCheckpoints() {
                @Override
                public void register(String consumer) {}

                @Override
                public long committed(String consumer) { return end; }

                @Override
                public void commit(String consumer, long offset) {}

                @Override
                public Map<String, Long> all() { return Map.of(); }
            };
        }

        @Override
        public void start() {}

        @Override
        public void close() {}
    }
}
