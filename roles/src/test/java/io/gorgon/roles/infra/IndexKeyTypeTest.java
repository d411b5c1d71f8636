package io.gorgon.roles.infra;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.gorgon.bus.redis.LocalRedis;
import org.bson.Document;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The unique indexes' fast key comparison keeps the order H2 sorted the stored trees in, so a store written before it
 * reads and checks duplicates the same.
 */
class IndexKeyTypeTest {
    @TempDir Path tmp;

    private static final long[] EDGES = {0, 1, -1, 255, 256, -256, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final double[] DOUBLE_EDGES = {0.0, -0.0, 1.5, -1.5, Double.NaN, Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    @Test
    void comparesAsTheSerializedBytesDo() {
        Random r = new Random(42);
        List<Object> values = new ArrayList<>();
        for (long e : EDGES) {
            values.add(e);
            values.add((int) e);
        }
        for (double d : DOUBLE_EDGES) values.add(d);
        for (int i = 0; i < 100; i++) {
            values.add(r.nextLong());
            values.add(r.nextLong(2_000_000));
            values.add(r.nextInt());
            values.add(r.nextDouble() * (r.nextBoolean() ? 1e6 : -1e6));
            values.add("s" + r.nextInt(1000));
        }
        List<KeyValue> keys = new ArrayList<>();
        for (Object v : values) keys.add(new KeyValue(v));
        for (int i = 0; i < 50; i++) keys.add(new KeyValue(values.get(r.nextInt(values.size())), values.get(r.nextInt(values.size()))));
        ObjectDataType serialized = new ObjectDataType();
        IndexKeyType fast = new IndexKeyType();
        for (KeyValue a : keys) {
            for (KeyValue b : keys) {
                assertEquals(Integer.signum(serialized.compare(a, b)), Integer.signum(fast.compare(a, b)), a + " vs " + b);
            }
        }
    }

    @Test
    void aStoreWrittenBeforeReadsAndChecksDuplicatesTheSame() {
        String file = tmp.resolve("gorgon.mv").toString();
        Random r = new Random(7);
        Set<Object> distinct = new LinkedHashSet<>();
        for (long e : EDGES) distinct.add(e);
        for (int i = 0; i < 1_200; i++) distinct.add(i % 3 == 0 ? r.nextLong() : r.nextLong(5_000_000));
        for (int i = 0; i < 300; i++) distinct.add(r.nextInt());
        List<Object> ids = List.copyOf(distinct);

        // Written by mongo-java-server's own H2 backend: its _id index compares by serialized bytes.
        H2Backend plain = new H2Backend(file);
        serve(plain, items -> {
            for (int i = 0; i < ids.size(); i += 500) {
                List<Document> batch = new ArrayList<>();
                for (Object id : ids.subList(i, Math.min(ids.size(), i + 500))) batch.add(new Document("_id", id).append("n", 1));
                items.insertMany(batch);
            }
            return null;
        });

        DurableH2Backend.FastOpenH2Backend fast = new DurableH2Backend.FastOpenH2Backend(file);
        serve(fast, items -> {
            for (Object id : ids) assertNotNull(items.find(Filters.eq("_id", id)).first(), "id " + id + " not found");
            List<Document> again = ids.stream().map(id -> new Document("_id", id)).toList();
            MongoBulkWriteException dups = assertThrows(MongoBulkWriteException.class,
                    () -> items.insertMany(again, new InsertManyOptions().ordered(false)));
            assertEquals(ids.size(), dups.getWriteErrors().size(), "every id is a duplicate");
            dups.getWriteErrors().forEach(e -> assertEquals(11000, e.getCode(), e.getMessage()));
            items.insertOne(new Document("_id", 5_000_001L).append("n", 2));
            items.updateOne(Filters.eq("_id", ids.get(0)), Updates.set("n", 3));
            assertEquals(ids.size() + 1, items.countDocuments());
            String map = DurableH2Backend.uniqueIndexMapName("gorgon.items", "_id_");
            assertInstanceOf(IndexKeyType.class, fast.getMvStore().openMap(map).getKeyType(), "the _id index map " + map);
            String data = DurableH2Backend.dataMapName("gorgon.items");
            assertInstanceOf(DocumentValueType.class, fast.getMvStore().openMap(data).getValueType(), "the data map " + data);
            return null;
        });

        // Reopened: pages in both forms, old documents, the updated one, the new one.
        DurableH2Backend.FastOpenH2Backend again = new DurableH2Backend.FastOpenH2Backend(file);
        serve(again, items -> {
            assertEquals(ids.size() + 1, items.countDocuments());
            assertEquals(3, items.find(Filters.eq("_id", ids.get(0))).first().getInteger("n"));
            assertEquals(1, items.find(Filters.eq("_id", ids.get(ids.size() - 1))).first().getInteger("n"));
            assertEquals(2, items.find(Filters.eq("_id", 5_000_001L)).first().getInteger("n"));
            assertThrows(MongoWriteException.class, () -> items.insertOne(new Document("_id", 5_000_001L)));
            return null;
        });
    }

    private static void serve(MongoBackend backend, Function<MongoCollection<Document>, Void> work) {
        int port = LocalRedis.freePort();
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port + "/?retryWrites=false")) {
            work.apply(client.getDatabase("gorgon").getCollection("items"));
        } finally {
            server.shutdownNow();
        }
    }
}
