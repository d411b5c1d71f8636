package io.gorgon.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.gorgon.bus.testing.Await;
import io.gorgon.roles.testing.Mesh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss drill: the provider inserts 2,000 items while the store process is SIGKILLed and restarted; then
 * MongoDB holds exactly the items the provider got acknowledged — none lost, none stored twice, none unexpected.
 */
class StoreCrashLossTest {
    @TempDir
    Path dir;

    @Test
    void killingTheStoreMidIngestLosesAndDuplicatesNothing() throws Exception {
        Path ackLog = dir.resolve("acked.txt");
        try (Mesh mesh = new Mesh(dir, Map.of("provider.limit", 2000, "provider.ratePerSecond", 400,
                "provider.users", 50, "provider.ackLog", ackLog.toString()))) {
            mesh.startAll("store-1");
            mesh.awaitReady(Duration.ofSeconds(60));
            mesh.start("provider-1");
            try (MongoClient client = MongoClients.create(mesh.mongoUri())) {
                MongoCollection<Document> items = client.getDatabase("gorgon").getCollection("items");
                Await.until(Duration.ofSeconds(30), "some items stored", () -> items.countDocuments() > 400);
                mesh.kill("store-1"); // SIGKILL with writes in flight
                long atKill = items.countDocuments();
                Thread.sleep(1500); // the provider keeps sending meanwhile: those wait in the queue
                mesh.start("store-2");
                mesh.awaitStarted("store-2", Duration.ofSeconds(60));
                Await.until(Duration.ofSeconds(60), "provider finished", () -> mesh.process("provider-1").logText().contains("event=provider_done"));
                Await.until(Duration.ofSeconds(30), "ack log complete", () -> lines(ackLog).size() == 2000);

                List<String> acked = lines(ackLog);
                Set<Long> ackedIds = new HashSet<>();
                for (String s : acked) ackedIds.add(Long.parseLong(s));
                Await.until(Duration.ofSeconds(60), () -> "all acknowledged items stored; have " + items.countDocuments(),
                        () -> present(items, ackedIds) == ackedIds.size());

                Map<Long, Integer> stored = new HashMap<>();
                for (Document d : items.find()) stored.merge(d.getLong("_id"), 1, Integer::sum);
                long lost = ackedIds.stream().filter(id -> !stored.containsKey(id)).count();
                long duplicated = stored.values().stream().filter(n -> n > 1).count();
                long unexpected = stored.keySet().stream().filter(id -> !ackedIds.contains(id)).count();
                System.out.printf("store-crash-check: acknowledged=%d storedAtKill=%d stored=%d lost=%d duplicated=%d unexpected=%d%n",
                        ackedIds.size(), atKill, stored.size(), lost, duplicated, unexpected);
                assertEquals(2000, ackedIds.size(), "acknowledged ids are unique");
                assertTrue(atKill < 2000, "the kill happened mid-ingest");
                assertEquals(0, lost, "lost");
                assertEquals(0, duplicated, "stored twice");
                assertEquals(0, unexpected, "stored but never acknowledged");
            }
        }
    }

    private static long present(MongoCollection<Document> items, Set<Long> ids) {
        long n = 0;
        List<Long> batch = new ArrayList<>();
        for (Long id : ids) {
            batch.add(id);
            if (batch.size() == 500) {
                n += items.countDocuments(Filters.in("_id", batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) n += items.countDocuments(Filters.in("_id", batch));
        return n;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p).stream().filter(s -> !s.isBlank()).toList() : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
