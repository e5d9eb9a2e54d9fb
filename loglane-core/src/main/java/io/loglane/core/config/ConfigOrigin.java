package io.loglane.core.config;

/** Where a value came from: file and 1-based line. */
public record ConfigOrigin(String file, int line) {
    @Override
    public String toString() { return file + ":" + line; }
}
