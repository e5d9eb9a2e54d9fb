package io.loglane.app.cli;

import io.loglane.app.RegisteredTypes;
import io.loglane.core.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./loglane check-config FILE...}: validates; every error names file, line and key; exit 2 on errors. */
@Command(name = "check-config", description = "Validate configuration files (layered over the bundled defaults).")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Files to check, in layering order.")
    List<Path> files = List.of();

    @Option(names = "--no-defaults", description = "Check the files alone, without the bundled config/loglane.yaml first.")
    boolean noDefaults;

    @Override
    public Integer call() {
        List<Path> all = ConfigFiles.resolve(files, noDefaults);
        List<ConfigException> errors = RegisteredTypes.LOADER.check(all);
        if (errors.isEmpty()) {
            System.out.println("ok: " + all);
            return 0;
        }
        for (ConfigException e : errors) {
            System.err.println(e.getMessage());
        }
        System.err.println(errors.size() + " error(s)");
        return 2;
    }
}
