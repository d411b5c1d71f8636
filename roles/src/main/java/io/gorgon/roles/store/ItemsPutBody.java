package io.gorgon.roles.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.gorgon.protocol.Item;
import io.gorgon.protocol.Protocol;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The items of a {@code store.items.put} body ({@code {"items":[…]}}), read from its text one item at a time. The
 * body's tree is never built: while a put waits for its bulk write, its heap is the items alone. Seeding 1,000,000
 * notes, the store's young collections each copied ~10 MB of the in-flight messages' trees, and promoted part of it.
 */
final class ItemsPutBody {
    private ItemsPutBody() {}

    /** @throws IllegalArgumentException when the text is not such a body or holds no item or too many; InputException for a bad item */
    static List<Item> parse(String json) {
        List<Item> items = null;
        try (JsonReader r = new JsonReader(new StringReader(json == null ? "" : json))) {
            if (r.peek() != JsonToken.BEGIN_OBJECT) throw new IllegalArgumentException("body must be a JSON object");
            r.beginObject();
            while (r.hasNext()) {
                if (!r.nextName().equals("items") || items != null) {
                    r.skipValue();
                    continue;
                }
                if (r.peek() != JsonToken.BEGIN_ARRAY) throw new IllegalArgumentException("items must be an array");
                items = new ArrayList<>();
                r.beginArray();
                while (r.hasNext()) {
                    if (items.size() == Protocol.MAX_ITEMS_PER_PUT) {
                        throw badCount("more");
                    }
                    JsonElement e = JsonParser.parseReader(r);
                    if (!e.isJsonObject()) throw new IllegalArgumentException("each of items must be a JSON object");
                    items.add(Item.fromJson(e.getAsJsonObject()));
                }
                r.endArray();
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) throw new IllegalArgumentException("text after the body");
        } catch (IOException | JsonParseException e) {
            throw new IllegalArgumentException("body is not JSON: " + e.getMessage());
        }
        if (items == null || items.isEmpty()) {
            throw badCount("0");
        }
        return items;
    }

    private static IllegalArgumentException badCount(String got) {
        return new IllegalArgumentException("items must hold 1 to " + Protocol.MAX_ITEMS_PER_PUT + " items, not " + got);
    }
}
