package io.loglane.app.cli;

import io.loglane.app.RegisteredTypes;
import io.loglane.core.config.ConfigReference;
import picocli.CommandLine.Command;

/** {@code ./loglane config-reference}: prints every configuration key with type, default and doc (Markdown). */
@Command(name = "config-reference", description = "Print the configuration reference (Markdown).")
final class ConfigReferenceCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(ConfigReference.markdown(RegisteredTypes.LOADER.schema()));
    }
}
