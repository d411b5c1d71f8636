package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsLatencyBucketsTest {

    @Test
    void boundsAreInclusiveUpperBoundsDoublingFromPointOneMillisecond() {
        assertEquals(19, LatencyBuckets.COUNT);
        assertEquals(0, LatencyBuckets.indexOf(0));
        assertEquals(0, LatencyBuckets.indexOf(100));
        assertEquals(1, LatencyBuckets.indexOf(101));
        assertEquals(1, LatencyBuckets.indexOf(200));
        assertEquals(2, LatencyBuckets.indexOf(201));
        assertEquals(10, LatencyBuckets.indexOf(102_400));
        assertEquals(11, LatencyBuckets.indexOf(102_401));
        assertEquals(17, LatencyBuckets.indexOf(13_107_200));
        assertEquals(18, LatencyBuckets.indexOf(13_107_201));
        assertEquals(18, LatencyBuckets.indexOf(Long.MAX_VALUE));
        for (int k = 0; k < LatencyBuckets.COUNT - 1; k++) {
            assertEquals(k, LatencyBuckets.indexOf(LatencyBuckets.upperBoundMicros(k)), "bound of " + k);
            assertEquals(k + 1, LatencyBuckets.indexOf(LatencyBuckets.upperBoundMicros(k) + 1), "just above bound of " + k);
        }
    }

    @Test
    void prometheusLeAndLabels() {
        assertEquals("0.0001", LatencyBuckets.le(0));
        assertEquals("0.0016", LatencyBuckets.le(4));
        assertEquals("13.1072", LatencyBuckets.le(17));
        assertEquals("+Inf", LatencyBuckets.le(18));
        assertEquals("≤0.1 ms", LatencyBuckets.labels().get(0));
        assertEquals("≤102 ms", LatencyBuckets.labels().get(10));
        assertEquals("≤1.64 s", LatencyBuckets.labels().get(14));
        assertEquals(">13.1 s", LatencyBuckets.labels().get(18));
    }

    @Test
    void bucketizesAHistogramKeepingValuesOnABoundInThatBucket() {
        Histogram h = new Histogram(3);
        h.recordValue(100);          // bucket 0
        h.recordValue(101);          // 1
        h.recordValueWithCount(102_400, 5); // 10, exactly on the bound
        h.recordValue(104_000);      // 11
        h.recordValue(30_000_000);   // 18
        long[] expected = new long[19];
        expected[0] = 1;
        expected[1] = 1;
        expected[10] = 5;
        expected[11] = 1;
        expected[18] = 1;
        assertArrayEquals(expected, LatencyBuckets.bucketize(h));
    }
}
