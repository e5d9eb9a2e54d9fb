package io.loglane.core.event;

import java.util.List;

/**
 * Names of the well-known record fields, shared by the router (content rules), the archive
 * (columns) and later the index, so every stage agrees on what "the message" of a record is.
 */
public final class EventFields {
    private EventFields() {}

    /** Keys holding the original line, in order of preference (Docker/Fluent Bit use {@code log}). */
    public static final List<String> MESSAGE_KEYS = List.of("log", "message", "msg");
    /** Keys naming the severity. */
    public static final List<String> LEVEL_KEYS = List.of("level", "severity", "lvl", "loglevel");
    /**
     * Keys holding the event time, in order of preference: the HTTP input's top-level fields and
     * the {@code json} parser's embedded object. Values follow {@link io.loglane.core.parse.EventTimeParser}.
     */
    public static final List<String> TIME_KEYS = List.of("time", "timestamp", "ts", "@timestamp");
    /** Explicit lane selector. */
    public static final String LOG_TYPE = "log_type";
    public static final List<String> HOST_KEYS = List.of("host", "hostname");
    public static final String CONTAINER_ID = "container_id";
    public static final String CONTAINER_NAME = "container_name";
    public static final String SOURCE = "source";
    /**
     * Set to {@code true} on an event cut at a maximum: a file line longer than
     * {@code max_line_bytes}, a multiline event past its line or byte bound.
     */
    public static final String TRUNCATED = "truncated";
}
