package io.gorgon.roles.stats;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The log-scale latency buckets of the heatmap and of the Prometheus histogram: bucket k holds values in
 * (0.1 ms·2^(k-1), 0.1 ms·2^k] for k = 0..17 (bucket 0 starts at 0; bucket 17 ends at 13.1 s), and bucket 18 holds
 * everything slower. Inclusive upper bounds, like Prometheus's {@code le}.
 */
public final class LatencyBuckets {
    /** Finite inclusive upper bounds in microseconds: 100, 200, 400 ... 13_107_200. */
    private static final long[] BOUNDS_MICROS = IntStream.range(0, 18).mapToLong(k -> 100L << k).toArray();
    /** Number of buckets, the overflow bucket included. */
    public static final int COUNT = BOUNDS_MICROS.length + 1;
    private static final List<String> LABELS = IntStream.range(0, COUNT).mapToObj(LatencyBuckets::label).toList();

    private LatencyBuckets() {}

    /** The bucket of a latency in microseconds. */
    public static int indexOf(long micros) {
        for (int k = 0; k < BOUNDS_MICROS.length; k++) {
            if (micros <= BOUNDS_MICROS[k]) return k;
        }
        return COUNT - 1;
    }

    /** Inclusive upper bound of bucket k in microseconds; {@link Long#MAX_VALUE} for the overflow bucket. */
    public static long upperBoundMicros(int k) {
        return k < BOUNDS_MICROS.length ? BOUNDS_MICROS[k] : Long.MAX_VALUE;
    }

    /** Prometheus {@code le} value of bucket k: seconds as a plain decimal, or "+Inf". */
    public static String le(int k) {
        if (k >= BOUNDS_MICROS.length) return "+Inf";
        return BigDecimal.valueOf(BOUNDS_MICROS[k]).movePointLeft(6).stripTrailingZeros().toPlainString();
    }

    /** Axis labels for the heatmap, e.g. "≤0.4 ms", "≤1.64 s", ">13.1 s". */
    public static List<String> labels() {
        return LABELS;
    }

    /**
     * Counts per bucket of an HdrHistogram of microseconds. Each recorded value is placed by the lowest value of its
     * HdrHistogram equivalence range, so values recorded exactly on a bound stay in the bucket that bound closes.
     */
    public static long[] bucketize(Histogram h) {
        long[] counts = new long[COUNT];
        for (HistogramIterationValue v : h.recordedValues()) {
            counts[indexOf(h.lowestEquivalentValue(v.getValueIteratedTo()))] += v.getCountAtValueIteratedTo();
        }
        return counts;
    }

    private static String label(int k) {
        if (k >= BOUNDS_MICROS.length) return ">" + human(BOUNDS_MICROS[BOUNDS_MICROS.length - 1]);
        return "≤" + human(BOUNDS_MICROS[k]);
    }

    private static String human(long micros) {
        if (micros < 1_000_000) return trim(micros / 1000.0) + " ms";
        return trim(micros / 1_000_000.0) + " s";
    }

    /** Three significant digits at most: 0.1, 12.8, 102, 1.64. */
    private static String trim(double v) {
        BigDecimal d = new BigDecimal(v).round(new java.math.MathContext(3));
        return d.stripTrailingZeros().toPlainString();
    }
}
