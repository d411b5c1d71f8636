package io.gorgon.roles.store;

import io.gorgon.protocol.Item;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for item writes: concurrent store_put handlers each hand in one item and wait; flusher threads write
 * whatever has piled up as one bulk insert. Under load that turns thousands of single inserts into a few bulk
 * writes (the ingest target is 10,000 items/s); idle, an item is written at once. Two flushers keep two batches in
 * flight, which measured about twice the rate of one on mongo-java-server.
 */
final class ItemBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ItemBatcher.class);
    private static final int MAX_BATCH = 500;

    private record Pending(Item item, CompletableFuture<Boolean> inserted) {}

    private final StoreService store;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> flushers = new ArrayList<>();
    private volatile boolean running = true;

    ItemBatcher(StoreService store, int flushers) {
        this.store = store;
        for (int i = 0; i < flushers; i++) {
            this.flushers.add(Thread.ofPlatform().daemon().name("store-flush-" + i).start(this::loop));
        }
    }

    /** Completes with true if the item was new, false if it was already stored (a redelivery); {@link Rejected} if refused. */
    CompletableFuture<Boolean> put(Item item) {
        return putAll(List.of(item)).getFirst();
    }

    /** {@link #put} for each item, queued together so that they share a bulk write; the futures in the items' order. */
    List<CompletableFuture<Boolean>> putAll(List<Item> items) {
        List<Pending> pending = new ArrayList<>(items.size());
        List<CompletableFuture<Boolean>> out = new ArrayList<>(items.size());
        for (Item i : items) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            pending.add(new Pending(i, f));
            out.add(f);
        }
        queue.addAll(pending);
        return out;
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One bulk write; if it fails as a whole for a reason other than MongoDB being unreachable, each member alone. */
    private void write(List<Pending> batch) {
        List<Item> items = new ArrayList<>(batch.size());
        for (Pending p : batch) items.add(p.item());
        try {
            ItemStore.Inserted r = store.putBatch(items);
            Set<Long> fresh = new HashSet<>(r.newIds());
            for (Pending p : batch) {
                String refused = r.rejected().get(p.item().id());
                if (refused != null) p.inserted().completeExceptionally(new Rejected(p.item().id(), refused));
                else p.inserted().complete(fresh.contains(p.item().id()));
            }
        } catch (RuntimeException e) {
            log.warn("event=bulk_write_failed items={} cause=\"{}\"", batch.size(), String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
            if (batch.size() > 1 && !unreachable(e)) {
                // Don't let one poison member fail its neighbours' writes on every retry: isolate it.
                for (Pending p : batch) write(List.of(p));
                return;
            }
            // The handlers rethrow: their messages stay unacknowledged and are retried.
            for (Pending p : batch) p.inserted().completeExceptionally(e);
        }
    }

    /** MongoDB down or slow: writing the members one by one would only multiply the wait. */
    private static boolean unreachable(RuntimeException e) {
        return e instanceof MongoSocketException || e instanceof MongoTimeoutException || e instanceof MongoInterruptedException;
    }

    /** The store refuses this item for what it is: retrying cannot help, the sender gets a 400. */
    static final class Rejected extends RuntimeException {
        Rejected(long id, String reason) {
            super("item " + id + " " + reason, null, false, false);
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : flushers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
