package io.gorgon.roles.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gorgon.protocol.Item;
import io.gorgon.protocol.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** store.items.put bodies read item by item: the same items as the tree would give, and a clear error for the rest. */
class ItemsPutBodyTest {
    private static Item item(long id) {
        return new Item(id, 7, "note " + id, "body", null, 1_780_000_000_000L + id, null, List.of("k"), null);
    }

    private static String body(int n) {
        JsonArray a = new JsonArray();
        for (int i = 1; i <= n; i++) a.add(item(i).toJson());
        JsonObject o = new JsonObject();
        o.addProperty("before", "ignored");
        o.add("items", a);
        o.add("after", new JsonObject());
        return o.toString();
    }

    @Test
    void readsEveryItemAsTheTreeWouldAndSkipsOtherFields() {
        List<Item> items = ItemsPutBody.parse(body(3));
        assertEquals(3, items.size());
        for (int i = 0; i < 3; i++) assertEquals(item(i + 1).toJsonText(), items.get(i).toJsonText());
        assertEquals(Protocol.MAX_ITEMS_PER_PUT, ItemsPutBody.parse(body(Protocol.MAX_ITEMS_PER_PUT)).size());
    }

    @Test
    void refusesWhatIsNotABatchOfItems() {
        for (String bad : new String[] {body(0), body(Protocol.MAX_ITEMS_PER_PUT + 1), "{}", "null", "", "[]", "{\"items\":{}}",
                "{\"items\":[1]}", "{\"items\":[{\"id\":\"x\"}]}", "{\"items\":[" + item(1).toJsonText() + "]", body(1) + " {}"}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> ItemsPutBody.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), bad);
        }
    }
}
