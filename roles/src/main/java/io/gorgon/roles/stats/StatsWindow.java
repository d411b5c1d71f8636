package io.gorgon.roles.stats;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The windows the page offers, each read at the finest resolution that still covers it. */
public enum StatsWindow {
    FIVE_MINUTES("5m", Resolution.SECOND, 300),
    ONE_HOUR("1h", Resolution.MINUTE, 60),
    ONE_DAY("24h", Resolution.MINUTE, 1440),
    THIRTY_DAYS("30d", Resolution.HOUR, 720);

    private final String label;
    private final Resolution resolution;
    private final int points;

    StatsWindow(String label, Resolution resolution, int points) {
        this.label = label;
        this.resolution = resolution;
        this.points = points;
    }

    public String label() {
        return label;
    }

    public Resolution resolution() {
        return resolution;
    }

    public int points() {
        return points;
    }

    /** "5m", "1h", "24h" or "30d"; anything else is an {@link IllegalArgumentException} listing the choices. */
    public static StatsWindow parse(String s) {
        for (StatsWindow w : values()) {
            if (w.label.equals(s)) return w;
        }
        throw new IllegalArgumentException("window must be one of "
                + Arrays.stream(values()).map(StatsWindow::label).collect(Collectors.joining(", ")) + "; got \"" + s + "\"");
    }
}
