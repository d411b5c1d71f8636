package io.gorgon.roles.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.gorgon.protocol.Item;
import io.gorgon.roles.store.ItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded store's own bulk-insert ceiling, measured on the mesh's running MongoDB daemon (same process, same H2
 * file, same commit per request): notes of the seed's size in bulk inserts of 500 from two threads, as the store
 * role's batcher writes them, with no bus, no cache and no notify. Into a scratch database, dropped afterwards, so
 * the mesh's own items and caches are untouched.
 */
final class IngestCeiling {
    private static final int BATCH = 500;
    private static final String[] WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
            + "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud").split(" ");

    private IngestCeiling() {}

    /** Items per second stored by {@code items} bulk inserts straight into the daemon at {@code mongoUri}. */
    static double measure(String mongoUri, String database, int items) throws InterruptedException {
        try (MongoClient mongo = MongoClients.create(mongoUri)) {
            MongoDatabase db = mongo.getDatabase(database + "_ceiling");
            db.drop();
            ItemStore store = new ItemStore(db);
            List<Item> all = new ArrayList<>(items);
            long now = System.currentTimeMillis();
            for (int i = 1; i <= items; i++) all.add(note(i, now));
            store.insertAll(all.subList(0, Math.min(BATCH, items))); // warm-up: connections, the JIT, the collection
            AtomicInteger next = new AtomicInteger(Math.min(BATCH, items));
            AtomicInteger stored = new AtomicInteger();
            Runnable writer = () -> {
                for (int from; (from = next.getAndAdd(BATCH)) < items; ) {
                    stored.addAndGet(store.insertAll(all.subList(from, Math.min(items, from + BATCH))).newIds().size());
                }
            };
            long t0 = System.nanoTime();
            Thread a = Thread.ofPlatform().start(writer), b = Thread.ofPlatform().start(writer);
            a.join();
            b.join();
            double seconds = (System.nanoTime() - t0) / 1e9;
            db.drop();
            return stored.get() / seconds;
        }
    }

    /** A note like the simulator's seed notes: 3-7 title words, 12-41 body words, 1-3 keywords. */
    private static Item note(long id, long now) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<String> keywords = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) keywords.add(WORDS[r.nextInt(WORDS.length)]);
        return new Item(id, 1 + r.nextInt(10_000), words(r, 3 + r.nextInt(5)), words(r, 12 + r.nextInt(30)), null,
                now - r.nextLong(30L * 86_400_000L), null, keywords, null);
    }

    private static String words(ThreadLocalRandom r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(i > 0 ? " " : "").append(WORDS[r.nextInt(WORDS.length)]);
        return b.toString();
    }
}
