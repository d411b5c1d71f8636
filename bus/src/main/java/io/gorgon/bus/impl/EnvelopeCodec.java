package io.gorgon.bus.impl;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Envelope;
import java.util.HashMap;
import java.util.Map;

/** Envelope ⇄ JSON, strictly: anything a consumer cannot trust is a {@link Malformed} with a reason. */
public final class EnvelopeCodec {
    public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private EnvelopeCodec() {}

    public static String encode(Envelope e) {
        JsonObject o = new JsonObject();
        o.addProperty("v", e.v());
        o.addProperty("id", e.id());
        o.addProperty("type", e.type());
        o.addProperty("queue", e.queue());
        o.addProperty("ts", e.ts());
        if (e.replyTo() != null) o.addProperty("replyTo", e.replyTo());
        if (e.corr() != null) o.addProperty("corr", e.corr());
        if (e.deadline() != 0) o.addProperty("deadline", e.deadline());
        if (!e.headers().isEmpty()) o.add("headers", GSON.toJsonTree(e.headers()));
        o.add("body", e.body() == null ? com.google.gson.JsonNull.INSTANCE : e.body());
        return GSON.toJson(o);
    }

    public static Envelope decode(String json) throws Malformed {
        if (json == null) throw new Malformed("no envelope field");
        JsonElement el;
        try {
            el = JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw new Malformed("bad JSON: " + oneLine(e.getMessage()));
        }
        if (!el.isJsonObject()) throw new Malformed("envelope is not a JSON object");
        JsonObject o = el.getAsJsonObject();
        int v = (int) requiredLong(o, "v");
        if (v != Envelope.VERSION) throw new Malformed("unknown envelope version " + v);
        String id = requiredString(o, "id");
        String type = requiredString(o, "type");
        String queue = requiredString(o, "queue");
        long ts = requiredLong(o, "ts");
        String replyTo = optionalString(o, "replyTo");
        String corr = optionalString(o, "corr");
        long deadline = o.has("deadline") ? requiredLong(o, "deadline") : 0;
        Map<String, String> headers = new HashMap<>();
        if (o.has("headers") && !o.get("headers").isJsonNull()) {
            if (!o.get("headers").isJsonObject()) throw new Malformed("headers must be an object");
            for (var h : o.getAsJsonObject("headers").entrySet()) {
                if (!h.getValue().isJsonPrimitive()) throw new Malformed("header " + h.getKey() + " must be a string");
                headers.put(h.getKey(), h.getValue().getAsString());
            }
        }
        if (!o.has("body")) throw new Malformed("missing field body");
        return new Envelope(v, id, type, queue, ts, replyTo, corr, deadline, headers, o.get("body"));
    }

    private static String requiredString(JsonObject o, String f) throws Malformed {
        JsonElement e = o.get(f);
        if (e == null || e.isJsonNull()) throw new Malformed("missing field " + f);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new Malformed("field " + f + " must be a string");
        return e.getAsString();
    }

    private static String optionalString(JsonObject o, String f) throws Malformed {
        JsonElement e = o.get(f);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new Malformed("field " + f + " must be a string");
        return e.getAsString();
    }

    private static long requiredLong(JsonObject o, String f) throws Malformed {
        JsonElement e = o.get(f);
        if (e == null || e.isJsonNull()) throw new Malformed("missing field " + f);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new Malformed("field " + f + " must be a number");
        return e.getAsLong();
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String t = s.replaceAll("\\s+", " ");
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    /** An envelope that cannot be processed; it is dead-lettered with {@link #getMessage()} as the reason. */
    public static final class Malformed extends Exception {
        public Malformed(String reason) {
            super("malformed envelope: " + reason, null, false, false);
        }
    }
}
