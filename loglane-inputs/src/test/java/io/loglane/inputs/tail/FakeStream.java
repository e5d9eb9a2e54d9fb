package io.loglane.inputs.tail;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.SourceLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * Test double for the router and a lane's stream: stores the records of every request it accepts,
 * and, as a lane does, stores a request whose chunk id it already holds only once (its window
 * outlives an input, as a disk lane's survives a restart). {@link #gate} decides, per request,
 * whether to answer it (default: accept at once). Public for the inputs built on the tail (docker, cri).
 */
public final class FakeStream implements Ingest {
    /** Each stored record as its decoded map. */
    public final List<Map<String, Value>> stored = new ArrayList<>();
    public final List<IngestRequest> submitted = new ArrayList<>();
    private final Set<String> chunkIds = new HashSet<>();
    final SourceLedger sources = new SourceLedger(new SimpleMeterRegistry(), 100);
    /** Given each request before it is stored; a non-null answer replaces storing it. */
    public volatile Function<IngestRequest, CompletableFuture<IngestResult>> gate = r -> null;

    @Override
    public SourceLedger sources() { return sources; }

    @Override
    public synchronized CompletableFuture<IngestResult> submit(IngestRequest request) {
        submitted.add(request);
        CompletableFuture<IngestResult> answer = gate.apply(request);
        if (answer != null) {
            return answer;
        }
        return CompletableFuture.completedFuture(store(request));
    }

    /**
     * From now on a batch is stored but never acknowledged, as when the process dies between the
     * two: the tail's {@code positions} file is copied to {@code crashState} as it was then (the
     * batch recorded as pending). Copying it back after closing the input is what {@code kill -9}
     * leaves.
     */
    public void crashAfterStoring(Path positions, Path crashState) {
        gate = r -> {
            store(r);
            try {
                Files.copy(positions, crashState, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new CompletableFuture<>(); // never answered
        };
    }

    /** Stores {@code request} unless its chunk id is already stored. */
    public synchronized IngestResult store(IngestRequest request) {
        if (request.chunkId() != null && !chunkIds.add(request.chunkId())) {
            return new IngestResult(0, request.records().count());
        }
        stored.addAll(decode(request.records()));
        return new IngestResult(request.records().count(), 0);
    }

    /** The {@code log} of every stored record, in the order stored. */
    public synchronized List<String> lines() {
        return stored.stream().map(m -> m.get("log").asStringValue().asString()).toList();
    }

    synchronized int requests() { return submitted.size(); }

    static List<Map<String, Value>> decode(RecordBlock block) {
        List<Map<String, Value>> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
                Map<String, Value> m = new java.util.LinkedHashMap<>();
                u.unpackValue().asMapValue().map().forEach((k, v) -> m.put(k.asStringValue().asString(), v));
                out.add(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
