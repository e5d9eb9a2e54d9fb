package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.delivery.DeliveryConsumer;
import io.loglane.stores.archive.ArchiveSink;
import io.loglane.stores.archive.LocalArchiveStorage;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.memory.MemoryLaneStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane's status names each store it is delivered to by instance and kind: two archives on one
 * lane are told apart ({@code GET /api/v1/lanes} and {@code ./loglane lanes}), while the field
 * {@code store} keeps carrying the kind it always did.
 */
class StoreStatusTest {
    @Test
    void aSecondArchiveInstanceIsShownByItsNameAndKind(@TempDir Path dir) throws Exception {
        LoglaneConfig config = RegisteredTypes.LOADER.load(new ConfigSource("c.yaml",
                "server: {data_dir: \"" + dir + "\"}\nlanes: {default: {durability: memory}}\n"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MemoryLaneStream lane = new MemoryLaneStream(dir.resolve("stream/default"), config.lane("default"), config.stream(),
                registry, Clock.systemUTC());
        ArchiveSink cold = new ArchiveSink("cold", 0, "default", null, ArchiveStoreType.settings(config), config.lane("default").retention(),
                true, registry, Clock.systemUTC(), new LocalArchiveStorage(dir.resolve("cold")));
        try (DeliveryConsumer consumer = new DeliveryConsumer(lane, cold, Duration.ofMillis(5), Duration.ofMillis(50), registry,
                new SplittableRandom(1))) {
            LaneStatus.StoreStatus status = LaneStatus.StoreStatus.of(consumer, registry);
            assertThat(status.instance()).isEqualTo("cold");
            assertThat(status.kind()).isEqualTo("archive");
            assertThat(status.store()).as("the field scripts already read keeps the kind").isEqualTo("archive");

            JsonNode json = new ObjectMapper().valueToTree(status);
            assertThat(json.get("instance").asText()).isEqualTo("cold");
            assertThat(json.get("kind").asText()).isEqualTo("archive");
            assertThat(json.get("store").asText()).isEqualTo("archive");
            assertThat(json.get("dropped").asLong()).as("nothing lost for it").isZero();
        }
    }

    @Test
    void aStoreShowsWhatAKilledMemoryLaneLostForIt(@TempDir Path dir) throws Exception {
        LoglaneConfig config = RegisteredTypes.LOADER.load(new ConfigSource("c.yaml",
                "server: {data_dir: \"" + dir + "\"}\nlanes: {default: {durability: memory}}\n"));
        MemoryLaneStream killed = new MemoryLaneStream(dir.resolve("stream/default"), config.lane("default"), config.stream(),
                new SimpleMeterRegistry(), Clock.systemUTC());
        killed.start();
        killed.checkpoints().register("cold");
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (int i = 0; i < 7; i++) b.add(i, new byte[10], 0, 10);
        killed.append(new AppendRequest("t", b.build(), 1, null, null)).join();
        // never closed: the process was killed with 7 events "cold" had not committed

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MemoryLaneStream lane = new MemoryLaneStream(dir.resolve("stream/default"), config.lane("default"), config.stream(),
                registry, Clock.systemUTC());
        lane.start();
        ArchiveSink cold = new ArchiveSink("cold", 0, "default", null, ArchiveStoreType.settings(config), config.lane("default").retention(),
                true, registry, Clock.systemUTC(), new LocalArchiveStorage(dir.resolve("cold")));
        try (lane; DeliveryConsumer consumer = new DeliveryConsumer(lane, cold, Duration.ofMillis(5), Duration.ofMillis(50), registry,
                new SplittableRandom(1))) {
            consumer.start(); // the store's loss is counted as its consumer registers, from what the store holds (nothing)
            assertThat(LaneStatus.StoreStatus.of(consumer, registry).dropped()).isEqualTo(7);
        }
    }
}
