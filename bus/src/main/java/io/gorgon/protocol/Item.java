package io.gorgon.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An item (the seed's "info note"). Its JSON form is what the HTTP API returns: {@code {id, title, body, url, ts,
 * location, keywords, userid, version, …extras}} with ids as decimal strings; url and location are left out when absent;
 * {@code version} starts at 1 and grows by one with each edit (the HTTP API's ETag).
 * This is the wire shape every role and the simulator share; the store keeps its own MongoDB form. Fields starting
 * with {@code _} are the store's own (users cannot send them: UserInput rejects {@code $}/{@code .} keys, and the item
 * schema reserves {@code id}, {@code _id}, {@code userid} and {@code version}).
 */
public record Item(long id, long userid, String title, String body, String url, long ts, JsonElement location,
                   List<String> keywords, JsonObject extras, long version) {
    /** The fields of the schema; any other key is an extra, kept as given. */
    public static final Set<String> SCHEMA = Set.of("id", "_id", "userid", "title", "body", "url", "ts", "location", "keywords", "version");

    /** A new item: version 1. */
    public Item(long id, long userid, String title, String body, String url, long ts, JsonElement location,
                List<String> keywords, JsonObject extras) {
        this(id, userid, title, body, url, ts, location, keywords, extras, 1);
    }

    public Item {
        if (id <= 0) throw new IllegalArgumentException("item id must be positive: " + id);
        if (userid <= 0) throw new IllegalArgumentException("userid must be positive: " + userid);
        if (title == null) throw new IllegalArgumentException("title is required");
        if (version < 1) throw new IllegalArgumentException("version must be positive: " + version);
        if (body == null) body = "";
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        extras = extras == null ? new JsonObject() : extras.deepCopy();
        location = location == null || location.isJsonNull() ? null : location.deepCopy();
    }

    /** A new item from validated user input; {@code now} is used when the user gave no ts. */
    public static Item of(long id, long userid, long now, ItemInput in) {
        return new Item(id, userid, in.title(), in.body(), in.url(), in.ts() != null ? in.ts() : now, in.location(),
                in.keywords(), in.extras());
    }

    /**
     * This item with a merge patch applied and the version bumped, validated exactly like a create ({@link
     * UserInput#item}); the server's fields (id, userid, version) cannot be patched, and a removed ts keeps the old one.
     */
    public Item edited(JsonObject patch) {
        JsonObject current = toJson();
        current.remove("id");
        current.remove("userid");
        current.remove("version");
        UserInput.checkKeys(patch);
        for (String f : List.of("id", "userid", "version")) {
            if (patch.has(f)) throw new InputException(f, "is assigned by the server");
        }
        ItemInput in = UserInput.item(MergePatch.apply(current, patch).getAsJsonObject());
        return new Item(id, userid, in.title(), in.body(), in.url(), in.ts() != null ? in.ts() : ts, in.location(),
                in.keywords(), in.extras(), version + 1);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("id", Long.toString(id));
        o.addProperty("title", title);
        o.addProperty("body", body);
        if (url != null) o.addProperty("url", url);
        o.addProperty("ts", ts);
        if (location != null) o.add("location", location.deepCopy());
        JsonArray k = new JsonArray(keywords.size());
        keywords.forEach(k::add);
        o.add("keywords", k);
        o.addProperty("userid", Long.toString(userid));
        o.addProperty("version", version);
        for (Map.Entry<String, JsonElement> e : extras.entrySet()) {
            if (!SCHEMA.contains(e.getKey())) o.add(e.getKey(), e.getValue().deepCopy());
        }
        return o;
    }

    /**
     * {@link #toJson()} as text, written directly: the same text as {@code toJson().toString()} without the tree. The
     * store writes each item it takes in twice (its cache, store_notify), so this is on the ingest path.
     */
    public String toJsonText() {
        StringBuilder b = new StringBuilder(112 + title.length() + body.length());
        b.append("{\"id\":\"").append(id).append("\",\"title\":");
        quote(b, title);
        b.append(",\"body\":");
        quote(b, body);
        if (url != null) {
            b.append(",\"url\":");
            quote(b, url);
        }
        b.append(",\"ts\":").append(ts);
        if (location != null) b.append(",\"location\":").append(location);
        b.append(",\"keywords\":[");
        for (int i = 0; i < keywords.size(); i++) {
            if (i > 0) b.append(',');
            quote(b, keywords.get(i));
        }
        b.append("],\"userid\":\"").append(userid).append("\",\"version\":").append(version);
        for (Map.Entry<String, JsonElement> e : extras.entrySet()) {
            if (SCHEMA.contains(e.getKey())) continue;
            b.append(',');
            quote(b, e.getKey());
            b.append(':').append(e.getValue());
        }
        return b.append('}').toString();
    }

    /** A JSON string as Gson writes it without HTML escaping (so the text matches {@code JsonElement.toString()}). */
    private static void quote(StringBuilder b, String s) {
        b.append('"');
        int from = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029') continue;
            String esc = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\b' -> "\\b";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\f' -> "\\f";
                default -> String.format("\\u%04x", (int) c);
            };
            b.append(s, from, i).append(esc);
            from = i + 1;
        }
        b.append(s, from, s.length()).append('"');
    }

    /**
     * Reads the JSON form back (e.g. from a bus message). Checked like user input, since a message may carry what a
     * user sent, plus the server-assigned id and userid.
     */
    public static Item fromJson(JsonObject o) {
        long id = UserInput.id(o, "id");
        long userid = UserInput.id(o, "userid");
        long version = o.has("version") ? o.get("version").getAsLong() : 1;
        ItemInput in = UserInput.item(o, true);
        if (in.ts() == null) throw new InputException("ts", "required, a positive integer");
        return new Item(id, userid, in.title(), in.body(), in.url(), in.ts(), in.location(), in.keywords(), in.extras(), version);
    }
}
