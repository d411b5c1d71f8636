package io.gorgon.roles.store;

import com.google.gson.JsonObject;
import org.bson.Document;

import java.util.Locale;

/**
 * A user. The email is stored lower-cased (and unique); the passhash never leaves the store and auth roles, so
 * {@link #toPublicJson()} and {@link #toString()} leave it out.
 */
public record User(long id, String name, String email, String passhash, long created) {
    public User {
        if (id <= 0) throw new IllegalArgumentException("user id must be positive: " + id);
        if (email == null || email.isBlank()) throw new IllegalArgumentException("email is required");
        email = email.strip().toLowerCase(Locale.ROOT);
        if (name == null) name = "";
        if (passhash == null) passhash = "";
    }

    /** {id, name, email, created} with the id as a decimal string: what the API may show. */
    public JsonObject toPublicJson() {
        JsonObject o = new JsonObject();
        o.addProperty("id", Long.toString(id));
        o.addProperty("name", name);
        o.addProperty("email", email);
        o.addProperty("created", created);
        return o;
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", name=" + name + ", email=" + email + ", created=" + created + "]";
    }

    Document toDocument() {
        return new Document("_id", id).append("name", name).append("email", email).append("passhash", passhash)
                .append("created", created);
    }

    static User fromDocument(Document d) {
        Object created = d.get("created");
        return new User(((Number) d.get("_id")).longValue(), d.getString("name"), d.getString("email"),
                d.getString("passhash"), created instanceof Number n ? n.longValue() : 0L);
    }
}
