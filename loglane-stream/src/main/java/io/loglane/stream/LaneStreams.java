package io.loglane.stream;

import io.loglane.core.lifecycle.Component;
import java.util.Collection;

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
}
