package io.gorgon.roles.notify;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of outbound frames queued and not yet written, per socket and for the whole instance. A client that stops
 * reading makes its socket's queue grow; counting frames let one client hold 8,192 frames of up to ~64 KiB each.
 * Counting bytes bounds what all clients together can make this instance hold ({@code notify.maxQueuedBytes}), and
 * what one of them can ({@code notify.maxQueuedBytesPerSocket}): past either, that socket is closed as a slow
 * consumer, and its client reconnects and resumes.
 */
final class SendBudget {
    private final long perSocket;
    private final long total;
    private final AtomicLong used = new AtomicLong();

    SendBudget(long perSocket, long total) {
        this.perSocket = perSocket;
        this.total = total;
    }

    /** Takes {@code bytes} for a socket that has {@code socketQueued} queued already; false if over a limit. */
    boolean take(long bytes, long socketQueued) {
        if (socketQueued + bytes > perSocket) return false;
        if (used.addAndGet(bytes) > total) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }
}
