package io.loglane.app.cli;

import io.loglane.app.LoglaneNode;
import io.loglane.app.RegisteredTypes;
import io.loglane.core.config.CommandLineFlag;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.LoglaneConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane up}: runs everything until SIGTERM/SIGINT, then shuts down gracefully (stop
 * inputs, drain delivery, flush stores, close) and exits 0. A second signal during that drain
 * exits at once (130): what is acknowledged on disk/sync lanes is delivered after the restart.
 * {@code --data}, {@code --http-port} and {@code --forward-port} are the last configuration layer
 * ({@link CommandLineFlag}): validated like a file's values, errors naming {@code (command line)}
 * and the flag. Exit status: 2 on a config error (every error is listed; nothing started), 1 when start-up fails
 * (one line naming the cause, the stack only when the cause is not an I/O or bind problem).
 * Once every listener is bound, the server's URL is recorded in {@code <data_dir>/}{@value
 * ServerStateFile#NAME} so that the other commands find it.
 */
@Command(name = "up", description = "Run loglane (Forward and HTTP inputs, stream, delivery, archive, SQL).")
final class UpCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);

    @Option(names = "--config", description = "Configuration file; repeatable, later files override (layered over the bundled config/loglane.yaml).")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--no-defaults", description = "Do not load the bundled config/loglane.yaml first.")
    boolean noDefaults;

    // Text, not typed options: each is validated by its key's declaration, like a value in a file.
    @Option(names = "--data", description = "Data directory (sets server.data_dir; default ./data).")
    String data;

    @Option(names = "--http-port", description = "HTTP port (sets server.http_port; default 8080).")
    String httpPort;

    @Option(names = "--forward-port", description = "Port of every Forward input (sets their port; default 24224).")
    String forwardPort;

    @Override
    public Integer call() throws Exception {
        List<Path> files = ConfigFiles.resolve(configs, noDefaults);
        List<CommandLineFlag> flags = flags();
        List<ConfigException> errors = RegisteredTypes.LOADER.check(files, flags);
        if (!errors.isEmpty()) {
            for (ConfigException e : errors) {
                System.err.println("config error: " + e.getMessage());
            }
            System.err.println(errors.size() + " config error(s); nothing started (`./loglane check-config` checks files alone)");
            return 2;
        }
        LoglaneConfig cfg = RegisteredTypes.LOADER.load(files, flags);
        LoglaneNode node = new LoglaneNode(cfg, Clock.systemUTC());
        Path dataDir = cfg.server().dataDir();
        AtomicBoolean closed = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (closed.compareAndSet(false, true)) {
                node.close();
                ServerStateFile.deleteOwn(dataDir);
            }
        };
        // Any other way the JVM ends (System.exit, SIGHUP) still drains.
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "loglane-shutdown"));
        try {
            node.start();
        } catch (Exception e) {
            reportStartFailure(e);
            shutdown.run();
            return 1;
        }
        // Installed once running: a signal during start-up takes the JVM's default path (the hook).
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.install(stop);
        try {
            ServerStateFile.write(dataDir, ServerStateFile.url(cfg.server().bind(), node.httpPort(), cfg.server().http().tls() != null), node.forwardPort());
        } catch (IOException e) {
            LOG.warn("loglane: cannot record the server in {} ({}); other commands need --server or LOGLANE_SERVER", dataDir, e.toString());
        }
        stop.await();
        shutdown.run();
        return 0;
    }

    /**
     * One line naming what failed. A bind or I/O failure is the user's to fix (a port in use, a
     * read-only directory) and its stack would only bury the message; anything else is a bug, and
     * its stack is printed.
     */
    private static void reportStartFailure(Exception e) {
        Throwable root = e;
        while (root.getCause() != null) { // Throwable.getCause() is null, never itself, at the end
            root = root.getCause();
        }
        String what = e.getMessage() != null ? e.getMessage() : e.toString();
        if (root != e && root.getMessage() != null && !what.contains(root.getMessage())) {
            what += " (" + root.getMessage() + ")";
        }
        System.err.println("loglane failed to start: " + what);
        if (!(root instanceof IOException) && !(root instanceof java.io.UncheckedIOException) && !isBindFailure(e)) {
            e.printStackTrace();
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || t instanceof io.javalin.util.JavalinBindException) {
                return true;
            }
        }
        return false;
    }

    /** The flags given, as the last configuration layer. */
    private List<CommandLineFlag> flags() {
        List<CommandLineFlag> out = new ArrayList<>();
        if (data != null) {
            out.add(new CommandLineFlag("--data", "server.data_dir", data));
        }
        if (httpPort != null) {
            out.add(new CommandLineFlag("--http-port", "server.http_port", httpPort));
        }
        if (forwardPort != null) {
            out.add(new CommandLineFlag("--forward-port", "inputs[forward].port", forwardPort));
        }
        return out;
    }
}
