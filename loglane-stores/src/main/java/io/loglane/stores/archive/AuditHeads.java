package io.loglane.stores.archive;

import io.loglane.core.audit.ChainHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The archived head of each {@code audit_chain} lane: the newest row of the newest committed flush,
 * as {@code _audit/<lane>.head} in the archive's storage ({@link ChainHead}'s format; FORMAT.md,
 * "Audit chain columns"). The sink writes it once delivery committed that flush (so recovery never
 * deletes the row it names); {@code verify-audit} checks that the archive still reaches it, which
 * catches the removal of the newest files, and {@code GET /api/v1/audit/head} exports it.
 *
 * <p>Thread-safety: stateless; each write is one atomic, durable {@link ArchiveStorage#put}.
 */
public final class AuditHeads {
    private AuditHeads() {}

    /** The key of {@code lane}'s head. */
    public static String key(String lane) {
        ArchiveLayout.checkLane(lane);
        return "_audit/" + lane + ".head";
    }

    static void write(ArchiveStorage storage, String lane, ChainHead head) throws IOException {
        String key = key(lane);
        Path tmp = storage.newTempFile(key);
        Files.write(tmp, head.encode());
        storage.put(tmp, key);
    }

    /**
     * @return the lane's archived head, or null when it has none yet
     * @throws IOException when it cannot be read or is damaged
     */
    public static ChainHead read(ArchiveStorage storage, String lane) throws IOException {
        String key = key(lane);
        if (!storage.exists(key)) {
            return null;
        }
        try {
            return ChainHead.decode(storage.read(key), key);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
