package io.loglane.stream;

import io.loglane.core.lifecycle.Component;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * All lanes' streams of one node. Created from the lane specs; {@link #start()} opens (and
 * recovers) every lane. (Named so that it does not shadow {@code java.util.stream.Stream}.)
 *
 * <p>Thread-safety: safe for concurrent use after start.
 */
public interface LaneStreams extends Component {
    /** @throws IllegalArgumentException for an unknown lane */
    LaneStream lane(String name);

    Collection<LaneStream> lanes();

    /**
     * Appends the parts of one request that spans several lanes (at most one part per lane) as a
     * unit. Returns one future per part, in the order given, each completing as
     * {@link LaneStream#append} does for that part.
     *
     * <p>An implementation that can make the request atomic says how (the embedded stream journals
     * it first: every part's future then completes normally, possibly {@link AppendResult#deferred},
     * or every one fails and nothing was stored). This default cannot: it appends every part on
     * its own, so a later lane's refusal leaves the earlier lanes' parts stored; the caller sees
     * which from the futures.
     */
    default List<CompletableFuture<AppendResult>> appendAll(List<LanePart> parts) {
        return appendEach(parts);
    }

    /** Appends every part on its own, as {@link #appendAll} does by default: no atomicity. */
    static List<CompletableFuture<AppendResult>> appendEach(List<LanePart> parts) {
        List<CompletableFuture<AppendResult>> out = new ArrayList<>(parts.size());
        for (LanePart p : parts) {
            CompletableFuture<AppendResult> f;
            try {
                f = p.lane().append(p.request());
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            out.add(f);
        }
        return out;
    }
}
