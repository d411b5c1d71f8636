package io.gorgon.roles.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.protocol.Item;
import io.gorgon.protocol.User;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The MongoDB form of the protocol's items and users: the id is {@code _id} (a long) and an item's extras sit beside
 * its schema fields. Keys starting with {@code _} are the store's own bookkeeping and never reach the wire.
 */
final class Documents {
    /** An item's version ('_'-prefixed: the store's own field). */
    static final String VERSION = "_v";

    private Documents() {}

    static Document of(Item item) {
        Document d = new Document("_id", item.id())
                .append("userid", item.userid())
                .append("title", item.title())
                .append("body", item.body())
                .append("ts", item.ts())
                .append("keywords", item.keywords());
        if (item.version() > 1) d.append(VERSION, item.version()); // absent = 1: items written before versions existed
        if (item.url() != null) d.append("url", item.url());
        if (item.location() != null) d.append("location", BsonJson.toBson(item.location()));
        for (Map.Entry<String, JsonElement> e : item.extras().entrySet()) {
            if (!Item.SCHEMA.contains(e.getKey()) && !e.getKey().startsWith("_")) d.append(e.getKey(), BsonJson.toBson(e.getValue()));
        }
        return d;
    }

    static Item item(Document d) {
        JsonObject extras = new JsonObject();
        for (Map.Entry<String, Object> e : d.entrySet()) {
            if (!Item.SCHEMA.contains(e.getKey()) && !e.getKey().startsWith("_")) extras.add(e.getKey(), BsonJson.toJson(e.getValue()));
        }
        List<String> keywords = new ArrayList<>();
        if (d.get("keywords") instanceof List<?> l) l.forEach(x -> keywords.add(String.valueOf(x)));
        Object loc = d.get("location");
        return new Item(((Number) d.get("_id")).longValue(), ((Number) d.get("userid")).longValue(), d.getString("title"),
                d.getString("body"), d.getString("url"), ((Number) d.get("ts")).longValue(),
                loc == null ? null : BsonJson.toJson(loc), keywords, extras,
                d.get(VERSION) instanceof Number v ? v.longValue() : 1);
    }

    static Document of(User u) {
        return new Document("_id", u.id()).append("name", u.name()).append("email", u.email()).append("passhash", u.passhash())
                .append("created", u.created());
    }

    static User user(Document d) {
        Object created = d.get("created");
        return new User(((Number) d.get("_id")).longValue(), d.getString("name"), d.getString("email"),
                d.getString("passhash"), created instanceof Number n ? n.longValue() : 0L);
    }
}
