package io.loglane.inputs.tail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which file a path names right now: its device and inode, as {@code stat} reports them after
 * following symlinks. Two paths with the same identity are one file (a renamed file keeps it); a
 * new file created under an old name gets another. The kernel reuses inode numbers, so the same
 * identity can name a different file later: {@link Fingerprint} tells those apart.
 *
 * @param dev the device id
 * @param ino the inode number
 */
record FileIdentity(long dev, long ino) {
    /** The identity of the file {@code path} names, following symlinks. */
    static FileIdentity of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino");
        return new FileIdentity(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
    }

    @Override
    public String toString() { return dev + ":" + ino; }
}
