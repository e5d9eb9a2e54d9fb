package io.loglane.search.filter;

import io.loglane.core.event.Bytes;

/**
 * Reads msgpack values in place, by their first byte (formats as in the msgpack specification):
 * where a value ends, a string's payload, a map's or array's size, a scalar into a {@link Scalar}.
 * msgpack-core's unpacker would do it too, but each {@code reset} onto a new range wraps the array
 * in a new buffer object (32 bytes measured), and a filter reads several values of every event;
 * these static reads allocate nothing. The bytes are a stored record, already checked to be one
 * whole msgpack value by the sink that stored it.
 *
 * <p>Thread-safety: stateless.
 */
final class MsgpackReader {
    private MsgpackReader() {}

    /** Length of the header of the string at {@code p} (its payload follows). */
    static int stringHeader(byte[] b, int p) {
        return switch (b[p] & 0xff) {
            case 0xd9 -> 2;
            case 0xda -> 3;
            case 0xdb -> 5;
            default -> 1; // fixstr
        };
    }

    static boolean isString(byte[] b, int p) {
        int f = b[p] & 0xff;
        return (f >= 0xa0 && f <= 0xbf) || (f >= 0xd9 && f <= 0xdb);
    }

    static boolean isMap(byte[] b, int p) {
        int f = b[p] & 0xff;
        return (f >= 0x80 && f <= 0x8f) || f == 0xde || f == 0xdf;
    }

    static boolean isArray(byte[] b, int p) {
        int f = b[p] & 0xff;
        return (f >= 0x90 && f <= 0x9f) || f == 0xdc || f == 0xdd;
    }

    /** Entries of the map, or elements of the array, at {@code p}. */
    static int size(byte[] b, int p) {
        int f = b[p] & 0xff;
        return switch (f) {
            case 0xdc, 0xde -> ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff);
            case 0xdd, 0xdf -> Bytes.getInt(b, p + 1);
            default -> f & 0x0f; // fixmap, fixarray
        };
    }

    /** Where the first entry of the map or array at {@code p} starts. */
    static int firstChild(byte[] b, int p) {
        return switch (b[p] & 0xff) {
            case 0xdc, 0xde -> p + 3;
            case 0xdd, 0xdf -> p + 5;
            default -> p + 1;
        };
    }

    /** Where the value at {@code p} ends (containers with everything in them). */
    static int skip(byte[] b, int p) {
        long pending = 1; // values still to pass: a container adds its children
        while (pending-- > 0) {
            int f = b[p] & 0xff;
            if (f <= 0x7f || f >= 0xe0 || f == 0xc0 || f == 0xc2 || f == 0xc3) {
                p += 1;
            } else if (f <= 0x8f) {
                pending += 2L * (f & 0x0f);
                p += 1;
            } else if (f <= 0x9f) {
                pending += f & 0x0f;
                p += 1;
            } else if (f <= 0xbf) {
                p += 1 + (f & 0x1f);
            } else {
                switch (f) {
                    case 0xc4, 0xd9 -> p += 2 + (b[p + 1] & 0xff);
                    case 0xc5, 0xda -> p += 3 + (((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff));
                    case 0xc6, 0xdb -> p += 5 + Bytes.getInt(b, p + 1);
                    case 0xc7 -> p += 3 + (b[p + 1] & 0xff);
                    case 0xc8 -> p += 4 + (((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff));
                    case 0xc9 -> p += 6 + Bytes.getInt(b, p + 1);
                    case 0xca, 0xce, 0xd2 -> p += 5;
                    case 0xcb, 0xcf, 0xd3 -> p += 9;
                    case 0xcc, 0xd0 -> p += 2;
                    case 0xcd, 0xd1 -> p += 3;
                    case 0xd4 -> p += 3;
                    case 0xd5 -> p += 4;
                    case 0xd6 -> p += 6;
                    case 0xd7 -> p += 10;
                    case 0xd8 -> p += 18;
                    case 0xdc -> {
                        pending += ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff);
                        p += 3;
                    }
                    case 0xdd -> {
                        pending += Bytes.getInt(b, p + 1) & 0xffffffffL;
                        p += 5;
                    }
                    case 0xde -> {
                        pending += 2L * (((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff));
                        p += 3;
                    }
                    case 0xdf -> {
                        pending += 2L * (Bytes.getInt(b, p + 1) & 0xffffffffL);
                        p += 5;
                    }
                    default -> throw new IllegalArgumentException("not msgpack: format byte 0x" + Integer.toHexString(f));
                }
            }
        }
        return p;
    }

    /** Loads the value at {@code p}, ending at {@code end}, into {@code out}. */
    static void load(byte[] b, int p, int end, Scalar out) {
        int f = b[p] & 0xff;
        if (f <= 0x7f) {
            out.ofLong(f);
        } else if (f >= 0xe0) {
            out.ofLong((byte) f);
        } else if (isString(b, p)) {
            int h = stringHeader(b, p);
            out.string(b, p + h, end - p - h);
        } else if (isMap(b, p) || isArray(b, p)) {
            out.of(Scalar.Kind.CONTAINER);
        } else {
            switch (f) {
                case 0xc0 -> out.of(Scalar.Kind.NULL);
                case 0xc2 -> out.ofBoolean(false);
                case 0xc3 -> out.ofBoolean(true);
                case 0xca -> out.ofDouble(Float.intBitsToFloat(Bytes.getInt(b, p + 1)));
                case 0xcb -> out.ofDouble(Double.longBitsToDouble(Bytes.getLong(b, p + 1)));
                case 0xcc -> out.ofLong(b[p + 1] & 0xff);
                case 0xcd -> out.ofLong(((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff));
                case 0xce -> out.ofLong(Bytes.getInt(b, p + 1) & 0xffffffffL);
                case 0xcf -> {
                    long v = Bytes.getLong(b, p + 1);
                    if (v >= 0) {
                        out.ofLong(v);
                    } else { // above Long.MAX_VALUE: as the archive keeps it, a (rounded) number
                        out.ofDouble((double) (v >>> 1) * 2.0 + (v & 1));
                    }
                }
                case 0xd0 -> out.ofLong(b[p + 1]);
                case 0xd1 -> out.ofLong((short) (((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff)));
                case 0xd2 -> out.ofLong(Bytes.getInt(b, p + 1));
                case 0xd3 -> out.ofLong(Bytes.getLong(b, p + 1));
                default -> out.of(Scalar.Kind.OTHER); // binary, extension
            }
        }
    }
}
