package io.gorgon.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.gorgon.bus.testing.RedisTestBase;
import io.gorgon.simulator.testing.StandInStore;
import io.gorgon.simulator.testing.TestMongo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs through {@link Simulator#run} on a real Redis and a real mongo-java-server, without HTTP (clients=0).
 * {@link StandInStore} stands in for the store role; a lossy variant acknowledges some notes without writing them,
 * and the checker must catch it.
 */
class SimRunTest extends RedisTestBase {
    static TestMongo mongo;
    MongoDatabase db;
    String database;
    @TempDir
    Path dir;

    @BeforeAll
    static void startMongo() {
        mongo = new TestMongo();
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    @BeforeEach
    void setUp() {
        database = buses.namespace();
        db = mongo.client().getDatabase(database);
    }

    private void standInStore(int dropEvery) {
        StandInStore.start(buses.bus("store"), db, dropEvery);
    }

    private SimulatorOptions options() {
        return SimulatorOptions.defaults().withMesh(redis.uri(), buses.namespace(), mongo.uri(), database)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    private record Run(int exit, String out) {}

    private Run run(SimulatorOptions o) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = new Simulator().run(o, null, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        return new Run(exit, out);
    }

    @Test
    void seedsUsersAndNotesThroughStorePut() throws Exception {
        standInStore(0);
        Path report = dir.resolve("seed.json");
        Run r = run(options().withScale(20, 600).withPhases(true, false).withReport(report));

        assertEquals(0, r.exit(), r.out());
        assertEquals(20, db.getCollection("users").countDocuments());
        assertEquals(600, db.getCollection("items").countDocuments());
        Document user = db.getCollection("users").find().first();
        assertTrue(user.getString("passhash").startsWith("pbkdf2-sha256$600000$"), user.toJson());
        assertTrue(user.getString("email").endsWith("@" + SyntheticData.EMAIL_DOMAIN));
        assertTrue(r.out().contains("seed items 600/600 (100%)"), r.out());
        Document item = db.getCollection("items").find().first();
        assertTrue(item.get("ts") instanceof Long && item.getString("title") != null && item.get("keywords") instanceof List<?>);
        assertTrue(db.getCollection("users").countDocuments(Filters.eq("_id", item.getLong("userid"))) == 1,
                "notes belong to the seeded users");

        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertTrue(json.get("ingest_per_s").getAsDouble() > 0);
        assertTrue(json.getAsJsonObject("seed").get("drained").getAsBoolean());
    }

    @Test
    void loadInsertsAreAllCheckedInTheStore() throws Exception {
        standInStore(0);
        Path report = dir.resolve("load.json");
        Run r = run(options().withScale(5, 50).withLoad(0, 300, Duration.ofSeconds(2)).withReport(report));

        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("lost=0 duplicates=0 unanswered=0"), r.out());
        assertTrue(r.out().contains("t=1s "), "a line per second");
        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        long acked = json.getAsJsonObject("inserts").get("acknowledged").getAsLong();
        assertTrue(acked >= 500 && acked <= 700, "2 s at 300/s acknowledged " + acked);
        assertEquals(acked, json.getAsJsonObject("check").get("acknowledged").getAsLong());
        assertEquals(0, json.getAsJsonObject("check").get("lost").getAsLong());
        assertEquals(50 + acked, db.getCollection("items").countDocuments());
    }

    @Test
    void aStoreThatDropsAcknowledgedNotesFailsTheRun() {
        standInStore(7);
        Run r = run(options().withScale(5, 0).withLoad(0, 200, Duration.ofSeconds(2))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)));

        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().matches("(?s).*lost=[1-9][0-9]* duplicates=0 unanswered=0.*"), r.out());
        assertTrue(r.out().contains("acknowledged notes lost"), r.out());
    }

    @Test
    void loadOnlyWithoutUsersSaysSoInOneLine() {
        Run r = run(options().withPhases(false, true).withLoad(0, 100, Duration.ofSeconds(1)));
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("simulate: no users in MongoDB database"), r.out());
    }
}
