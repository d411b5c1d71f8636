package io.gorgon.roles.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.gorgon.protocol.Item;
import io.gorgon.protocol.UserInput;
import io.gorgon.roles.testing.InfraTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /tags/{keyword}: newest first across users, from the keyword index, MongoDB past its depth or after a Redis loss. */
class KeywordSearchTest extends InfraTestBase {
    private static final long T0 = 1_780_000_000_000L;
    private StoreService store;

    @BeforeEach
    void fresh() {
        infra.redis.flushAll();
        store = new StoreService(infra.freshDatabase("kw_" + System.nanoTime()), infra.redis, new StoreService.Options("t", 4, Duration.ZERO));
    }

    private static Item item(long id, long user, long ts, String... keywords) {
        StringBuilder k = new StringBuilder();
        for (String s : keywords) k.append(k.length() == 0 ? "" : ",").append('"').append(s).append('"');
        return Item.of(id, user, ts, UserInput.item(JsonParser.parseString(
                "{\"title\":\"item " + id + "\",\"keywords\":[" + k + "]}").getAsJsonObject()));
    }

    private List<Long> page(String keyword, int lim, int off) {
        JsonArray a = store.byKeyword(keyword, lim, off);
        List<Long> out = new ArrayList<>();
        a.forEach(e -> out.add(Long.parseLong(e.getAsJsonObject().get("id").getAsString())));
        return out;
    }

    @Test
    void newestFirstAcrossUsersWithDeepPagesFromMongo() {
        List<Item> batch = new ArrayList<>();
        for (int i = 1; i <= 10; i++) batch.add(item(i, i % 3 + 1, T0 + i, i % 2 == 0 ? "even" : "odd", "all"));
        store.putAll(batch);
        assertEquals(List.of(10L, 9L, 8L), page("all", 3, 0));
        assertEquals(List.of(7L, 6L, 5L), page("all", 3, 3), "past the index's 4 entries: MongoDB");
        assertEquals(List.of(10L, 8L, 6L, 4L, 2L), page("even", 10, 0));
        assertEquals(List.of(), page("none", 10, 0));
        assertEquals(List.of(), page("all", 10, 50));
    }

    @Test
    void deletedItemsDisappearAndALostIndexIsRebuiltFromMongo() {
        store.putAll(List.of(item(1, 1, T0 + 1, "x"), item(2, 2, T0 + 2, "x"), item(3, 1, T0 + 3, "x")));
        assertEquals(List.of(3L, 2L, 1L), page("x", 10, 0));
        assertEquals(DeleteResult.DELETED, store.delete(2, 2));
        assertEquals(List.of(3L, 1L), page("x", 10, 0));
        infra.redis.flushAll(); // Redis lost its data: the index fills from MongoDB on the next read
        assertEquals(List.of(3L, 1L), page("x", 10, 0));
        store.putAll(List.of(item(4, 3, T0 + 4, "x")));
        assertEquals(List.of(4L, 3L), page("x", 2, 0));
    }
}
