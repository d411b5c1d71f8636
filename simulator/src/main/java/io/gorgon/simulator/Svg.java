package io.gorgon.simulator;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Minimal inline-SVG line charts: axes, grid, one polyline per series, a legend; no scripts, no external files. */
final class Svg {
    record Series(String name, String color, double[] xs, double[] ys) {}

    private static final int W = 760, H = 320, L = 60, R = 40, T = 30, B = 45;

    private Svg() {}

    /**
     * @param xTicks labels at given x positions, or null for evenly spaced numbers
     * @param marks  x positions to mark with a dashed vertical line (e.g. chaos kills)
     */
    static String chart(String title, String xLabel, String yLabel, List<Series> series, Map<Double, String> xTicks, double[] marks) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = 0;
        for (Series s : series) {
            for (double x : s.xs()) {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
            for (double y : s.ys()) maxY = Math.max(maxY, y);
        }
        if (xTicks != null) {
            for (double x : xTicks.keySet()) {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
        }
        if (minX == Double.MAX_VALUE) { minX = 0; maxX = 1; }
        if (maxX <= minX) maxX = minX + 1;
        double yStep = niceStep(maxY <= 0 ? 1 : maxY / 5);
        double topY = Math.max(yStep, Math.ceil(maxY / yStep) * yStep);
        final double x0 = minX, x1 = maxX;
        java.util.function.DoubleUnaryOperator px = x -> L + (x - x0) / (x1 - x0) * (W - L - R);
        java.util.function.DoubleUnaryOperator py = y -> H - B - y / topY * (H - T - B);

        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                W, H, W, H, ReportWriter.esc(title)));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", L, ReportWriter.esc(title)));
        for (double y = 0; y <= topY + yStep / 2; y += yStep) {
            double yy = py.applyAsDouble(y);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
                    L, yy, W - R, yy, L - 5, yy + 4, label(y)));
        }
        if (xTicks == null) {
            double step = niceStep((maxX - minX) / 8);
            Map<Double, String> auto = new java.util.LinkedHashMap<>();
            for (double x = Math.ceil(minX / step) * step; x <= maxX; x += step) auto.put(x, label(x));
            xTicks = auto;
        }
        for (Map.Entry<Double, String> t : xTicks.entrySet()) {
            double xx = px.applyAsDouble(t.getKey());
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
                    xx, T, xx, H - B, xx, H - B + 15, ReportWriter.esc(t.getValue())));
        }
        for (double m : marks) {
            double xx = px.applyAsDouble(m);
            b.append(String.format(Locale.ROOT, "<line class=\"mark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>%n",
                    xx, T, xx, H - B));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
                L, H - B, W - R, H - B, L, T, L, H - B));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n",
                (L + W - R) / 2, H - 8, ReportWriter.esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                (T + H - B) / 2, (T + H - B) / 2, ReportWriter.esc(yLabel)));
        int legendX = W - R - 150;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k < s.xs().length; k++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(s.xs()[k]), py.applyAsDouble(s.ys()[k])));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    s.color(), pts.toString().trim()));
            int ly = T + 12 + 16 * i;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                    legendX, ly - 4, s.color(), legendX + 16, ly, ReportWriter.esc(s.name())));
        }
        return b.append("</svg>\n").toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (raw <= 0) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    private static String label(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2g", v);
    }
}
