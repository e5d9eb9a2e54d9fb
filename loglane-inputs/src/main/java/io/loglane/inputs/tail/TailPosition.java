package io.loglane.inputs.tail;

/**
 * What the positions file remembers of one tailed file (see FORMAT.md).
 *
 * @param id          the file's device and inode
 * @param fingerprint its first bytes, telling a reused inode apart
 * @param offset      every line before this byte offset is accepted by the stream
 * @param pendingEnd  end of the batch {@code [offset, pendingEnd)} that was being handed on, which the
 *                    stream may or may not hold; -1 when none. After a restart exactly that range is
 *                    re-read and re-sent under the same chunk id, so the stream stores it once.
 * @param skipping    {@code offset} lies inside a cut (over-long) line whose rest is skipped
 * @param path        where the file was last seen (a rotated file is looked for beside it)
 * @param pendingOf   the file whose identity the pending range's chunk id names: {@code id}, or for a
 *                    copy that re-sends its original's range (copytruncate), the original's
 */
record TailPosition(FileIdentity id, Fingerprint fingerprint, long offset, long pendingEnd, boolean skipping, String path,
                    FileIdentity pendingOf) {
    TailPosition {
        if (offset < 0 || (pendingEnd >= 0 && pendingEnd < offset)) {
            throw new IllegalArgumentException("bad range " + offset + ".." + pendingEnd + " of " + path);
        }
        if (pendingOf == null) {
            pendingOf = id;
        }
    }

    /** A position whose pending range (if any) was read from the file itself. */
    TailPosition(FileIdentity id, Fingerprint fingerprint, long offset, long pendingEnd, boolean skipping, String path) {
        this(id, fingerprint, offset, pendingEnd, skipping, path, id);
    }
}
