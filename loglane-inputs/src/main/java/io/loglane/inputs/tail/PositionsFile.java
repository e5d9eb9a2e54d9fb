package io.loglane.inputs.tail;

import io.loglane.core.io.Fsync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The read positions of one tail input, one {@link TailPosition} per file tailed or recently
 * released, and the start of the last complete scan ({@link Content}), in a small text file
 * replaced whole on every {@link #write}: written to a temporary file, fsynced, renamed over the
 * old one, and the directory fsynced, so a crash leaves either the old or the new file, never a
 * mix. The layout, with its version line and CRC-32C footer, is in FORMAT.md beside this class.
 *
 * <p>Thread-safety: not thread-safe; the tailer thread owns it.
 */
final class PositionsFile {
    static final String MAGIC = "loglane-tail-positions";
    /**
     * Version 3 adds the scan watermark, and released files and lost generations (state field); version 2 added the pending
     * range's chunk file ({@link TailPosition#pendingOf}). Versions 1 and 2 are still read.
     */
    static final int VERSION = 3;
    private static final String FOOTER = "crc32c ";
    private static final String SCAN = "scan ";
    private static final String TAILED = "t";
    private static final String RELEASED = "r";
    private static final String LOST = "g";

    private final Path file;
    private final Path temp;

    PositionsFile(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    Path path() { return file; }

    /**
     * What the file holds: the start of the last complete scan and the files' positions.
     *
     * @param scanMillis start (wall clock, before listing began) of the last scan that completed before
     *                   the write; -1 when unknown (a version 1 or 2 file, or no scan completed yet)
     * @param tailed     the files being tailed
     * @param released   files read to their end and closed, kept for a while so that a restart
     *                   knows them (FORMAT.md); never with a pending range
     * @param lost       generations no longer at their inode (the file was truncated or replaced), kept
     *                   for a while so that a restart knows a copy of one by its first bytes
     */
    record Content(long scanMillis, List<TailPosition> tailed, List<TailPosition> released, List<TailPosition> lost) {
        static final Content EMPTY = new Content(-1, List.of(), List.of(), List.of());

        Content {
            tailed = List.copyOf(tailed);
            released = List.copyOf(released);
            lost = List.copyOf(lost);
        }
    }

    /**
     * The positions last written; {@link Content#EMPTY} when there is no file yet. A leftover temporary
     * file is ignored: its rename never happened, so the file it was to replace is still the last complete one.
     *
     * @throws IOException also when the file is corrupt (bad CRC, version or line): a tail must not
     *                     guess where it was, so the input refuses to start and says which file is bad
     */
    Content read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Content.EMPTY;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int footer = text.lastIndexOf(FOOTER);
        if (footer < 0 || !text.endsWith("\n")) {
            throw corrupt("no CRC footer");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, text.substring(0, footer).getBytes(StandardCharsets.UTF_8).length);
        String want = text.substring(footer + FOOTER.length(), text.length() - 1);
        if (!want.equals(hex32(crc.getValue()))) {
            throw corrupt("CRC mismatch");
        }
        String[] lines = text.substring(0, footer).split("\n");
        int version = 0;
        for (int v = 1; v <= VERSION; v++) {
            if (lines[0].equals(MAGIC + " " + v)) {
                version = v;
            }
        }
        if (version == 0) {
            throw corrupt("unknown header \"" + lines[0] + "\" (this version reads " + MAGIC + " 1 to " + VERSION + ")");
        }
        int first = 1;
        long scanMillis = -1;
        if (version >= 3) {
            if (lines.length < 2 || !lines[1].startsWith(SCAN)) {
                throw corrupt("line 2 is not \"" + SCAN + "<millis>\"");
            }
            try {
                scanMillis = Long.parseLong(lines[1].substring(SCAN.length()));
            } catch (NumberFormatException e) {
                throw corrupt("line 2: " + e.getMessage());
            }
            first = 2;
        }
        int fields = version == 1 ? 8 : version == 2 ? 9 : 10;
        List<TailPosition> tailed = new ArrayList<>();
        List<TailPosition> released = new ArrayList<>();
        List<TailPosition> lost = new ArrayList<>();
        for (int i = first; i < lines.length; i++) {
            String[] f = lines[i].split(" ", fields);
            if (f.length != fields) {
                throw corrupt("line " + (i + 1) + " has " + f.length + " fields");
            }
            try {
                FileIdentity id = new FileIdentity(Long.parseLong(f[0]), Long.parseLong(f[1]));
                FileIdentity pendingOf = id;
                if (version > 1) {
                    String[] of = f[7].split(":", 2);
                    pendingOf = new FileIdentity(Long.parseLong(of[0]), Long.parseLong(of[1]));
                }
                String state = version >= 3 ? f[8] : TAILED;
                TailPosition p = new TailPosition(id, new Fingerprint(Integer.parseInt(f[2]), Long.parseLong(f[3], 16)),
                        Long.parseLong(f[4]), Long.parseLong(f[5]), f[6].equals("1"), unescape(f[fields - 1]), pendingOf);
                switch (state) {
                    case TAILED -> tailed.add(p);
                    case RELEASED -> {
                        if (p.pendingEnd() >= 0) {
                            throw new IllegalArgumentException("a released file with a pending range");
                        }
                        released.add(p);
                    }
                    case LOST -> lost.add(p);
                    default -> throw new IllegalArgumentException("state \"" + state + "\" is none of " + TAILED + ", " + RELEASED
                            + ", " + LOST);
                }
            } catch (IllegalArgumentException e) {
                throw corrupt("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Content(scanMillis, tailed, released, lost);
    }

    /** Replaces the file with {@code content}, durably (see the class comment). */
    void write(Content content) throws IOException {
        StringBuilder sb = new StringBuilder(64 + 96 * (content.tailed().size() + content.released().size() + content.lost().size()));
        sb.append(MAGIC).append(' ').append(VERSION).append('\n');
        sb.append(SCAN).append(content.scanMillis()).append('\n');
        for (TailPosition p : content.tailed()) {
            line(sb, p, TAILED);
        }
        for (TailPosition p : content.released()) {
            line(sb, p, RELEASED);
        }
        for (TailPosition p : content.lost()) {
            line(sb, p, LOST);
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] footer = (FOOTER + hex32(crc.getValue()) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer[] out = {java.nio.ByteBuffer.wrap(body), java.nio.ByteBuffer.wrap(footer)};
            while (out[1].hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(file.getParent());
    }

    private static void line(StringBuilder sb, TailPosition p, String state) {
        sb.append(p.id().dev()).append(' ').append(p.id().ino()).append(' ')
                .append(p.fingerprint().length()).append(' ').append(Long.toHexString(p.fingerprint().hash())).append(' ')
                .append(p.offset()).append(' ').append(p.pendingEnd()).append(' ').append(p.skipping() ? '1' : '0').append(' ')
                .append(p.pendingOf()).append(' ').append(state).append(' ').append(escape(p.path())).append('\n');
    }

    private IOException corrupt(String why) {
        return new IOException("tail positions file " + file + " is corrupt (" + why
                + "); move it away to start the input over from its 'start' setting");
    }

    private static String hex32(long v) { return HexFormat.of().toHexDigits((int) v); }

    /** Paths may hold any byte but NUL: the newline and the backslash are escaped. */
    static String escape(String path) {
        return path.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 'n' ? '\n' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
