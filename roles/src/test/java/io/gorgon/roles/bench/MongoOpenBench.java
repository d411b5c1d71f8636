package io.gorgon.roles.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.roles.infra.MongoChild;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;

/**
 * {@code scripts/bench mongo-open [--notes N] [--dir D]}: how long the embedded MongoDB takes to open a store of N notes
 * (issue 11: a restart must take seconds whatever the local defaults stored). Generates the store once, fast: an
 * in-process mongo-java-server on the same H2 file format, the store role's indexes, bulk inserts of 10,000 notes
 * shaped like the store's; then starts the real embedded daemon ({@link MongoChild}) on it, as 'gorgon up' does,
 * and times it until it listens and answers a count and a lookup. Prints key=value lines.
 */
public final class MongoOpenBench {
    private MongoOpenBench() {}

    public static void main(String[] args) throws Exception {
        long notes = 3_000_000;
        Path dir = Path.of("target/bench/mongo-open");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--notes" -> notes = Long.parseLong(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path file = dir.resolve("gorgon.mv");
        if (!Files.exists(file)) generate(file, notes);
        System.out.printf("file=%s size_mb=%.0f%n", file, Files.size(file) / 1e6);

        int port = LocalRedis.freePort();
        long t0 = System.nanoTime();
        MongoChild mongo = new MongoChild(port, dir, dir.resolve("mongo.log")).start();
        double listenS = (System.nanoTime() - t0) / 1e9;
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port)) {
            MongoCollection<Document> items = client.getDatabase("gorgon").getCollection("items");
            long count = items.estimatedDocumentCount();
            Document one = items.find(Filters.eq("_id", 1L)).first();
            double answerS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("notes=%d open_to_listen_s=%.1f open_to_first_answer_s=%.1f found_id_1=%s%n", count, listenS,
                    answerS, one != null);
        } finally {
            mongo.stop();
        }
    }

    private static void generate(Path file, long notes) throws Exception {
        Files.createDirectories(file.getParent());
        long t0 = System.nanoTime();
        H2Backend backend = new H2Backend(file.toString());
        MongoServer server = new MongoServer(backend);
        InetSocketAddress addr = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + addr.getPort())) {
            var db = client.getDatabase("gorgon");
            MongoCollection<Document> items = db.getCollection("items");
            // The store role's indexes (ItemStore, UserStore): the secondary one is what made opening slow.
            items.createIndex(Indexes.compoundIndex(Indexes.ascending("userid"), Indexes.descending("ts"),
                    Indexes.descending("_id")), new IndexOptions().name("userid_ts_id"));
            db.getCollection("users").createIndex(Indexes.ascending("email"), new IndexOptions().unique(true).name("email_unique"));
            List<Document> batch = new ArrayList<>(10_000);
            long now = System.currentTimeMillis();
            for (long id = 1; id <= notes; id++) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                batch.add(new Document("_id", id).append("userid", (long) r.nextInt(1, 10_001))
                        .append("title", "note " + id).append("body", "generated for the open-time bench, " + r.nextLong())
                        .append("ts", now - notes + id).append("keywords", List.of("bench", "k" + r.nextInt(100))));
                if (batch.size() == 10_000 || id == notes) {
                    items.insertMany(batch, new InsertManyOptions().ordered(false));
                    batch.clear();
                    if (id % 500_000 == 0) System.out.printf("generated=%d seconds=%.0f%n", id, (System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            server.shutdownNow();
        }
        System.out.printf("generated=%d seconds=%.0f%n", notes, (System.nanoTime() - t0) / 1e9);
    }
}
