package io.loglane.router;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.lifecycle.Component;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.LanePart;
import io.loglane.stream.LaneStream;
import io.loglane.stream.LaneStreams;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The router: classifies every record of a request into exactly one lane, splits the request
 * into one block per lane, admits it against each lane's rate limit and room, and appends each
 * part to its lane's stream (with the request's chunk id, so each lane de-duplicates its own part
 * of a resent chunk).
 *
 * <h2>Classification</h2>
 * By kind of rule, whatever order lanes are declared in (see {@link LaneRules}): a field rule
 * ({@code log_type}) first, then the tag's last dot-separated part, then content rules
 * ({@link ContentDetectors}), then {@code default}. Nothing is dropped for lack of a match.
 *
 * <p>Routing looks inside a message that holds a JSON object (Docker's fluentd driver and FireLens
 * send JSON application logs as {@code {"log": "{\"level\":\"error\",\"log_type\":\"audit\",…}\n"}}):
 * where the record itself has no field a field rule names, or no level field for the content
 * rules, the object's field of that name counts ({@link Classifier}). That is independent of the
 * lanes' parsers, since the lane is what is being decided.
 *
 * <h2>What the lane's parser does</h2>
 * Once a record's lane is known, the lane's parser reads the record's message ({@link RecordFinisher}):
 * <ul>
 *   <li>event time ({@link io.loglane.core.parse.RecordParser#eventTime}): when the message states
 *       its own time (an access line's {@code [time_local]} for {@code nginx_combined}, a JSON
 *       object's {@code time} field for {@code json}), that becomes the record's event time, in
 *       place of the one the input gave it (the Forward entry time, which for Docker is the
 *       collection time; the HTTP time field; the arrival). The message's time is preferred because
 *       it is the event's own; partitions and queries follow it;</li>
 *   <li>lifted fields ({@link io.loglane.core.parse.RecordParser#liftedFields}): {@code json} adds
 *       a JSON object's fields to the record, the record's own fields winning a clash, the
 *       original line staying the message ({@link io.loglane.core.parse.JsonMessage}).</li>
 * </ul>
 * Lanes with parser {@code none} store records as they came, unread. Only records whose message
 * starts with <code>&#123;</code> are decoded, so plain lines pay a byte test; a JSON object decoded for
 * routing is not decoded again for the lane.
 *
 * <h2>Multiline, and the input's own parser</h2>
 * Before classification, the lines of one event (a stack trace logged line by line) are joined
 * into one record when the request's input has {@code multiline:} rules, else when the lane the
 * tag names (else {@code default}) has; within the request, so nothing waits unacknowledged
 * ({@link io.loglane.core.multiline.MultilineJoiner}; file inputs hold an event still open at the
 * end of a read back in the file, unread). The joined lines count as accepted with their event.
 * An input with a {@code parser:} has its records read by it before classification; what it read
 * its lane's parser does not read again ({@link InputReadings}, {@link io.loglane.core.config.ReadingKeys}).
 *
 * <h2>All or nothing</h2>
 * The returned future completes once every lane's part is as durable as that lane demands, with
 * the sum of accepted and de-duplicated events. Before anything is appended, the request is
 * rejected whole when any target lane has no room for its part ({@link LaneStream#hasRoomFor}, the
 * lane's own admission: only disk/sync lanes refuse; {@code BACKPRESSURE}) or any target lane's
 * rate limit refuses its part ({@code RATE_LIMITED}; tokens already taken from other lanes are
 * given back). A request with one part is then appended to its lane, which stores it or refuses
 * it. A request with parts in several lanes is handed to {@link LaneStreams#appendAll} as one
 * unit: the embedded stream journals the whole request before it appends any part
 * ({@link io.loglane.stream.journal.AtomicAppender}), so it is refused whole when the journal
 * cannot take it, and stored whole once it did: a part its lane refuses afterwards (another
 * request filled the lane since the check above; the disk filled; the lane failed) is
 * <em>deferred</em>, appended again until the lane takes it, and counts as accepted; a crash
 * between the parts is repaired by the next start. Every part carries the request's chunk id, so
 * a resent request is stored once per lane. (A stream without atomic appends, such as a test
 * double, appends each part on its own; a part it refuses then fails the request, naming what the
 * other lanes stored, BACKPRESSURE preferred over other reasons.)
 *
 * <p>Metrics: {@code EVENTS_ACCEPTED}, {@code BYTES_ACCEPTED}, {@code EVENTS_DEDUPLICATED}
 * {input, lane} and {@code EVENTS_REJECTED}, {@code BYTES_REJECTED} {input, lane, reason}, counted
 * per lane part once its append completes; counters are cached ({@link RouterMeters}). Each append
 * carries the request's source's ledger entry, so a memory lane can count what it drops per input
 * and per source, and the request's source position, which each lane stores with its part. The per-source ledger is kept
 * by the inputs ({@link #sources()}), which see each request's final outcome.
 *
 * <p>Thread-safety: {@link #submit} is safe for concurrent use; per-thread scratch (splitter,
 * builders, msgpack reader) is kept in a thread-local of this instance.
 */
public final class Router implements Ingest, Component {
    private final LaneStreams stream;
    private final LaneRules rules;
    private final InputReadings readings;
    private final RouterMeters meters;
    private final SourceLedger sources;
    private final TokenBucket[] buckets;
    private final LaneRate[] rates;
    private final ThreadLocal<LaneSplitter> splitters;
    private volatile LaneStream[] lanes;
    private volatile boolean closed;

    public Router(LoglaneConfig config, LaneStreams stream, MeterRegistry registry, Clock clock) {
        this.stream = stream;
        this.rules = new LaneRules(config);
        this.readings = new InputReadings(config);
        int n = rules.laneCount();
        String[] names = new String[n];
        this.buckets = new TokenBucket[n];
        this.rates = new LaneRate[n];
        for (int i = 0; i < n; i++) {
            names[i] = rules.name(i);
            LaneSpec spec = config.lane(names[i]);
            buckets[i] = spec.rate().unlimited() ? null : new TokenBucket(spec.rate(), clock);
            rates[i] = new LaneRate(clock);
        }
        this.meters = new RouterMeters(registry, names);
        this.sources = new SourceLedger(registry, config.server().maxTrackedSources(), config.server().sourceIdleEvict(), clock);
        this.splitters = ThreadLocal.withInitial(() -> new LaneSplitter(rules));
    }

    /**
     * Resolves every configured lane's stream.
     *
     * @throws IllegalArgumentException when the stream lacks a configured lane
     */
    @Override
    public void start() {
        LaneStream[] resolved = new LaneStream[rules.laneCount()];
        for (int i = 0; i < resolved.length; i++) {
            resolved[i] = stream.lane(rules.name(i));
        }
        lanes = resolved;
    }

    /** Refuses further requests ({@code STORAGE_ERROR}); appends already under way complete normally. */
    @Override
    public void close() {
        closed = true;
    }

    /** The ledger of {@code server.max_tracked_sources} sources; the inputs count in it, the router only holds it. */
    @Override
    public SourceLedger sources() { return sources; }

    @Override
    public CompletableFuture<IngestResult> submit(IngestRequest request) {
        LaneStream[] targets = lanes;
        RouterMeters.LaneMeters[] m = meters.forInput(request.source().input());
        RecordBlock block = request.records();
        if (targets == null || closed) {
            m[rules.laneCount()].rejected()[Reason.STORAGE_ERROR.ordinal()].add(block.count(), block.length());
            return CompletableFuture.failedFuture(new IngestRejectedException(Reason.STORAGE_ERROR,
                    closed ? "router is shut down" : "router is not started"));
        }
        if (block.isEmpty()) {
            return CompletableFuture.completedFuture(new IngestResult(0, 0));
        }
        RecordBlock[] parts;
        int joined;
        int[] unread;
        try {
            LaneSplitter splitter = splitters.get();
            parts = splitter.split(block, rules.laneForTag(request.tag()), readings.of(request.source().input()));
            joined = splitter.joinedLines();
            unread = splitter.unread();
            if (splitter.truncatedEvents() > 0) {
                meters.multilineTruncated(request.source().input()).increment(splitter.truncatedEvents());
            }
        } catch (IllegalArgumentException e) {
            m[rules.laneCount()].rejected()[Reason.INVALID.ordinal()].add(block.count(), block.length());
            return CompletableFuture.failedFuture(new IngestRejectedException(Reason.INVALID, "malformed record block: " + e.getMessage(), e));
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null && !targets[i].hasRoomFor(parts[i].length())) {
                return reject(parts, m, Reason.BACKPRESSURE, "lane " + rules.name(i) + " is full (undelivered data at stream.max_lane_size)");
            }
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null && buckets[i] != null && !buckets[i].tryAcquire(parts[i].count())) {
                for (int k = 0; k < i; k++) {
                    if (parts[k] != null && buckets[k] != null) {
                        buckets[k].refund(parts[k].count());
                    }
                }
                return reject(parts, m, Reason.RATE_LIMITED, "lane " + rules.name(i) + " is over its rate limit");
            }
        }
        return append(request, targets, parts, joined, unread, m);
    }

    /**
     * @param joined lines joined into an earlier record: stored as part of it, so accepted with it
     * @param unread per lane, records its parser did not read, counted once the lane stored them; or null
     */
    private CompletableFuture<IngestResult> append(IngestRequest request, LaneStream[] targets, RecordBlock[] parts, int joined,
                                                   int[] unread, RouterMeters.LaneMeters[] m) {
        int count = 0;
        for (RecordBlock p : parts) {
            if (p != null) {
                count++;
            }
        }
        Pending pending = new Pending(count, joined, unread);
        SourceTally source = sources.tally(request.source(), request.tag()); // only a memory lane's drops are counted here
        int[] laneOf = new int[count];
        List<LanePart> lanesParts = new ArrayList<>(count);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                laneOf[lanesParts.size()] = i;
                lanesParts.add(new LanePart(targets[i], new AppendRequest(request.tag(), parts[i], request.receivedAtNanos(),
                        request.chunkId(), request.sourcePosition(), source)));
            }
        }
        // One lane (the common case, every Forward chunk of one lane): appended straight. Several:
        // as one unit, so that the request is stored whole or not at all (see the class comment).
        List<CompletableFuture<AppendResult>> appended = count == 1 ? LaneStreams.appendEach(lanesParts) : stream.appendAll(lanesParts);
        for (int k = 0; k < count; k++) {
            int lane = laneOf[k];
            RecordBlock part = parts[lane];
            appended.get(k).whenComplete((r, e) -> pending.done(lane, part, r, e, m[lane]));
        }
        return pending.result;
    }

    private CompletableFuture<IngestResult> reject(RecordBlock[] parts, RouterMeters.LaneMeters[] m, Reason reason, String message) {
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                m[i].rejected()[reason.ordinal()].add(parts[i].count(), parts[i].length());
            }
        }
        return CompletableFuture.failedFuture(new IngestRejectedException(reason, message));
    }

    /** Accepted events per second of {@code lane} over the last seconds (moving rate). */
    public double eventsPerSecond(String lane) {
        for (int i = 0; i < rules.laneCount(); i++) {
            if (rules.name(i).equals(lane)) {
                return rates[i].perSecond();
            }
        }
        throw new IllegalArgumentException("no lane " + lane);
    }

    /** Accepted events per second of every lane, in declaration order. */
    public Map<String, Double> eventsPerSecond() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < rules.laneCount(); i++) {
            out.put(rules.name(i), rates[i].perSecond());
        }
        return out;
    }

    /** Joins the lane appends of one request. */
    private final class Pending {
        final CompletableFuture<IngestResult> result = new CompletableFuture<>();
        private final AtomicInteger remaining;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger duplicates = new AtomicInteger();
        private final AtomicReference<IngestRejectedException> failure = new AtomicReference<>();
        private final int joined;
        private final int[] unread;

        Pending(int parts, int joined, int[] unread) {
            this.remaining = new AtomicInteger(parts);
            this.joined = joined;
            this.unread = unread;
        }

        void done(int lane, RecordBlock part, AppendResult r, Throwable error, RouterMeters.LaneMeters m) {
            if (error == null) {
                if (r.duplicate()) {
                    duplicates.addAndGet(part.count());
                    m.deduplicated().increment(part.count());
                } else {
                    accepted.addAndGet(part.count());
                    m.accepted().add(part.count(), part.length());
                    if (unread != null && unread[lane] > 0) {
                        m.parseFailures().increment(unread[lane]);
                    }
                    rates[lane].add(part.count());
                }
            } else {
                IngestRejectedException e = asRejection(error, lane);
                m.rejected()[e.reason().ordinal()].add(part.count(), part.length());
                failure.accumulateAndGet(e, (prev, next) -> prev == null || next.reason() == Reason.BACKPRESSURE && prev.reason() != Reason.BACKPRESSURE ? next : prev);
            }
            if (remaining.decrementAndGet() == 0) {
                IngestRejectedException f = failure.get();
                if (f != null && accepted.get() + duplicates.get() > 0) {
                    // The other lanes stored their parts: the ledger counts only the failed part as refused.
                    result.completeExceptionally(new IngestRejectedException(f.reason(), f.getMessage(), f,
                            new IngestResult(accepted.get(), duplicates.get())));
                } else if (f != null) {
                    result.completeExceptionally(f);
                } else {
                    result.complete(new IngestResult(accepted.get() + (duplicates.get() == 0 ? joined : 0),
                            duplicates.get() + (duplicates.get() > 0 ? joined : 0)));
                }
            }
        }

        private IngestRejectedException asRejection(Throwable error, int lane) {
            Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (t instanceof IngestRejectedException ire) {
                return ire;
            }
            return new IngestRejectedException(Reason.STORAGE_ERROR, "lane " + rules.name(lane) + " failed to store: " + t, t);
        }
    }
}
