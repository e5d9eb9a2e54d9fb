package io.loglane.bench.ingest;

/**
 * The configuration the benchmark layers over the bundled defaults: two lanes that keep events
 * only in the stream (so the ingest figure is not shared with archive delivery), no rate limits
 * on the lanes it uses, and room in the stream for a 10 s run at full speed. The end-to-end run
 * measures the archive path (ack → queryable by SQL), so its access lane goes to the archive only:
 * the bundled config also indexes it, which the search benchmark measures on its own.
 */
final class BenchConfig {
    private BenchConfig() {}

    static final String OVERLAY = """
            stream:
              max_lane_size: 64GiB
            lanes:
              benchdisk:
                match:
                  - tag_suffix: [benchdisk]
                durability: disk
                retention: {age: 1h, size: 8GiB}
                to: []
              benchsync:
                match:
                  - tag_suffix: [benchsync]
                durability: sync
                retention: {age: 1h, size: 8GiB}
                to: []
              access:
                rate: {events_per_second: 0}
                to: [archive]
            """;
}
