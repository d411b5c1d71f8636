package io.gorgon.simulator;

import java.util.Arrays;

/** A thread-safe growable list of longs: millions of acknowledged ids without a boxed Long each. */
final class LongBag {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long v) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = v;
    }

    synchronized int size() {
        return size;
    }

    synchronized long[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
