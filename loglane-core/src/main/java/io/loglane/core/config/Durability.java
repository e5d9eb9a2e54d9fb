package io.loglane.core.config;

/**
 * When a lane acknowledges an event.
 * <ul>
 *   <li>{@code MEMORY}: at once; a crash may lose what was buffered. A full stream drops the oldest.</li>
 *   <li>{@code DISK}: after the batch is written to the segment file (page cache); survives a process crash.</li>
 *   <li>{@code SYNC}: after fsync, with group commit (one fsync serves many writers); survives power loss.</li>
 * </ul>
 */
public enum Durability {
    MEMORY, DISK, SYNC;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
