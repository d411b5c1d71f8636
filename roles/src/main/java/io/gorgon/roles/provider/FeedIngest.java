package io.gorgon.roles.provider;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Ids;
import io.gorgon.bus.Message;
import io.gorgon.protocol.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns fetched entries (provider_data) into items of the feed, whose {@code userid} is the feed's id, so they
 * reach followers by the existing paths (store_put → store_notify → notify's WebSocket, and GET /info/{feedId}).
 * Each entry is made into an item once: its key (guid, else link, else content hash) gets an item id reserved in
 * Redis on first sight; an entry seen again with another content hash becomes an edit of that item. The store
 * messages are in Redis before the entry's hash is recorded, and the store is idempotent by item id, so a crash
 * anywhere means a redo, never a lost or second item (a redone edit re-applies the same content).
 */
final class FeedIngest {
    private final FeedRegistry registry;
    private final Bus bus;
    private final Ids ids;
    /** Entry published (its own date) → its item sent to the store: the stats page's freshness heatmap. */
    private final io.gorgon.bus.BusMetrics.Latency freshness;

    FeedIngest(FeedRegistry registry, Bus bus, Ids ids) {
        this.registry = registry;
        this.bus = bus;
        this.ids = ids;
        this.freshness = bus.metrics().latency("feed.freshness");
    }

    void onEntries(Message m) {
        JsonObject body = m.body() != null && m.body().isJsonObject() ? m.body().getAsJsonObject() : null;
        if (body == null || !body.has("feed") || !body.has("entries")) throw new HandlerFailure(400, "needs {feed, entries}");
        String feedId = body.get("feed").getAsString();
        JsonArray entries = body.getAsJsonArray("entries");
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        List<Runnable> record = new ArrayList<>();
        int fresh = 0;
        for (JsonElement el : entries) {
            JsonObject e = el.getAsJsonObject();
            String key = e.get("key").getAsString(), hash = e.get("hash").getAsString();
            String rec = registry.entry(feedId, key);
            if (rec == null) rec = registry.reserveEntry(feedId, key, ids.next());
            long itemId = Long.parseLong(rec.substring(0, rec.indexOf(':')));
            String seen = rec.substring(rec.indexOf(':') + 1);
            if (seen.equals(hash)) continue;
            JsonObject msg = new JsonObject();
            if (seen.isEmpty()) { // new (or reserved by an ingest that died before recording it: the store dedupes)
                fresh++;
                msg.add("item", item(itemId, feedId, e, body.has("fetchedAt") ? body.get("fetchedAt").getAsLong() : System.currentTimeMillis()));
                sends.add(bus.sendAsync(Protocol.STORE_PUT, Protocol.STORE_ITEM_PUT, msg));
                long age = e.has("ts") ? System.currentTimeMillis() - e.get("ts").getAsLong() : -1;
                if (age >= 0 && age < 3_600_000) freshness.record(age * 1000); // not the back catalogue of a newly followed feed
            } else {
                msg.addProperty("id", Long.toString(itemId));
                msg.addProperty("owner", feedId);
                msg.add("patch", patch(e));
                sends.add(bus.sendAsync(Protocol.STORE_PUT, Protocol.STORE_ITEM_EDIT, msg));
            }
            record.add(() -> registry.recordEntry(feedId, key, itemId, hash));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        record.forEach(Runnable::run);
        if (fresh > 0) registry.noteNewEntries(feedId, fresh, body.has("fetchedAt") ? body.get("fetchedAt").getAsLong() : System.currentTimeMillis());
    }

    /** The item JSON the store reads ({@code Item.fromJson}'s shape). */
    static JsonObject item(long itemId, String feedId, JsonObject e, long seenAt) {
        JsonObject i = patch(e);
        if (!i.has("ts")) i.addProperty("ts", seenAt);
        if (i.get("url").isJsonNull()) i.remove("url");
        i.addProperty("id", Long.toString(itemId));
        i.addProperty("userid", feedId);
        i.add("keywords", new JsonArray());
        i.addProperty("guid", e.get("key").getAsString());
        return i;
    }

    /** A merge patch that sets every field an entry controls (url null removes a link the entry lost). */
    private static JsonObject patch(JsonObject e) {
        JsonObject p = new JsonObject();
        p.add("title", e.get("title"));
        p.add("body", e.get("body"));
        p.add("url", e.has("url") ? e.get("url") : JsonNull.INSTANCE);
        if (e.has("ts")) p.add("ts", e.get("ts"));
        return p;
    }
}
