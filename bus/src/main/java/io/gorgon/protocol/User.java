package io.gorgon.protocol;

import com.google.gson.JsonObject;

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
}
