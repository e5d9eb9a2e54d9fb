package io.loglane.app.cli;

import io.loglane.app.LoglaneNode;
import io.loglane.app.RegisteredTypes;
import io.loglane.core.audit.AuditChain;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.config.CommandLineFlag;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.stores.archive.AuditVerifier;
import io.loglane.stores.archive.LocalArchiveStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane verify-audit [--lane audit] [--from N] [--to N] [--anchor OFFSET:HASH]}: checks an
 * {@code audit_chain} lane's archive ({@link AuditVerifier}) and prints {@code intact} with the count
 * and the head hash, or the first altered, removed, reordered or inserted record (offset, file, what
 * is wrong). Exit codes: 0 intact, 1 tampered, 2 usage error (bad option, unknown lane, no archive,
 * a lane archived without its chain).
 *
 * <p>It reads the archive directory itself, never a server: the point is to check the files without
 * trusting the process that wrote them, and it works while the node is down (after a crash). The
 * configuration (the same files {@code up} was given) names the archive directory and the lane's
 * parser, whose typed columns are checked against each row's record too.
 */
@Command(name = "verify-audit", description = "Check an audit lane's archive against its hash chain: intact (exit 0) or the first tampered record (exit 1).")
final class VerifyAuditCommand implements Callable<Integer> {
    @Option(names = "--lane", description = "The lane (default ${DEFAULT-VALUE}).", defaultValue = "audit")
    String lane;

    @Option(names = "--from", description = "First stream offset to check (default: the oldest archived).")
    Long from;

    @Option(names = "--to", description = "Last stream offset to check (default: the newest; then the archived head is checked too).")
    Long to;

    @Option(names = "--anchor", description = "OFFSET:HASH of a head exported earlier (GET /api/v1/audit/head): the archive must still hold it.")
    String anchor;

    @Option(names = "--config", description = "Configuration file, as given to `up`; repeatable.")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--no-defaults", description = "Do not load the bundled config/loglane.yaml first.")
    boolean noDefaults;

    @Option(names = "--data", description = "Data directory (sets server.data_dir; default ./data).")
    String data;

    @Option(names = "--archive", description = "Archive directory to check, e.g. a copy (default: the configuration's archive.dir, else <data>/archive).")
    Path archive;

    @Override
    public Integer call() {
        if (from != null && to != null && from > to || from != null && from < 0 || to != null && to < 0) {
            return usage("--from and --to must be offsets >= 0 with --from <= --to");
        }
        ChainHead anchorHead;
        try {
            anchorHead = anchor == null ? null : parseAnchor(anchor);
        } catch (IllegalArgumentException e) {
            return usage("--anchor: " + e.getMessage());
        }
        LoglaneConfig cfg;
        try {
            List<CommandLineFlag> flags = data == null ? List.of() : List.of(new CommandLineFlag("--data", "server.data_dir", data));
            cfg = RegisteredTypes.LOADER.load(ConfigFiles.resolve(configs, noDefaults), flags);
        } catch (ConfigException e) {
            return usage("config: " + e.getMessage());
        }
        LaneSpec spec = cfg.lanes().get(lane);
        if (spec == null) {
            return usage("no lane " + lane + " in the configuration");
        }
        if (!spec.auditChain()) {
            System.err.println("warning: lane " + lane + " has no audit_chain in the configuration; checking its files anyway");
        }
        Path dir = archive != null ? archive : LoglaneNode.archiveDir(cfg);
        if (!Files.isDirectory(dir)) {
            return usage("no archive directory " + dir);
        }
        AuditVerifier.Report report;
        try {
            report = new AuditVerifier(new LocalArchiveStorage(dir), lane, LoglaneNode.parser(cfg, spec))
                    .verify(new AuditVerifier.Range(from, to, anchorHead));
        } catch (Exception e) {
            System.err.println("error: cannot read the archive " + dir + ": " + e.getMessage());
            return 2;
        }
        return switch (report) {
            case AuditVerifier.Intact ok -> {
                if (ok.rows() == 0) {
                    System.out.println("lane " + lane + ": intact: 0 records (nothing chained archived" + (from != null || to != null ? " in the range" : "") + ")");
                } else {
                    System.out.println("lane " + lane + ": intact: " + ok.rows() + " records, offsets " + ok.first() + ".." + ok.head().offset()
                            + ", head hash " + ok.head().hashHex() + " (received " + Instant.EPOCH.plus(ok.head().receivedAtMicros(), ChronoUnit.MICROS) + ")");
                    if (!ok.anchored()) {
                        System.out.println("note: the first record checked chains from one no longer archived (retention or --from):"
                                + " the chain is verified from offset " + ok.first() + " on");
                    }
                }
                if (ok.unchained() > 0) {
                    System.out.println("note: " + ok.unchained() + " record(s) before the chain began (archived before audit_chain was on) are not covered");
                }
                yield 0;
            }
            case AuditVerifier.Tampered t -> {
                System.out.println("lane " + lane + ": TAMPERED at offset " + t.offset() + " in " + t.file() + ": " + t.problem());
                yield 1;
            }
            case AuditVerifier.NotChained n -> usage(n.reason());
        };
    }

    private static ChainHead parseAnchor(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected OFFSET:HASH (64 hex digits), got " + s);
        }
        long offset;
        byte[] hash;
        try {
            offset = Long.parseLong(s.substring(0, colon));
            hash = HexFormat.of().parseHex(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected OFFSET:HASH, the offset is not a number: " + s);
        }
        if (offset < 0 || hash.length != AuditChain.HASH_BYTES) {
            throw new IllegalArgumentException("expected OFFSET:HASH with an offset >= 0 and 64 hex digits");
        }
        return new ChainHead(offset, hash, 0);
    }

    private static int usage(String message) {
        System.err.println("error: " + message);
        return 2;
    }
}
