package io.gorgon.roles.notify;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import redis.clients.jedis.StreamEntryID;

/**
 * One client socket: which users it follows, the last event id sent per user (so nothing goes out twice), and the
 * outbound frames. While a resume is being read, live events are held back and sent after the history, so the
 * client sees one ascending sequence. All state is guarded by {@code this}; sends are asynchronous.
 */
final class Session {
    /** Frames queued on a socket whose client does not read; beyond this the client is told to reconnect. */
    static final int MAX_PENDING = 8192;
    /** Users one socket may follow. */
    static final int MAX_USERS = 1000;

    private final WebSocketChannel channel;
    private final long principal;
    private final BiConsumer<NotifyEvent, Boolean> delivered; // (event, live)
    private final Set<Long> users = new HashSet<>();
    private final Map<Long, StreamEntryID> lastSent = new HashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong pendingBytes = new java.util.concurrent.atomic.AtomicLong();
    private final SendBudget budget;
    private List<NotifyEvent> held; // non-null while a resume is in progress
    private CompletableFuture<Void> frames = CompletableFuture.completedFuture(null);
    private boolean closing;

    Session(WebSocketChannel channel, long principal, BiConsumer<NotifyEvent, Boolean> delivered, SendBudget budget) {
        this.channel = channel;
        this.budget = budget;
        this.principal = principal;
        this.delivered = delivered;
    }

    long principal() {
        return principal;
    }

    WebSocketChannel channel() {
        return channel;
    }

    /** Runs the client's frames one after another, off the IO thread (they may read Redis). */
    synchronized void enqueue(Runnable work, Executor executor) {
        frames = frames.thenRunAsync(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                // The caller answers bad frames itself; this only keeps one failure from stopping the chain.
                send(error("internal error"));
            }
        }, executor);
    }

    synchronized int userCount() {
        return users.size();
    }

    synchronized Set<Long> users() {
        return Set.copyOf(users);
    }

    /**
     * Follows {@code added} users. With a resume point, events up to it count as sent and live events are held until
     * {@link #finishResume}.
     */
    synchronized void follow(Collection<Long> added, StreamEntryID resumeAfter) {
        users.addAll(added);
        if (resumeAfter != null) {
            for (long u : added) lastSent.merge(u, resumeAfter, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            if (held == null) held = new ArrayList<>();
        }
    }

    synchronized void unfollow(Collection<Long> removed) {
        users.removeAll(removed);
        removed.forEach(lastSent::remove);
    }

    /** A live event from the fan-out reader. */
    synchronized void live(NotifyEvent e) {
        if (!users.contains(e.userid())) return;
        if (held != null) {
            held.add(e);
            return;
        }
        deliver(e, true);
    }

    /** Sends the history (ascending), then {@code ack}, then what was held meanwhile, and goes live. */
    synchronized void finishResume(List<NotifyEvent> history, String ack) {
        for (NotifyEvent e : history) if (users.contains(e.userid())) deliver(e, false);
        send(ack);
        List<NotifyEvent> h = held;
        held = null;
        if (h != null) for (NotifyEvent e : h) if (users.contains(e.userid())) deliver(e, true);
    }

    private void deliver(NotifyEvent e, boolean live) {
        StreamEntryID last = lastSent.get(e.userid());
        if (last != null && e.id().compareTo(last) <= 0) return;
        lastSent.put(e.userid(), e.id());
        if (send(e.frame())) delivered.accept(e, live);
    }

    /** Queues a text frame; false if the socket is closing. */
    synchronized boolean send(String text) {
        if (closing || !channel.isOpen()) return false;
        long bytes = 2L * text.length(); // what the queued String holds (UTF-16), an upper bound of the frame's bytes
        if (pending.incrementAndGet() > MAX_PENDING || !budget.take(bytes, pendingBytes.get())) {
            pending.decrementAndGet();
            close(1013, reason("slow_consumer", "too many unread events; reconnect with lastEventId"));
            return false;
        }
        pendingBytes.addAndGet(bytes);
        WebSockets.sendText(text, channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                written();
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                written();
            }

            private void written() {
                pending.decrementAndGet();
                release(bytes);
            }
        });
        return true;
    }

    /** Gives back up to {@code bytes} of this socket's queued bytes (never more than it holds: see {@link #closed}). */
    private void release(long bytes) {
        long cur, dec;
        do {
            cur = pendingBytes.get();
            dec = Math.min(cur, bytes);
        } while (!pendingBytes.compareAndSet(cur, cur - dec));
        budget.give(dec);
    }

    /** The socket is gone: whatever it still had queued is given back, whether or not its send callbacks ever run. */
    void closed() {
        release(Long.MAX_VALUE);
    }

    /** Sends a close frame (once); the socket closes when the client answers it. */
    synchronized void close(int code, String reason) {
        if (closing) return;
        closing = true;
        if (channel.isOpen()) WebSockets.sendClose(code, reason, channel, null);
    }

    static String error(String message) {
        JsonObject o = new JsonObject();
        o.addProperty("op", "error");
        o.addProperty("message", message);
        return o.toString();
    }

    static String ack(String op, Collection<Long> users, Boolean resumed) {
        JsonObject o = new JsonObject();
        o.addProperty("op", op);
        JsonArray a = new JsonArray();
        users.forEach(u -> a.add(Long.toString(u)));
        o.add("users", a);
        if (resumed != null) o.addProperty("resumed", resumed);
        return o.toString();
    }

    /** A close reason: JSON {error, message}, kept under the protocol's 123 bytes. */
    static String reason(String error, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", error);
        o.addProperty("message", message);
        String s = o.toString();
        return s.length() <= 123 ? s : "{\"error\":\"" + error + "\"}";
    }
}
