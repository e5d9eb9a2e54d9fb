package io.loglane.app.cli;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * One input of {@code ./loglane import}: a file (gzip recognised by its magic bytes, not its name)
 * or {@code -} for standard input, opened as a stream of plain bytes.
 *
 * <p>The {@link #fingerprint} names the input's content for idempotency keys: SHA-256 of its first
 * 4 KiB (as stored, so of the compressed bytes for a .gz) and its size. A file that has grown since
 * the last import therefore gets a new fingerprint (its batches are sent again, and stored again),
 * rather than having a longer last batch mistaken for the old one. Standard input has no size: its
 * fingerprint is of its first 4 KiB only (the batch keys also hold each body's checksum, so two
 * streams sharing their first 4 KiB are still told apart).
 *
 * <p>Thread-safety: not thread-safe; one reader.
 */
final class ImportSource implements AutoCloseable {
    static final int FINGERPRINT_BYTES = 4096;

    private final String name;
    private final long size;
    private final String fingerprint;
    private final Counting raw;
    private final InputStream plain;
    private final boolean gzip;

    private ImportSource(String name, long size, InputStream in) throws IOException {
        this.name = name;
        this.size = size;
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(FINGERPRINT_BYTES);
        byte[] head = buffered.readNBytes(FINGERPRINT_BYTES);
        buffered.reset();
        this.fingerprint = fingerprint(head, size);
        this.gzip = head.length >= 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b;
        this.raw = new Counting(buffered);
        try {
            this.plain = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
        } catch (IOException e) {
            throw readError(name, true, e);
        }
    }

    /** A usage error naming the input for a failure while reading it. */
    static ImportException readError(String name, boolean gzip, IOException e) {
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return ImportException.usage(name + ": " + (gzip ? "broken gzip data: " : "cannot read: ") + why);
    }

    /**
     * Opens {@code arg}: {@code -} is standard input, anything else a regular readable file.
     *
     * @throws ImportException (usage) for a missing, unreadable or non-regular file
     */
    static ImportSource open(String arg) throws IOException {
        if (arg.equals("-")) {
            return new ImportSource("-", -1, System.in);
        }
        Path p = Path.of(arg);
        if (!Files.exists(p)) {
            throw ImportException.usage(arg + ": no such file");
        }
        if (Files.isDirectory(p)) {
            throw ImportException.usage(arg + ": is a directory (give the files in it)");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw ImportException.usage(arg + ": not a readable regular file");
        }
        InputStream in = Files.newInputStream(p);
        try {
            return new ImportSource(arg, Files.size(p), in);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    String name() { return name; }

    /** Bytes as stored (compressed for a .gz), or -1 for standard input. */
    long size() { return size; }

    /** Bytes consumed so far as stored (compressed for a .gz); for progress. */
    long consumed() { return raw.count; }

    boolean gzip() { return gzip; }

    /** 32 hex digits naming this input's content (see the class comment). */
    String fingerprint() { return fingerprint; }

    /** The content, decompressed when gzip. */
    InputStream plain() { return plain; }

    @Override
    public void close() throws IOException {
        if (!name.equals("-")) {
            plain.close();
        }
    }

    static String fingerprint(byte[] head, long size) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(head);
            for (int i = 0; i < 8; i++) {
                sha.update((byte) (size >>> (8 * i)));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Counts the bytes read through it (volatile: the progress thread reads it). */
    private static final class Counting extends FilterInputStream {
        volatile long count;

        Counting(InputStream in) { super(in); }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
