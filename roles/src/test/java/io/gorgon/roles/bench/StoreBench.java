package io.gorgon.roles.bench;

import io.gorgon.protocol.Item;
import com.google.gson.JsonObject;
import io.gorgon.roles.store.ItemStore;
import io.gorgon.roles.store.RecentItemsCache;
import io.gorgon.roles.store.StoreService;
import io.gorgon.roles.testing.TestInfra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The ingest ceiling of the store (MongoDB memory backend + Redis write-through): 50k items in batches of 500 over
 * 10k users, as the store role batches store_put messages. Run with {@code scripts/bench store}; prints key=value
 * lines. A timing, so a benchmark and not a test: it fails only if items go missing.
 */
public final class StoreBench {
    private StoreBench() {}

    public static void main(String[] args) {
        try (TestInfra infra = new TestInfra()) {
            StoreService store = new StoreService(infra.db, infra.redis, StoreService.Options.defaults("tp"));
            Random rnd = new Random(7);
            long t0 = 1_780_000_000_000L;
            int total = 50_000, batchSize = 500;
            List<Item> all = new ArrayList<>(total);
            for (int i = 1; i <= total; i++) {
                JsonObject extras = new JsonObject();
                extras.addProperty("source", "random");
                all.add(new Item(i, 1 + rnd.nextInt(10_000), "title " + i, "body of item " + i + " " + "lorem ipsum ".repeat(10),
                        "https://example.org/" + i, t0 + i, null, List.of("k" + rnd.nextInt(100), "k" + rnd.nextInt(100)), extras));
            }
            store.putAll(all.subList(0, batchSize)); // warm up: JIT, connections, scripts
            long start = System.nanoTime();
            int stored = batchSize;
            for (int from = batchSize; from < total; from += batchSize) stored += store.putAll(all.subList(from, from + batchSize)).size();
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("event=store_bulk_insert items=%d batch=%d seconds=%.2f items_per_s=%.0f%n",
                    total - batchSize, batchSize, secs, (total - batchSize) / secs);
            check(total, stored, "stored");
            check(total, infra.db.getCollection("items").countDocuments(), "in MongoDB");
            // Two batches in flight at once (putAll is thread-safe): MongoDB and Redis work overlap, as when the store
            // role handles several store_put batches concurrently.
            StoreService store2 = new StoreService(infra.mongoClient.getDatabase("tp_parallel"), infra.redis, StoreService.Options.defaults("tp2"));
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger stored2 = new java.util.concurrent.atomic.AtomicInteger();
            long p0 = System.nanoTime();
            Runnable worker = () -> {
                for (int from; (from = next.getAndAdd(batchSize)) < total; ) stored2.addAndGet(store2.putAll(all.subList(from, from + batchSize)).size());
            };
            Thread w1 = new Thread(worker), w2 = new Thread(worker);
            w1.start(); w2.start();
            try { w1.join(); w2.join(); } catch (InterruptedException e) { throw new IllegalStateException(e); }
            double psecs = (System.nanoTime() - p0) / 1e9;
            System.out.printf("event=store_bulk_insert_2_concurrent items=%d seconds=%.2f items_per_s=%.0f%n", total, psecs, total / psecs);
            check(total, stored2.get(), "stored concurrently");
            // Where the time goes: the same volume again, MongoDB alone and Redis alone.
            ItemStore mongoOnly = new ItemStore(infra.mongoClient.getDatabase("tp_split"));
            RecentItemsCache redisOnly = new RecentItemsCache(infra.redis, "tp_split", 200, Duration.ZERO);
            long mongoNs = 0, redisNs = 0;
            int sample = 20_000;
            for (int from = 0; from < sample; from += batchSize) {
                List<Item> batch = all.subList(from, from + batchSize);
                long a = System.nanoTime();
                mongoOnly.insertAll(batch);
                long b = System.nanoTime();
                redisOnly.addAll(batch);
                redisNs += System.nanoTime() - b;
                mongoNs += b - a;
            }
            System.out.printf("event=store_bulk_split mongo_items_per_s=%.0f redis_items_per_s=%.0f%n",
                    sample / (mongoNs / 1e9), sample / (redisNs / 1e9));
            long g = System.nanoTime();
            for (int i = 1; i <= 200; i++) store.get(i * 97L).orElseThrow();
            System.out.printf("event=store_get_by_id items=%d micros_each=%d%n", total, (System.nanoTime() - g) / 200_000);
            // A full read of one user through the cache, and the same user's page past it, both still answer.
            long user = all.get(0).userid();
            store.info(user, 20, 0); // users were not created through the store: the first read fills
            long t = System.nanoTime();
            store.info(user, 20, 0);
            System.out.printf("event=store_info_cached micros=%d%n", (System.nanoTime() - t) / 1000);
            infra.redis.flushAll();
            t = System.nanoTime();
            store.info(user, 20, 0);
            System.out.printf("event=store_info_cold_scan items=%d millis=%d%n", total, (System.nanoTime() - t) / 1_000_000);
        }
    }

    private static void check(long expected, long actual, String what) {
        if (expected != actual) throw new IllegalStateException(what + ": expected " + expected + " items, got " + actual);
    }
}
