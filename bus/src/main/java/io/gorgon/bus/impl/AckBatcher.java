package io.gorgon.bus.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;

/**
 * A consumer's acks, sent after the writer's next round trip. Acks that pile up meanwhile share one XACK: under load
 * that is one command for a whole batch instead of one per message ({@code scripts/bench bus}: fewer Redis commands
 * and less CPU per message).
 */
final class AckBatcher {
    private final Writer writer;
    private final String stream;
    private final String group;
    private final ConcurrentLinkedQueue<PendingAck> acks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean batchQueued = new AtomicBoolean();

    AckBatcher(Writer writer, String stream, String group) {
        this.writer = writer;
        this.stream = stream;
        this.group = group;
    }

    /** Completes once the XACK holding {@code id} is in Redis, or fails if it could not be sent until its deadline. */
    CompletableFuture<Object> ack(String id) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        acks.add(new PendingAck(new StreamEntryID(id), done));
        if (batchQueued.compareAndSet(false, true)) {
            Batch batch = new Batch();
            writer.submit(stream, batch::apply, 60_000).whenComplete(batch::finish);
        }
        return done;
    }

    private record PendingAck(StreamEntryID id, CompletableFuture<Object> done) {}

    /** One XACK for every ack queued until the writer sends it (the same ids again if the writer retries it). */
    private final class Batch {
        private volatile List<PendingAck> taken;

        @SuppressWarnings("unchecked")
        Response<Object> apply(Pipeline p) {
            if (taken == null) taken = takeQueued();
            if (taken.isEmpty()) return null; // an earlier batch took them
            StreamEntryID[] ids = new StreamEntryID[taken.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = taken.get(i).id();
            return (Response<Object>) (Response<?>) p.xack(stream, group, ids);
        }

        void finish(Object reply, Throwable err) {
            // Never sent (writer closed or past the deadline): fail what is queued, so the flag is never left set.
            List<PendingAck> mine = taken != null ? taken : takeQueued();
            for (PendingAck a : mine) {
                if (err == null) a.done().complete(reply); else a.done().completeExceptionally(err);
            }
        }
    }

    private List<PendingAck> takeQueued() {
        batchQueued.set(false); // acks queued from now on start another batch
        List<PendingAck> out = new ArrayList<>();
        for (PendingAck a; (a = acks.poll()) != null; ) out.add(a);
        return out;
    }
}
