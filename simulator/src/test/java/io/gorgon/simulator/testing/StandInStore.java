package io.gorgon.simulator.testing;

import io.gorgon.protocol.Protocol;
import com.google.gson.JsonObject;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.gorgon.bus.Bus;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.Message;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;

/**
 * Stands in for the store role (not on this module's classpath) in the simulator's tests: consumes store_put with the
 * real bus and writes users and notes into a real MongoDB idempotently by id, as the store_put contract says.
 * {@code dropEvery} > 0 acknowledges every n-th load note WITHOUT writing it: a lossy store the checker must catch.
 */
public final class StandInStore {
    private StandInStore() {}

    public static void start(Bus bus, MongoDatabase db, int dropEvery) {
        AtomicLong loadNotes = new AtomicLong();
        ReplaceOptions upsert = new ReplaceOptions().upsert(true);
        bus.consume(Protocol.STORE_PUT, ConsumerOptions.defaults(), (Message m) -> {
            JsonObject body = m.body().getAsJsonObject();
            switch (m.type()) {
                case Protocol.STORE_USER_CREATE -> {
                    JsonObject u = body.getAsJsonObject("user");
                    long id = Long.parseLong(u.get("id").getAsString());
                    Document d = new Document("_id", id).append("name", u.get("name").getAsString())
                            .append("email", u.get("email").getAsString()).append("passhash", u.get("passhash").getAsString());
                    db.getCollection("users").replaceOne(Filters.eq("_id", id), d, upsert);
                }
                case Protocol.STORE_ITEMS_PUT -> {
                    for (var e : body.getAsJsonArray("items")) putItem(db, e.getAsJsonObject(), upsert);
                }
                case Protocol.STORE_ITEM_PUT -> {
                    JsonObject i = body.getAsJsonObject("item");
                    if (i.has("simrun") && dropEvery > 0 && loadNotes.incrementAndGet() % dropEvery == 0) return;
                    putItem(db, i, upsert);
                }
                default -> throw new IllegalStateException("unexpected type " + m.type());
            }
        });
    }

    private static void putItem(MongoDatabase db, JsonObject i, ReplaceOptions upsert) {
        long id = Long.parseLong(i.get("id").getAsString());
        Document d = Document.parse(i.toString());
        d.remove("id");
        d.put("_id", id);
        d.put("userid", Long.parseLong(i.get("userid").getAsString()));
        db.getCollection("items").replaceOne(Filters.eq("_id", id), d, upsert);
    }
}
