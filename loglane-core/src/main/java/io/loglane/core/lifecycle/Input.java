package io.loglane.core.lifecycle;

/**
 * A running input: built by its {@link InputType} from one entry of {@code inputs:}, it hands
 * events to the router. {@link #start()} binds what it listens on; {@link #close()} stops taking
 * new events, lets what is in flight be acknowledged (each input bounds that wait by its own
 * setting, e.g. Forward's {@code drain_timeout}), then releases everything. The node closes every
 * input before it drains delivery, so nothing is produced into a stopping pipeline.
 *
 * <p>Thread-safety: {@link #start()} and {@link #close()} from one owner thread; {@link #describe()}
 * from any thread after start.
 */
public interface Input extends Component {
    /** The entry's {@code name}: the {@code input} metric label. */
    String name();

    /** Where it listens once started, for the start-up log line ({@code 127.0.0.1:24224}). */
    String describe();

    /** The TCP port it bound, or -1 when it has no listener of its own (HTTP ingest shares the API's). */
    default int boundPort() { return -1; }
}
