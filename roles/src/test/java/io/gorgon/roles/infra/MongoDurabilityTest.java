package io.gorgon.roles.infra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded mongo loses nothing it acknowledged when its process is SIGKILLed: writes through the real driver,
 * SIGKILL, restart on the same file, every acknowledged document (and update, and delete) is there.
 */
class MongoDurabilityTest {
    @TempDir Path tmp;
    private MongoChild mongo;

    @AfterEach
    void cleanUp() {
        if (mongo != null) mongo.kill();
    }

    private static MongoClient client(int port) {
        return MongoClients.create("mongodb://127.0.0.1:" + port
                + "/?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000&socketTimeoutMS=3000&retryWrites=false");
    }

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        int port = LocalRedis.freePort();
        mongo = new MongoChild(port, tmp.resolve("mongo"), tmp.resolve("mongo.log")).start();

        // 1: sequential writes, then an immediate crash: well inside the MVStore's 1 s background commit.
        Set<Integer> acknowledged = new HashSet<>();
        try (MongoClient client = client(port)) {
            MongoCollection<Document> items = client.getDatabase("gorgon").getCollection("items");
            for (int i = 0; i < 200; i++) {
                items.insertOne(new Document("_id", i).append("title", "item " + i));
                acknowledged.add(i);
            }
            items.updateOne(Filters.eq("_id", 7), Updates.set("title", "updated"));
            items.deleteOne(Filters.eq("_id", 8));
            acknowledged.remove(8);
        }
        mongo.kill();
        mongo.start();
        try (MongoClient client = client(port)) {
            MongoCollection<Document> items = client.getDatabase("gorgon").getCollection("items");
            assertEquals(acknowledged.size(), items.countDocuments(), "lost acknowledged writes; see " + tmp.resolve("mongo.log"));
            assertEquals("updated", items.find(Filters.eq("_id", 7)).first().getString("title"));
            assertNull(items.find(Filters.eq("_id", 8)).first());
        }

        // 2: a writer in full swing when the process dies: every write acknowledged before the kill is stored.
        ConcurrentLinkedQueue<Integer> inFlight = new ConcurrentLinkedQueue<>();
        AtomicBoolean crashed = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (MongoClient client = client(port)) {
                MongoCollection<Document> items = client.getDatabase("gorgon").getCollection("items");
                for (int i = 1000; !crashed.get(); i += 2) {
                    items.insertMany(List.of(new Document("_id", i), new Document("_id", i + 1)));
                    inFlight.add(i);
                    inFlight.add(i + 1);
                }
            } catch (RuntimeException expectedAtTheKill) {
                // the server died under us
            }
        });
        writer.start();
        Await.until(Duration.ofSeconds(20), "acknowledged writes", () -> inFlight.size() >= 300);
        mongo.kill();
        crashed.set(true);
        writer.join(10_000);
        acknowledged.addAll(inFlight);

        mongo.start();
        try (MongoClient client = client(port)) {
            Set<Integer> stored = new HashSet<>();
            for (Document d : client.getDatabase("gorgon").getCollection("items").find()) stored.add(d.getInteger("_id"));
            Set<Integer> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertTrue(lost.isEmpty(), lost.size() + " of " + acknowledged.size() + " acknowledged documents lost, e.g. "
                    + lost.stream().sorted().limit(5).toList());
        }
    }
}
