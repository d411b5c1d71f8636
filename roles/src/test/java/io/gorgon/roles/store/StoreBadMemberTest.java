package io.gorgon.roles.store;

import com.google.gson.JsonParser;
import io.gorgon.roles.testing.InfraTestBase;
import com.mongodb.client.MongoDatabase;
import io.gorgon.protocol.Item;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12 #1: one item the store cannot hold must not fail the other members of its batch. */
class StoreBadMemberTest extends InfraTestBase {
    private static final long T0 = 1_780_000_000_000L;

    /** Past the edge's checks (built directly, as a message from a buggy or hostile sender could carry it). */
    private static Item unstorable(long id) {
        return new Item(id, 7, "x", "", null, T0, null, List.of(), JsonParser.parseString("{\"n\":1e10000}").getAsJsonObject());
    }

    private StoreService store() {
        MongoDatabase db = infra.freshDatabase("bad_" + System.nanoTime());
        return new StoreService(db, infra.redis, new StoreService.Options("t" + System.nanoTime(), 200, Duration.ZERO));
    }

    @Test
    void aBatchStoresEveryMemberButTheBadOne() {
        StoreService store = store();
        ItemStore.Inserted r = store.putBatch(List.of(StoreServiceTest.item(1, 7, T0), unstorable(2), StoreServiceTest.item(3, 7, T0 + 1)));
        assertEquals(List.of(1L, 3L), r.newIds());
        assertEquals(List.of(2L), List.copyOf(r.rejected().keySet()));
        assertTrue(store.get(1).isPresent() && store.get(3).isPresent());
        assertEquals(2, store.info(7, 10, 0).size(), "the cache holds the stored members only");
    }

    @Test
    void theBatcherAnswersTheBadMemberAloneAndNeverRetriesIt() throws Exception {
        StoreService store = store();
        try (ItemBatcher batcher = new ItemBatcher(store, 1)) {
            CompletableFuture<Boolean> good = batcher.put(StoreServiceTest.item(11, 7, T0));
            CompletableFuture<Boolean> bad = batcher.put(unstorable(12));
            CompletableFuture<Boolean> good2 = batcher.put(StoreServiceTest.item(13, 7, T0 + 1));
            assertTrue(good.get(10, TimeUnit.SECONDS));
            assertTrue(good2.get(10, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ItemBatcher.Rejected.class, e.getCause());
        }
    }
}
