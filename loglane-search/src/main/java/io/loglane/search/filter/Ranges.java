package io.loglane.search.filter;

import java.util.Arrays;

/**
 * A growable list of {@code [start, end)} ranges of one byte array, reused from record to record:
 * the values a selector reaches, the fields of a message.
 *
 * <p>Thread-safety: not thread-safe.
 */
class Ranges {
    int[] start = new int[16];
    int[] end = new int[16];
    int count;

    final void add(int s, int e) {
        if (count == start.length) {
            start = Arrays.copyOf(start, count * 2);
            end = Arrays.copyOf(end, count * 2);
        }
        start[count] = s;
        end[count] = e;
        count++;
    }
}
