package io.gorgon.bus.impl;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A Dropwizard reservoir that keeps every value in an HdrHistogram: exact-enough percentiles, no sampling bias. */
final class HdrReservoir implements Reservoir {
    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, histogram.getTotalCount());
    }

    @Override
    public void update(long value) {
        histogram.recordValue(Math.max(0, value));
    }

    @Override
    public Snapshot getSnapshot() {
        Histogram copy = histogram.copy();
        return new Snapshot() {
            @Override public double getValue(double quantile) { return copy.getValueAtPercentile(quantile * 100.0); }
            @Override public long[] getValues() { return new long[0]; }
            @Override public int size() { return (int) Math.min(Integer.MAX_VALUE, copy.getTotalCount()); }
            @Override public long getMax() { return copy.getMaxValue(); }
            @Override public double getMean() { return copy.getMean(); }
            @Override public long getMin() { return copy.getMinValue(); }
            @Override public double getStdDev() { return copy.getStdDeviation(); }
            @Override public void dump(OutputStream output) {
                try (PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(output, StandardCharsets.UTF_8))) {
                    copy.outputPercentileDistribution(new java.io.PrintStream(output, true, StandardCharsets.UTF_8), 1.0);
                    w.flush();
                }
            }
        };
    }
}
