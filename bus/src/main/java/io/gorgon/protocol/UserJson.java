package io.gorgon.protocol;

import com.google.gson.JsonObject;

/**
 * The internal form of a user between auth and store, password hash included. It travels only on store queues;
 * {@link User#toPublicJson()} is what leaves the mesh.
 */
public final class UserJson {
    private UserJson() {}

    public static JsonObject toInternal(User u) {
        JsonObject o = new JsonObject();
        o.addProperty("id", Long.toString(u.id()));
        o.addProperty("name", u.name());
        o.addProperty("email", u.email());
        o.addProperty("passhash", u.passhash());
        o.addProperty("created", u.created());
        return o;
    }

    public static User fromInternal(JsonObject o) {
        long id = Long.parseLong(o.get("id").getAsString());
        if (id <= 0) throw new IllegalArgumentException("id: must be a positive integer");
        long created = o.has("created") ? o.get("created").getAsLong() : System.currentTimeMillis();
        return new User(id, o.get("name").getAsString(), o.get("email").getAsString(), o.get("passhash").getAsString(), created);
    }
}
