package io.gorgon.roles.store;

import io.gorgon.roles.testing.InfraTestBase;
import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.User;
import io.gorgon.protocol.Item;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.gorgon.protocol.UserInput;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreServiceTest extends InfraTestBase {
    private static final long T0 = 1_780_000_000_000L;
    private MongoDatabase db;
    private StoreService store;
    private int dbCounter;

    @BeforeEach
    void freshStore() {
        db = infra.freshDatabase("store_test_" + (dbCounter++) + "_" + System.nanoTime());
        store = new StoreService(db, infra.redis, new StoreService.Options("t", 200, Duration.ZERO));
    }

    static Item item(long id, long user, long ts) {
        return Item.of(id, user, ts, UserInput.item(JsonParser.parseString(
                "{\"title\":\"item " + id + "\",\"body\":\"b\",\"keywords\":[\"k\"],\"mood\":{\"n\":" + id + "}}").getAsJsonObject()));
    }

    private static List<Long> ids(JsonArray a) {
        List<Long> out = new ArrayList<>();
        for (JsonElement e : a) out.add(Long.parseLong(e.getAsJsonObject().get("id").getAsString()));
        return out;
    }

    private long docs(Object id) {
        return db.getCollection("items").countDocuments(Filters.eq("_id", id));
    }

    @Test
    void redeliveredInsertNeverMakesASecondDocumentNorOverwrites() {
        assertTrue(store.put(item(1, 7, T0)));
        Item edited = new Item(1, 7, "changed", "x", null, T0 + 5, null, List.of(), null);
        assertFalse(store.put(edited));
        assertFalse(store.put(item(1, 7, T0)));
        assertEquals(1, docs(1L));
        assertEquals("item 1", store.get(1).orElseThrow().title());
        JsonArray info = store.info(7, 10, 0);
        assertEquals(List.of(1L), ids(info));
        assertEquals("item 1", info.get(0).getAsJsonObject().get("title").getAsString());
    }

    @Test
    void bulkInsertReportsOnlyNewIds() {
        store.putAll(List.of(item(1, 7, T0), item(2, 7, T0 + 1)));
        List<Long> fresh = store.putAll(List.of(item(2, 7, T0 + 1), item(3, 8, T0 + 2), item(1, 7, T0), item(4, 7, T0 + 3)));
        assertEquals(List.of(3L, 4L), fresh);
        assertEquals(4, db.getCollection("items").countDocuments());
        assertEquals(List.of(4L, 2L, 1L), ids(store.info(7, 10, 0)));
    }

    @Test
    void jsonFormHasStringIdsAndKeepsExtras() {
        store.put(item(123456789012345L, 99, T0));
        JsonObject o = store.info(99, 1, 0).get(0).getAsJsonObject();
        assertEquals("123456789012345", o.get("id").getAsString());
        assertEquals("99", o.get("userid").getAsString());
        assertEquals(T0, o.get("ts").getAsLong());
        assertEquals(123456789012345L, o.getAsJsonObject("mood").get("n").getAsLong());
        assertEquals(o, store.get(123456789012345L).orElseThrow().toJson());
        assertEquals(o, Item.fromJson(o).toJson(), "the JSON form round-trips through a bus message");
        Document d = db.getCollection("items").find(Filters.eq("_id", 123456789012345L)).first();
        assertEquals(99L, d.get("userid"));
        assertFalse(d.containsKey("id"));
    }

    @Test
    void duplicateEmailIsAnAnswerAndARedeliveredCreateIsNot() {
        User ann = new User(10, "Ann", "Ann@Example.org", "h", T0);
        CreateUserResult.Created c = assertInstanceOf(CreateUserResult.Created.class, store.createUser(ann));
        assertEquals("ann@example.org", c.user().email());
        assertInstanceOf(CreateUserResult.Created.class, store.createUser(ann), "same id and email: a redelivery");
        CreateUserResult dup = store.createUser(new User(11, "Other", "ANN@example.org", "h2", T0));
        assertEquals(new CreateUserResult.DuplicateEmail("ann@example.org"), dup);
        assertEquals(10L, store.userByEmail("ann@EXAMPLE.org").orElseThrow().id());
        assertEquals("h", store.userById(10).orElseThrow().passhash());
        assertTrue(store.userById(11).isEmpty());
        assertFalse(store.userById(10).orElseThrow().toPublicJson().has("passhash"));
    }

    @Test
    void deleteByNonOwnerIsForbiddenAndADeletedItemStaysDeleted() {
        store.put(item(1, 7, T0));
        store.put(item(2, 7, T0 + 1));
        assertEquals(List.of(2L, 1L), ids(store.info(7, 10, 0)));
        assertEquals(DeleteResult.FORBIDDEN, store.delete(1, 8));
        assertTrue(store.get(1).isPresent());
        assertEquals(DeleteResult.DELETED, store.delete(1, 7));
        store.deleteDone(1);
        assertEquals(DeleteResult.NOT_FOUND, store.delete(1, 7));
        assertEquals(DeleteResult.NOT_FOUND, store.delete(999, 7));
        assertTrue(store.get(1).isEmpty());
        assertEquals(List.of(2L), ids(store.info(7, 10, 0)));
        assertFalse(store.put(item(1, 7, T0)), "a late redelivered insert must not resurrect a deleted item");
        assertTrue(store.get(1).isEmpty());
        assertEquals(List.of(2L), ids(store.info(7, 10, 0)));
        infra.redis.flushAll(); // and MongoDB agrees when the cache is rebuilt
        assertEquals(List.of(2L), ids(store.info(7, 10, 0)));
    }

    @Test
    void aDeleteThatFailedAfterItsTombstoneIsRedoneByItsRetry() {
        store.put(item(1, 7, T0));
        store.put(item(2, 7, T0 + 1));
        assertEquals(List.of(2L, 1L), ids(store.info(7, 10, 0)), "cached");
        // The crash state: tombstone written, then the cache update (and the publish) never happened.
        new ItemStore(db).delete(1, 7);
        assertEquals(List.of(2L, 1L), ids(store.info(7, 10, 0)), "the cache still shows it");
        assertEquals(DeleteResult.NOT_FOUND, store.delete(1, 8), "not someone else's to delete");
        assertEquals(DeleteResult.DELETED, store.delete(1, 7), "the retry redoes the steps after the tombstone");
        assertEquals(List.of(2L), ids(store.info(7, 10, 0)));
        store.deleteDone(1);
        assertEquals(DeleteResult.NOT_FOUND, store.delete(1, 7), "done: a later delete is a 404");
        assertTrue(store.get(1).isEmpty());
    }

    @Test
    void pagesAreNewestFirstAcrossTheCacheBoundary() {
        List<Item> batch = new ArrayList<>();
        // 300 items; pairs share a ts so the id tie-break matters; inserted in shuffled order.
        for (int i = 1; i <= 300; i++) batch.add(item(i, 5, T0 + (i + 1) / 2));
        java.util.Collections.shuffle(batch, new java.util.Random(1));
        RecentItemsCache cache = new RecentItemsCache(infra.redis, "t", 200, Duration.ZERO);
        for (int from = 0; from < 250; from += 50) store.putAll(batch.subList(from, from + 50));
        assertEquals(250, cache.size(5), "up to a quarter over the capacity before a trim");
        store.putAll(batch.subList(250, 300));
        assertEquals(200, cache.size(5), "past it: trimmed back to the capacity");

        List<Long> expected = new ArrayList<>();
        for (long i = 300; i >= 1; i--) expected.add(i);
        assertEquals(expected.subList(0, 20), ids(store.info(5, 20, 0)));
        assertEquals(expected.subList(180, 200), ids(store.info(5, 20, 180)));
        assertEquals(expected.subList(190, 210), ids(store.info(5, 20, 190)), "the page that straddles the cache's end");
        assertEquals(expected.subList(290, 300), ids(store.info(5, 20, 290)));
        assertEquals(List.of(), ids(store.info(5, 20, 300)));
        List<Long> all = new ArrayList<>();
        for (int off = 0; off < 310; off += 7) all.addAll(ids(store.info(5, 7, off)));
        assertEquals(expected, all);
    }

    @Test
    void aColdCacheIsReadThroughOnceAndThenServedFromRedis() {
        for (int i = 1; i <= 30; i++) store.put(item(i, 3, T0 + i));
        infra.redis.flushAll(); // cold cache, e.g. a Redis restarted without persistence
        assertEquals(List.of(30L, 29L, 28L), ids(store.info(3, 3, 0)));
        assertEquals(30, new RecentItemsCache(infra.redis, "t", 200, Duration.ZERO).size(3));
        // Remove the items behind the cache's back: the next read must come from Redis, not MongoDB.
        db.getCollection("items").deleteMany(Filters.eq("userid", 3L));
        assertEquals(List.of(25L, 24L), ids(store.info(3, 2, 5)));
        assertEquals(30, store.info(3, 100, 0).size(), "a user with fewer items than the capacity is served whole");
    }

    @Test
    void aUserWithNoItemsHitsMongoOnlyOnce() {
        assertEquals(0, store.info(42, 20, 0).size());
        RecentItemsCache cache = new RecentItemsCache(infra.redis, "t", 200, Duration.ZERO);
        assertEquals("1", infra.redis.hget(cache.key(42, "meta"), "loaded"));
        assertEquals("1", infra.redis.hget(cache.key(42, "meta"), "complete"));
        // An item slipped into MongoDB without the store is invisible: proof the answer came from the cache.
        db.getCollection("items").insertOne(Documents.of(item(9, 42, T0)));
        assertEquals(0, store.info(42, 20, 0).size());
        store.put(item(10, 42, T0 + 1));
        assertEquals(List.of(10L), ids(store.info(42, 20, 0)));
    }

    @Test
    void readingAnUnknownUidLeavesNoKeyThatNeverExpires() {
        // Issue 12 #11: GET /info/{uid} for any uid left a Redis key without expiry: unbounded keys for the asking.
        assertEquals(0, store.info(987654321L, 20, 0).size());
        RecentItemsCache cache = new RecentItemsCache(infra.redis, "t", 200, Duration.ZERO);
        for (String part : new String[]{"z", "h", "meta"}) {
            long ttl = infra.redis.pttl(cache.key(987654321L, part));
            assertTrue(ttl == -2 || (ttl > 0 && ttl <= RecentItemsCache.EMPTY_FILL_TTL.toMillis()), part + " pttl " + ttl);
        }
        assertTrue(infra.redis.exists(cache.key(987654321L, "meta")), "still cached for a while");
    }

    @Test
    void newUsersStartWithAnEmptyCompleteCache() {
        store.createUser(new User(50, "a", "a@x.org", "h", T0));
        UserStore.Upserted up = store.upsertUsers(List.of(new User(51, "b", "b@x.org", "h", T0), new User(50, "a2", "a@x.org", "h", T0),
                new User(52, "c", "A@x.org", "h", T0)));
        assertEquals(List.of(51L), up.newIds());
        assertEquals(List.of(52L), up.duplicateEmailIds());
        assertEquals("a2", store.userById(50).orElseThrow().name());
        RecentItemsCache cache = new RecentItemsCache(infra.redis, "t", 200, Duration.ZERO);
        assertEquals("1", infra.redis.hget(cache.key(51, "meta"), "complete"));
        db.getCollection("items").insertOne(Documents.of(item(9, 51, T0)));
        assertEquals(0, store.info(51, 20, 0).size(), "no MongoDB read for a brand-new user");
    }

    private static JsonObject patch(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    @Test
    void anEditIsAPartialUpdateThatBumpsTheVersionAndReachesTheCache() {
        store.put(item(1, 7, T0));
        store.put(item(2, 7, T0 + 1));
        assertEquals(List.of(2L, 1L), ids(store.info(7, 10, 0)), "the cache is loaded");
        EditResult r = store.edit(1, 7, java.util.Set.of(1L), patch("{\"title\":\"new\",\"ts\":" + (T0 + 9) + ",\"mood\":{\"m\":1},\"keywords\":null}"), "e1");
        Item after = assertInstanceOf(EditResult.Edited.class, r).item();
        assertEquals(2, after.version());
        assertEquals("new", after.title());
        assertEquals("b", after.body(), "fields the patch does not name are kept");
        assertEquals(List.of(), after.keywords(), "null removes");
        assertEquals(1, after.extras().getAsJsonObject("mood").get("n").getAsLong(), "objects merge");
        assertEquals(1, after.extras().getAsJsonObject("mood").get("m").getAsLong());
        JsonArray info = store.info(7, 10, 0);
        assertEquals(List.of(1L, 2L), ids(info), "the cache re-ordered by the new ts");
        assertEquals("new", info.get(0).getAsJsonObject().get("title").getAsString());
        assertEquals(2, info.get(0).getAsJsonObject().get("version").getAsLong());
        infra.redis.flushAll(); // and MongoDB agrees
        assertEquals("new", store.info(7, 10, 0).get(0).getAsJsonObject().get("title").getAsString());
        assertEquals(2, store.get(1).orElseThrow().version());
    }

    @Test
    void aStaleVersionIsRefusedAndARedeliveredEditIsNotAppliedTwice() {
        store.put(item(1, 7, T0));
        assertInstanceOf(EditResult.Edited.class, store.edit(1, 7, java.util.Set.of(1L), patch("{\"body\":\"one\"}"), "e1"));
        EditResult stale = store.edit(1, 7, java.util.Set.of(1L), patch("{\"body\":\"two\"}"), "e2");
        assertEquals(2, assertInstanceOf(EditResult.VersionMismatch.class, stale).current());
        EditResult again = store.edit(1, 7, java.util.Set.of(1L), patch("{\"body\":\"one\"}"), "e1");
        assertEquals(2, assertInstanceOf(EditResult.AlreadyApplied.class, again).item().version(), "same edit id: no second bump");
        assertInstanceOf(EditResult.Edited.class, store.edit(1, 7, null, patch("{\"body\":\"three\"}"), "e3"), "no If-Match set: any version");
        assertEquals(3, store.get(1).orElseThrow().version());
        assertEquals("three", store.get(1).orElseThrow().body());
    }

    @Test
    void editsCheckOwnerExistenceAndTheSameRulesAsCreate() {
        store.put(item(1, 7, T0));
        assertInstanceOf(EditResult.Forbidden.class, store.edit(1, 8, null, patch("{\"body\":\"x\"}"), "e1"));
        assertInstanceOf(EditResult.NotFound.class, store.edit(99, 7, null, patch("{\"body\":\"x\"}"), "e2"));
        for (String bad : List.of("{\"title\":null}", "{\"title\":\"\"}", "{\"title\":7}", "{\"version\":5}",
                "{\"userid\":\"8\"}", "{\"$set\":{}}", "{\"a.b\":1}", "{\"_deleted\":1}", "{\"url\":\"ftp://x\"}")) {
            assertThrows(io.gorgon.protocol.InputException.class, () -> store.edit(1, 7, null, patch(bad), "bad"), bad);
        }
        assertEquals(1, store.get(1).orElseThrow().version(), "refused edits change nothing");
        assertEquals(DeleteResult.DELETED, store.delete(1, 7));
        assertInstanceOf(EditResult.NotFound.class, store.edit(1, 7, null, patch("{\"body\":\"x\"}"), "e3"), "a deleted item stays deleted");
        assertTrue(store.get(1).isEmpty());
    }

    @Test
    void anOlderEditLandingLateInTheCacheDoesNotOverwriteANewerOne() {
        store.put(item(1, 7, T0));
        store.info(7, 10, 0);
        Item v1 = store.get(1).orElseThrow();
        Item v2 = v1.edited(patch("{\"body\":\"v2\"}"));
        Item v3 = v2.edited(patch("{\"body\":\"v3\"}"));
        RecentItemsCache cache = new RecentItemsCache(infra.redis, "t", 200, Duration.ZERO);
        cache.update(v3);
        cache.update(v2);
        assertTrue(cache.cachedJson(7, 1).orElseThrow().contains("\"v3\""));
    }

    @Test
    void anEditMovesAnItemBetweenKeywords() {
        store.put(item(1, 7, T0)); // keyword "k"
        assertEquals(List.of(1L), ids(store.byKeyword("k", 10, 0)));
        assertInstanceOf(EditResult.Edited.class, store.edit(1, 7, null, patch("{\"keywords\":[\"z\"]}"), "e1"));
        assertEquals(List.of(), ids(store.byKeyword("k", 10, 0)), "no longer under the keyword it lost");
        assertEquals(List.of(1L), ids(store.byKeyword("z", 10, 0)));
    }
}
