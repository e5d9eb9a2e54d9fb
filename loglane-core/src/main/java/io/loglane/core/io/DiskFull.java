package io.loglane.core.io;

import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Tells a full disk from other I/O errors. Java reports ENOSPC and EDQUOT only as the OS's message
 * in an {@link java.io.IOException} (or a {@link FileSystemException}'s reason), so the messages
 * are matched: Linux and macOS ({@code strerror}) and Windows wording.
 *
 * <p>Thread-safety: stateless.
 */
public final class DiskFull {
    private static final String[] MESSAGES = {
        "no space left on device", // ENOSPC
        "disk quota exceeded", // EDQUOT (Linux)
        "quota exceeded", // EDQUOT (BSD, macOS)
        "not enough space on the disk", // Windows ERROR_DISK_FULL
    };

    private DiskFull() {}

    /** True when {@code t} or one of its causes says the device or the user's quota is full. */
    public static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (matches(c.getMessage()) || c instanceof FileSystemException f && matches(f.getReason())) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        for (String s : MESSAGES) {
            if (m.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
