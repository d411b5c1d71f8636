package io.gorgon.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoCollection;
import io.gorgon.simulator.testing.TestMongo;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loss checker's four counts, on planted data in a real mongo-java-server through the real driver. */
class CheckerTest {
    TestMongo mongo;
    MongoCollection<Document> items;

    @BeforeEach
    void start() {
        mongo = new TestMongo();
        items = mongo.client().getDatabase("gorgon").getCollection("items");
    }

    @AfterEach
    void stop() {
        mongo.close();
    }

    private void plant(long id, String run, Long seq) {
        Document d = new Document("_id", id).append("userid", 7L).append("title", "t" + id);
        if (run != null) d.append("simrun", run);
        if (seq != null) d.append("simseq", seq);
        items.insertOne(d);
    }

    @Test
    void notesCreatedOverHttpAreCheckedToo() {
        // Issue 12 #4: POST /items notes. Acknowledged 1, 2 (ids from the 201s); 3's answer never came (seq 9003).
        plant(1, "run2", 9001L);
        plant(2, "run2", 9002L);
        plant(3, "run2", 9003L);  // the unanswered one was stored: recovered, not unexpected
        plant(4, "run2", 9002L);  // note 9002 stored again under another id: the defect this check exists for
        Checker.Result r = new Checker(items).check(new long[]{1, 2}, new long[0], new long[]{9003, 9004}, "run2");
        assertEquals(0, r.lost());
        assertEquals(1, r.recovered());
        assertEquals(1, r.duplicates());
        assertEquals(1, r.unexpected(), "the second copy of 9002 has an id nobody was told");
    }

    @Test
    void countsLostDuplicatesUnexpectedAndRecovered() {
        // acknowledged 1..10 (seq = id); the store has 1..8: 9 and 10 are lost
        for (long id = 1; id <= 8; id++) plant(id, "run1", id);
        // outcome unknown: 100 (stored: recovered), 101 (not stored: fine, it may never have been enqueued)
        plant(100, "run1", 100L);
        // stored with this run's tag but never sent: unexpected; 600 also repeats seq 7: a duplicate of note 7
        plant(500, "run1", 500L);
        plant(600, "run1", 7L);
        // another run's and the seed's notes are none of this check's business
        plant(700, "other", 1L);
        plant(800, null, null);

        long[] acked = LongStream.rangeClosed(1, 10).toArray();
        Checker.Result r = new Checker(items).check(acked, new long[]{100, 101}, "run1");

        assertEquals(10, r.acknowledged());
        assertEquals(2, r.lost());
        assertEquals(List.of(9L, 10L), r.lostSample());
        assertEquals(1, r.duplicates());
        assertEquals(2, r.unexpected()); // 500 and 600
        assertEquals(1, r.recovered());
        assertEquals(1, r.unknownMissing());
    }

    @Test
    void cleanRunCountsNothingAcrossBatchBoundaries() {
        int n = Checker.BATCH * 2 + 500;
        List<Document> docs = new ArrayList<>();
        for (long id = 1; id <= n; id++) docs.add(new Document("_id", id).append("simrun", "r").append("simseq", id));
        items.insertMany(docs);
        long[] acked = LongStream.rangeClosed(1, n).toArray();

        Checker.Result r = new Checker(items).check(acked, new long[0], "r");

        assertEquals(n, r.acknowledged());
        assertEquals(0, r.lost());
        assertEquals(0, r.duplicates());
        assertEquals(0, r.unexpected());
        assertEquals(0, r.recovered());
    }

    @Test
    void missingListsOnlyTheAbsentIds() {
        plant(1, null, null);
        plant(3, null, null);
        assertArrayEquals(new long[]{2, 4}, new Checker(items).missing(new long[]{1, 2, 3, 4, 2}));
    }

    @Test
    void anAcknowledgedIdSentTwiceIsCheckedOnce() {
        plant(5, "r", 5L);
        Checker.Result r = new Checker(items).check(new long[]{5, 5}, new long[0], "r");
        assertEquals(1, r.acknowledged());
        assertEquals(0, r.lost());
        assertEquals(0, r.duplicates());
    }
}
