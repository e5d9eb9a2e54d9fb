package io.loglane.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./loglane}: the command line. {@code --help} and {@code --version} work on every subcommand
 * (inherited). Exit codes: 0 ok, 1 runtime failure, 2 usage or
 * configuration error.
 */
@Command(name = "loglane", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "loglane 0.1.0",
        description = "Container log platform: Forward/HTTP ingest, lanes, durable stream, Parquet archive, SQL.",
        subcommands = {UpCommand.class, SqlCommand.class, LanesCommand.class, SourcesCommand.class, CheckConfigCommand.class,
                StreamCommand.class, ConfigReferenceCommand.class, SearchCommand.class, FilterTestCommand.class, TailCommand.class,
                ImportCommand.class, TokenCommand.class, VerifyAuditCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests and the launcher). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(e -> 2);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 2;
        });
        return cl.execute(args);
    }
}
