package io.gorgon.roles.notify;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import redis.clients.jedis.StreamEntryID;

/**
 * A frame from a client: {@code {"op":"subscribe","users":["12","34"],"lastEventId":"1700000000000-0"}} (lastEventId
 * optional) or {@code {"op":"unsubscribe","users":["12"]}}. {@link #parse} throws {@link IllegalArgumentException}
 * with a message meant for the client.
 */
record ClientFrame(String op, List<Long> users, StreamEntryID lastEventId) {
    static final String SUBSCRIBE = "subscribe";
    static final String UNSUBSCRIBE = "unsubscribe";
    private static final Pattern USER_ID = Pattern.compile("[1-9][0-9]{0,18}");
    private static final Pattern EVENT_ID = Pattern.compile("[0-9]{1,19}-[0-9]{1,19}");

    static ClientFrame parse(String text) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) throw new IllegalArgumentException("a frame must be a JSON object");
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("a frame must be a JSON object");
        }
        String op = string(o, "op");
        if (!SUBSCRIBE.equals(op) && !UNSUBSCRIBE.equals(op)) {
            throw new IllegalArgumentException("op must be \"subscribe\" or \"unsubscribe\"");
        }
        List<Long> users = users(o.get("users"));
        StreamEntryID last = null;
        if (SUBSCRIBE.equals(op) && o.has("lastEventId") && !o.get("lastEventId").isJsonNull()) {
            last = eventId(string(o, "lastEventId"));
        }
        return new ClientFrame(op, users, last);
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) return null;
        return e.getAsString();
    }

    private static List<Long> users(JsonElement e) {
        String msg = "users must be a non-empty array of user ids (decimal strings), at most " + Session.MAX_USERS;
        if (e == null || !e.isJsonArray()) throw new IllegalArgumentException(msg);
        JsonArray a = e.getAsJsonArray();
        if (a.isEmpty() || a.size() > Session.MAX_USERS) throw new IllegalArgumentException(msg);
        Set<Long> out = new LinkedHashSet<>();
        for (JsonElement u : a) {
            String s = u.isJsonPrimitive() && u.getAsJsonPrimitive().isString() ? u.getAsString() : null;
            if (s == null || !USER_ID.matcher(s).matches()) throw new IllegalArgumentException(msg);
            try {
                out.add(Long.parseLong(s));
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException(msg);
            }
        }
        return new ArrayList<>(out);
    }

    private static StreamEntryID eventId(String s) {
        String msg = "lastEventId must be the id of an event received, like \"1700000000000-0\"";
        if (s == null || !EVENT_ID.matcher(s).matches()) throw new IllegalArgumentException(msg);
        try {
            return new StreamEntryID(s);
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException(msg);
        }
    }
}
