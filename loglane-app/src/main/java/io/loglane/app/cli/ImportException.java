package io.loglane.app.cli;

import java.io.IOException;

/**
 * Why an import stopped, with the exit code it gives: 2 for a usage, input or server problem, 1
 * when the server refused data (some lines rejected).
 */
final class ImportException extends IOException {
    private final int exitCode;

    private ImportException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    static ImportException usage(String message) { return new ImportException(message, 2); }

    static ImportException server(String message) { return new ImportException(message, 2); }

    static ImportException rejected(String message) { return new ImportException(message, 1); }

    int exitCode() { return exitCode; }
}
