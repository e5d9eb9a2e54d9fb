package io.loglane.inputs.forward;

import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.komamitsu.fluency.EventTime;
import org.komamitsu.fluency.Fluency;
import org.komamitsu.fluency.fluentd.FluencyBuilderForFluentd;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.loglane.inputs.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The Fluency Java client (a real third-party Forward implementation) against a real ForwardInput. */
class FluencyClientTest {
    static final long T = 1_700_000_000L;

    RecordingIngest ingest = new RecordingIngest();
    ForwardInput input;
    Fluency fluency;

    @BeforeEach
    void start() throws Exception {
        input = new ForwardInput(ForwardConfig.of("fluency", "127.0.0.1", 0), ingest, new SimpleMeterRegistry(), Clock.systemUTC());
        input.start();
        FluencyBuilderForFluentd b = new FluencyBuilderForFluentd();
        b.setAckResponseMode(true);
        b.setReadTimeoutMilli(20_000);
        b.setFlushAttemptIntervalMillis(50);
        b.setSenderMaxRetryCount(3);
        fluency = b.build("127.0.0.1", input.boundPort());
    }

    @AfterEach
    void stop() throws Exception {
        fluency.close();
        input.close();
    }

    @Test
    void everyEventArrivesWithTagTimeAndFieldsAndAcksFollowDurability() throws Exception {
        List<CompletableFuture<IngestResult>> held = new CopyOnWriteArrayList<>();
        ingest.behaviour = r -> {
            CompletableFuture<IngestResult> f = new CompletableFuture<>();
            held.add(f);
            return f;
        };
        int n = 500;
        for (int i = 0; i < n; i++) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("msg", "event " + i);
            rec.put("i", i);
            rec.put("nested", Map.of("k", List.of(1, "two")));
            fluency.emit(i % 2 == 0 ? "app.even" : "app.odd", EventTime.fromEpoch(T + i, i), rec);
        }
        fluency.flush();
        await(() -> !held.isEmpty(), "Fluency's first request");
        // the ack is withheld while the ingest future is pending: Fluency cannot finish flushing
        assertThat(fluency.waitUntilAllBufferFlushed(1)).isFalse();
        ingest.behaviour = r -> CompletableFuture.completedFuture(new IngestResult(r.records().count(), 0));
        for (CompletableFuture<IngestResult> f : held) {
            f.complete(new IngestResult(1, 0));
        }
        assertThat(fluency.waitUntilAllBufferFlushed(20)).isTrue();

        // Fluency may resend a chunk whose ack it did not get in time: de-duplicate by chunk id, as the router does
        List<Events> even = new ArrayList<>();
        List<Events> odd = new ArrayList<>();
        java.util.Set<String> chunks = new java.util.HashSet<>();
        for (IngestRequest r : ingest.requests) {
            assertThat(r.chunkId()).isNotNull();
            if (chunks.add(r.chunkId())) {
                (r.tag().equals("app.even") ? even : odd).addAll(Events.of(r.records()));
            }
        }
        assertThat(even).hasSize(n / 2);
        assertThat(odd).hasSize(n / 2);
        for (int i = 0; i < n; i++) {
            Events e = (i % 2 == 0 ? even : odd).get(i / 2);
            assertThat(e.tsNanos()).isEqualTo((T + i) * 1_000_000_000L + i);
            assertThat(e.record()).isEqualTo("{\"msg\":\"event " + i + "\",\"i\":" + i + ",\"nested\":{\"k\":[1,\"two\"]}}");
        }
    }

    @Test
    void integerTimeEventsArrive() throws Exception {
        fluency.emit("t", T, Map.of("log", "plain"));
        fluency.flush();
        assertThat(fluency.waitUntilAllBufferFlushed(20)).isTrue();
        await(() -> !ingest.requests.isEmpty(), "the event");
        assertThat(Events.of(ingest.requests.get(0).records()))
                .containsExactly(new Events(T * 1_000_000_000L, null, "{\"log\":\"plain\"}"));
        assertThat(Duration.ofNanos(ingest.requests.get(0).receivedAtNanos()).toSeconds()).isGreaterThan(T);
    }
}
