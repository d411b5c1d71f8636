package io.gorgon.roles.notify;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Tails the fan-out stream from where it ended at start (plain XREAD, no group: every instance sees every event)
 * and hands each event to the hub. The entries carry a gap-free sequence number n; a jump means entries were
 * trimmed before this reader got to them (it lagged more than the fan-out window) or Redis lost data, and then
 * {@code onGap} runs so clients reconnect and resume from the per-user streams instead of silently missing events.
 */
final class FanoutReader {
    private static final Logger log = LoggerFactory.getLogger(FanoutReader.class);
    static final int BLOCK_MS = 500;
    private static final int BATCH = 512;

    /** How often an idle reader moves its cursor to the stream's end. */
    static final int IDLE_MS = 100;

    private final EventLog events;
    private final Consumer<NotifyEvent> dispatch;
    private final Runnable onGap;
    private final BooleanSupplier idle;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param idle true while no socket here follows anyone: then the reader only keeps its cursor at the stream's end
     *             instead of reading every event (each with its item) to deliver it to no one
     */
    FanoutReader(EventLog events, Consumer<NotifyEvent> dispatch, Runnable onGap, BooleanSupplier idle) {
        this.events = events;
        this.dispatch = dispatch;
        this.onGap = onGap;
        this.idle = idle;
    }

    /** Positions at the current end of the stream (so nothing older is replayed) and starts the reader thread. */
    synchronized void start() {
        if (running) return;
        EventLog.Tail tail = events.tail();
        running = true;
        thread = Thread.ofPlatform().daemon().name("notify-fanout").start(() -> loop(tail.id(), tail.seq()));
    }

    private void loop(StreamEntryID cursor, long seq) {
        long backoff = 50;
        boolean warned = false;
        while (running) {
            try {
                // Idle: the end first, then the check. A socket that follows after the check gets every event after
                // that end, which is where the next read starts; events before it are in the per-user streams.
                EventLog.Tail end = idle.getAsBoolean() ? events.tail() : null;
                List<StreamEntry> batch;
                if (end != null && idle.getAsBoolean()) {
                    if (end.seq() >= 0) {
                        cursor = end.id();
                        seq = end.seq();
                    }
                    sleep(IDLE_MS);
                    batch = List.of();
                } else {
                    batch = events.read(cursor, BATCH, BLOCK_MS);
                }
                if (warned) log.info("event=redis_reconnected component=notify_fanout");
                warned = false;
                backoff = 50;
                for (StreamEntry e : batch) {
                    long n = Long.parseLong(e.getFields().get("n"));
                    if (seq >= 0 && n != seq + 1) {
                        log.warn("event=notify_gap expected={} got={} id={}", seq + 1, n, e.getID());
                        onGap.run();
                    }
                    seq = n;
                    cursor = e.getID();
                    try {
                        dispatch.accept(NotifyEvent.of(e, null));
                    } catch (RuntimeException ex) {
                        log.error("event=notify_dispatch_error id={} cause=\"{}\"", e.getID(), oneLine(ex.toString()), ex);
                    }
                }
            } catch (JedisConnectionException e) {
                if (!running) break;
                if (!warned) log.warn("event=redis_unavailable component=notify_fanout cause=\"{}\"", oneLine(e.getMessage()));
                warned = true;
                sleep(backoff);
                backoff = Math.min(2000, backoff * 2);
            } catch (RuntimeException e) {
                if (!running) break;
                log.error("event=notify_fanout_error cause=\"{}\"", oneLine(e.toString()), e);
                sleep(backoff);
                backoff = Math.min(2000, backoff * 2);
            }
        }
    }

    /** Stops after the current blocking read (at most {@link #BLOCK_MS}). */
    void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t == null) return;
        try {
            t.join(BLOCK_MS + 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\"]+", " ");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
