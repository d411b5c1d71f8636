package io.gorgon.roles.stats;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Answers {@code /api/stats?window=…} from a copy at most one bucket old: a {@code 24h} window is thousands of Redis
 * reads, and without this, a few clients asking in a loop cost the stats store that many commands each time.
 * Concurrent askers of the same stale window wait for one read instead of each making their own.
 */
final class WindowCache {
    private record Entry(long expiresAt, StatsReader.Range range) {}

    private final Clock clock;
    private final Function<StatsWindow, StatsReader.Range> read;
    private final Map<StatsWindow, Entry> entries = new EnumMap<>(StatsWindow.class);

    WindowCache(Clock clock, Function<StatsWindow, StatsReader.Range> read) {
        this.clock = clock;
        this.read = read;
    }

    /** How long a window's answer is reused: one of its buckets, between 1 s and 60 s. */
    static long ttlMs(StatsWindow w) {
        return switch (w) {
            case FIVE_MINUTES -> 1_000;
            case ONE_HOUR -> 5_000;
            case ONE_DAY -> 30_000;
            case THIRTY_DAYS -> 60_000;
        };
    }

    StatsReader.Range get(StatsWindow w) {
        synchronized (this) {
            Entry e = entries.get(w);
            if (e != null && e.expiresAt() > clock.millis()) return e.range();
        }
        synchronized (lock(w)) {
            synchronized (this) {
                Entry e = entries.get(w);
                if (e != null && e.expiresAt() > clock.millis()) return e.range(); // another asker just read it
            }
            StatsReader.Range r = read.apply(w);
            synchronized (this) {
                entries.put(w, new Entry(clock.millis() + ttlMs(w), r));
            }
            return r;
        }
    }

    private final Object[] locks = newLocks();

    private Object lock(StatsWindow w) {
        return locks[w.ordinal()];
    }

    private static Object[] newLocks() {
        Object[] l = new Object[StatsWindow.values().length];
        for (int i = 0; i < l.length; i++) l[i] = new Object();
        return l;
    }
}
