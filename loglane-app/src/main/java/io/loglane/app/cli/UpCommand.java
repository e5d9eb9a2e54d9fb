package io.loglane.app.cli;

import io.loglane.app.LoglaneNode;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.ServerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane up}: runs everything until SIGTERM/SIGINT, then shuts down gracefully (stop
 * inputs, drain delivery, flush stores, close). Exit status: 2 on a config error (nothing started),
 * 1 when start-up fails, and after SIGTERM the JVM's 143 (128 + 15) once the shutdown completed.
 */
@Command(name = "up", description = "Run loglane (Forward and HTTP inputs, stream, delivery, archive, SQL).")
final class UpCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Configuration file; repeatable, later files override (layered over the bundled config/loglane.yaml).")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--no-defaults", description = "Do not load the bundled config/loglane.yaml first.")
    boolean noDefaults;

    @Option(names = "--data", description = "Data directory (default: server.data_dir, ./data).")
    Path data;

    @Option(names = "--http-port", description = "HTTP port (default 8080).")
    Integer httpPort;

    @Option(names = "--forward-port", description = "Forward input port (default 24224).")
    Integer forwardPort;

    @Override
    public Integer call() throws Exception {
        LoglaneConfig cfg;
        try {
            cfg = ConfigLoader.load(ConfigFiles.resolve(configs, noDefaults));
        } catch (ConfigException e) {
            System.err.println("config error: " + e.getMessage());
            return 2;
        }
        cfg = override(cfg, data, httpPort, forwardPort);
        LoglaneNode node = new LoglaneNode(cfg, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "loglane-shutdown"));
        try {
            node.start();
        } catch (Exception e) {
            System.err.println("loglane failed to start: " + e);
            e.printStackTrace();
            return 1;
        }
        stopped.await();
        return 0;
    }

    /** Applies command-line overrides on top of the layered configuration. */
    static LoglaneConfig override(LoglaneConfig cfg, Path data, Integer httpPort, Integer forwardPort) {
        ServerSettings s = cfg.server();
        Path dataDir = data != null ? data : s.dataDir();
        ServerSettings server = new ServerSettings(s.bind(), httpPort != null ? httpPort : s.httpPort(), dataDir,
                s.httpMaxBody(), s.shutdownGrace());
        List<InputSpec> inputs = new ArrayList<>();
        for (InputSpec in : cfg.inputs()) {
            if (forwardPort != null && in.type().equals("forward")) {
                in = new InputSpec(in.type(), in.name(), in.bind(), forwardPort, in.options(), in.origin());
            }
            inputs.add(in);
        }
        var archive = cfg.archive();
        if (data != null && archive.dir().startsWith(s.dataDir())) {
            archive = new io.loglane.core.config.ArchiveSettings(dataDir.resolve(s.dataDir().relativize(archive.dir())),
                    archive.flushRows(), archive.flushBytes(), archive.flushAge(), archive.compactAfter(), archive.compactMinFiles(),
                    archive.maintenanceInterval());
        }
        return new LoglaneConfig(server, inputs, cfg.lanes(), cfg.stream(), archive, cfg.query());
    }
}
