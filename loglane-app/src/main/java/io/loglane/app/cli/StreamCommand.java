package io.loglane.app.cli;

import io.loglane.stream.local.CheckReport;
import io.loglane.stream.local.LaneInspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./loglane stream dump|check}: read-only tools for a lane's segment files (safe while loglane runs). */
@Command(name = "stream", description = "Inspect a lane's stream on disk.", subcommands = {StreamCommand.Dump.class, StreamCommand.Check.class})
final class StreamCommand {
    static Path laneDir(Path data, String lane) {
        Path dir = data.resolve("stream").resolve(lane);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no stream for lane '" + lane + "' under " + data.resolve("stream"));
        }
        return dir;
    }

    @Command(name = "dump", description = "Print one line per batch: offsets, count, tag, event times, chunk id, bytes, CRC.")
    static final class Dump implements Callable<Integer> {
        @Option(names = "--data", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
        Path data;
        @Option(names = "--lane", required = true)
        String lane;
        @Option(names = "--from", defaultValue = "0", description = "First offset (default ${DEFAULT-VALUE}).")
        long from;
        @Option(names = "--max", defaultValue = "1000", description = "Most batches to print (default ${DEFAULT-VALUE}).")
        int max;

        @Override
        public Integer call() throws Exception {
            try {
                LaneInspector.dump(laneDir(data, lane), from, max, System.out);
                return 0;
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "check", description = "Verify every batch (CRC, framing, offsets) and the indexes, list offset gaps and quarantined bytes "
            + "left by recovery; exit 1 when damaged.")
    static final class Check implements Callable<Integer> {
        @Option(names = "--data", defaultValue = "data", description = "Data directory (default ${DEFAULT-VALUE}).")
        Path data;
        @Option(names = "--lane", required = true)
        String lane;

        @Override
        public Integer call() throws Exception {
            CheckReport r;
            try {
                r = LaneInspector.check(laneDir(data, lane));
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
            System.out.print(r.describe());
            System.out.println(r.ok() ? "ok" : "DAMAGED");
            return r.ok() ? 0 : 1;
        }
    }
}
