package io.gorgon.bus.impl;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import com.google.gson.JsonObject;
import io.gorgon.bus.BusException;
import io.gorgon.bus.Failure;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The wire formats, and the only place they are written or read: envelopes (strictly: anything a consumer cannot
 * trust is a {@link Malformed} with a reason) and replies ({@code {"corr", "ok": true, "body"}} or
 * {@code {"corr", "ok": false, "failure", "code", "text"}}) and control commands ({@code {"command", "body", "at"}}).
 */
final class EnvelopeCodec {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private EnvelopeCodec() {}

    /**
     * Written field by field with a {@link JsonWriter}: no intermediate JsonObject tree (its LinkedTreeMap inserts were
     * a large share of the CPU per message in {@code scripts/bench bus}).
     */
    static String encode(Envelope e) {
        StringWriter out = new StringWriter(192);
        try {
            JsonWriter w = new JsonWriter(out);
            w.setSerializeNulls(true);
            w.beginObject();
            w.name("v").value(e.v());
            w.name("id").value(e.id());
            w.name("type").value(e.type());
            w.name("queue").value(e.queue());
            w.name("ts").value(e.ts());
            if (e.tsMicros() != 0) w.name("tu").value(e.tsMicros());
            if (e.replyTo() != null) w.name("replyTo").value(e.replyTo());
            if (e.corr() != null) w.name("corr").value(e.corr());
            if (e.deadline() != 0) w.name("deadline").value(e.deadline());
            if (!e.headers().isEmpty()) {
                w.name("headers").beginObject();
                for (var h : e.headers().entrySet()) w.name(h.getKey()).value(h.getValue());
                w.endObject();
            }
            w.name("body");
            if (e.body() == null) w.nullValue();
            else if (e.body().raw() != null) w.jsonValue(e.body().raw()); // forwarded as it arrived, never re-serialised
            else GSON.toJson(e.body().json(), w);
            w.endObject();
            w.flush();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Marks a field present with a JSON type its check rejects (reported in the same order as the checks). */
    private static final Object WRONG_TYPE = new Object();

    /** An envelope: as {@link #encode} writes it, read by {@link #decodePlain}; any other, by {@link #decodeChecked}. */
    static Envelope decode(String json) throws Malformed {
        Envelope plain = json == null ? null : decodePlain(json);
        return plain != null ? plain : decodeChecked(json);
    }

    /**
     * The envelope as {@link #encode} writes it, read in one pass of {@link JsonSpans} (strict JSON, which checks the
     * body too) with no JsonReader: every field present and of its type, strings without escapes, whole numbers.
     * Null for anything else, which {@link #decodeChecked} then reads or refuses with its reason. A large body used
     * to be walked twice here (a JsonReader's skip, then the span), by every consumer of it.
     */
    static Envelope decodePlain(String json) {
        Map<String, String> f = JsonSpans.fields(json);
        if (f == null) return null;
        Long v = whole(f.get("v")), ts = whole(f.get("ts"));
        String id = plainString(f.get("id")), type = plainString(f.get("type")), queue = plainString(f.get("queue"));
        String body = f.get("body");
        if (v == null || v != Envelope.VERSION || ts == null || id == null || type == null || queue == null || body == null) return null;
        String replyTo = null, corr = null;
        long deadline = 0;
        if (f.containsKey("replyTo") && (replyTo = plainString(f.get("replyTo"))) == null) return null;
        if (f.containsKey("corr") && (corr = plainString(f.get("corr"))) == null) return null;
        if (f.containsKey("deadline")) {
            Long d = whole(f.get("deadline"));
            if (d == null) return null;
            deadline = d;
        }
        Map<String, String> headers = new HashMap<>();
        String h = f.get("headers");
        if (h != null && !h.equals("null")) {
            Map<String, String> raw = JsonSpans.fields(h);
            if (raw == null) return null;
            for (Map.Entry<String, String> e : raw.entrySet()) {
                String value = e.getValue();
                char c = value.charAt(0);
                // As the checked reader takes them: strings, numbers as written, booleans as their text.
                if (c == '"') value = plainString(value);
                else if (!(c == '-' || (c >= '0' && c <= '9') || value.equals("true") || value.equals("false"))) return null;
                if (value == null) return null;
                headers.put(e.getKey(), value);
            }
        }
        return new Envelope(Envelope.VERSION, id, type, queue, ts, replyTo, corr, deadline, headers, Body.ofRaw(body),
                tsMicros(whole(f.get("tu"))));
    }

    /** A JSON string's text with no escape in it, or null. */
    private static String plainString(String raw) {
        if (raw == null || raw.length() < 2 || raw.charAt(0) != '"' || raw.indexOf('\\') >= 0) return null;
        return raw.substring(1, raw.length() - 1);
    }

    /** A JSON whole number that fits a long, or null. */
    private static Long whole(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 18) return null;
        for (int i = raw.charAt(0) == '-' ? 1 : 0; i < raw.length(); i++) if (raw.charAt(i) < '0' || raw.charAt(i) > '9') return null;
        return raw.equals("-") ? null : Long.parseLong(raw);
    }

    /**
     * The checked reader: any envelope a lenient {@link JsonReader} reads; only the body becomes a JSON tree. Checks
     * run in a fixed order once the whole object is read, so a broken envelope always gets the same reason.
     */
    static Envelope decodeChecked(String json) throws Malformed {
        if (json == null) throw new Malformed("no envelope field");
        if (json.isBlank()) throw new Malformed("envelope is not a JSON object");
        Object v = null, id = null, type = null, queue = null, ts = null, replyTo = null, corr = null, deadline = null;
        Long tu = null;
        boolean hasDeadline = false;
        Map<String, String> headers = new HashMap<>();
        String badHeader = null;
        boolean headersNotObject = false;
        boolean hasBody = false;
        try {
            JsonReader r = new JsonReader(new StringReader(json));
            r.setStrictness(Strictness.LENIENT); // as JsonParser.parseString reads
            if (r.peek() != JsonToken.BEGIN_OBJECT) throw new Malformed("envelope is not a JSON object");
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                switch (name) {
                    case "v" -> v = number(r);
                    case "id" -> id = string(r);
                    case "type" -> type = string(r);
                    case "queue" -> queue = string(r);
                    case "ts" -> ts = number(r);
                    case "tu" -> tu = micros(r);
                    case "replyTo" -> replyTo = string(r);
                    case "corr" -> corr = string(r);
                    case "deadline" -> {
                        hasDeadline = true;
                        deadline = number(r);
                    }
                    case "headers" -> {
                        headers.clear();
                        badHeader = null;
                        headersNotObject = false;
                        JsonToken t = r.peek();
                        if (t == JsonToken.NULL) {
                            r.nextNull();
                        } else if (t != JsonToken.BEGIN_OBJECT) {
                            headersNotObject = true;
                            r.skipValue();
                        } else {
                            r.beginObject();
                            while (r.hasNext()) {
                                String h = r.nextName();
                                switch (r.peek()) {
                                    case STRING, NUMBER -> headers.put(h, r.nextString());
                                    case BOOLEAN -> headers.put(h, String.valueOf(r.nextBoolean()));
                                    default -> {
                                        if (badHeader == null) badHeader = h;
                                        r.skipValue();
                                    }
                                }
                            }
                            r.endObject();
                        }
                    }
                    case "body" -> {
                        hasBody = true;
                        r.skipValue(); // checked to be well-formed; the tree is built only if a handler reads it
                    }
                    default -> r.skipValue();
                }
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) throw new Malformed("bad JSON: trailing data after the envelope");
        } catch (IOException | RuntimeException e) {
            throw new Malformed("bad JSON: " + oneLine(e.getMessage()));
        }
        int version = (int) (long) (Long) required(v, "v", "a number");
        if (version != Envelope.VERSION) throw new Malformed("unknown envelope version " + version);
        String sid = (String) required(id, "id", "a string");
        String stype = (String) required(type, "type", "a string");
        String squeue = (String) required(queue, "queue", "a string");
        long lts = (Long) required(ts, "ts", "a number");
        String sreplyTo = (String) optional(replyTo, "replyTo", "a string");
        String scorr = (String) optional(corr, "corr", "a string");
        long ldeadline = !hasDeadline ? 0 : (Long) required(deadline, "deadline", "a number");
        if (headersNotObject) throw new Malformed("headers must be an object");
        if (badHeader != null) throw new Malformed("header " + badHeader + " must be a string");
        if (!hasBody) throw new Malformed("missing field body");
        return new Envelope(version, sid, stype, squeue, lts, sreplyTo, scorr, ldeadline, headers, body(json), tsMicros(tu));
    }

    /**
     * The body of an envelope already read as well-formed: its text, found by {@link JsonSpans}; if the envelope is
     * written in a form the scanner does not follow (lenient JSON such as unquoted names), parsed the slow way.
     */
    private static Body body(String json) {
        String raw = JsonSpans.field(json, "body");
        if (raw != null) return Body.ofRaw(raw);
        JsonReader r = new JsonReader(new StringReader(json));
        r.setStrictness(Strictness.LENIENT);
        JsonElement last = JsonNull.INSTANCE;
        try {
            r.beginObject();
            while (r.hasNext()) {
                if (r.nextName().equals("body")) last = JsonParser.parseReader(r);
                else r.skipValue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // read once already without failing
        }
        return Body.of(last);
    }

    /** A string value, null for JSON null, WRONG_TYPE for anything else. */
    private static Object string(JsonReader r) throws IOException {
        return value(r, JsonToken.STRING, JsonReader::nextString);
    }

    /** {@code tu} as either reader found it: 0 unless a whole number of 0-999 (a bad one never refuses a message). */
    private static int tsMicros(Long tu) {
        return tu != null && tu >= 0 && tu <= 999 ? (int) (long) tu : 0;
    }

    /** {@code tu} as a whole number, else null: a bad one only blurs a latency figure, it never refuses a message. */
    private static Long micros(JsonReader r) throws IOException {
        if (r.peek() != JsonToken.NUMBER) {
            r.skipValue();
            return null;
        }
        try {
            return Long.parseLong(r.nextString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A whole number, null for JSON null, WRONG_TYPE for anything else. */
    private static Object number(JsonReader r) throws IOException {
        return value(r, JsonToken.NUMBER, JsonReader::nextLong);
    }

    private interface Read {
        Object from(JsonReader r) throws IOException;
    }

    private static Object value(JsonReader r, JsonToken expected, Read read) throws IOException {
        JsonToken t = r.peek();
        if (t == expected) return read.from(r);
        if (t == JsonToken.NULL) {
            r.nextNull();
            return null;
        }
        r.skipValue();
        return WRONG_TYPE;
    }

    private static Object required(Object value, String field, String kind) throws Malformed {
        if (value == null) throw new Malformed("missing field " + field);
        return optional(value, field, kind);
    }

    private static Object optional(Object value, String field, String kind) throws Malformed {
        if (value == WRONG_TYPE) throw new Malformed("field " + field + " must be " + kind);
        return value;
    }

    /** A successful reply to the request with correlation id {@code corr}. */
    static String okReply(String corr, JsonElement body) {
        return okReplyJson(corr, GSON.toJson(body == null ? JsonNull.INSTANCE : body));
    }

    private static final String OK_BODY = "\",\"ok\":true,\"body\":";

    /**
     * A successful reply whose body is JSON text, written as it is (never parsed here): corr and ok come first, so
     * {@link #decodeReply} finds the body without reading it.
     */
    static String okReplyJson(String corr, String bodyJson) {
        return "{\"corr\":" + GSON.toJson(corr) + ",\"ok\":true,\"body\":" + bodyJson + "}";
    }

    /** A failed reply: the requester's future fails with a BusException of this failure, code and text. */
    static String failureReply(String corr, Failure failure, int code, String text) {
        JsonObject o = new JsonObject();
        o.addProperty("corr", corr);
        o.addProperty("ok", false);
        o.addProperty("failure", failure.name());
        o.addProperty("code", code);
        o.addProperty("text", text);
        return GSON.toJson(o);
    }

    /** A decoded reply: its correlation id and either a body (JSON text, as received) or the failure to raise. */
    record Reply(String corr, String bodyJson, BusException failure) {
        JsonElement body() {
            return bodyJson == null ? null : JsonParser.parseString(bodyJson);
        }
    }

    /**
     * Reads a reply; a failure name from a newer peer reads as HANDLER_FAILED. An ok reply as {@link #okReplyJson}
     * writes it is not parsed: its body is the text between the header and the closing brace.
     */
    static Reply decodeReply(String json) throws Malformed {
        if (json != null && json.startsWith("{\"corr\":\"") && json.endsWith("}")) {
            int close = json.indexOf('"', 9);
            if (close > 0 && json.lastIndexOf('\\', close) < 9 && json.startsWith(OK_BODY, close)) {
                int from = close + OK_BODY.length();
                if (from < json.length() - 1) return new Reply(json.substring(9, close), json.substring(from, json.length() - 1), null);
            }
        }
        try {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            String corr = o.has("corr") && !o.get("corr").isJsonNull() ? o.get("corr").getAsString() : null;
            if (o.has("ok") && o.get("ok").getAsBoolean()) return new Reply(corr, GSON.toJson(o.get("body")), null);
            Failure failure = Failure.HANDLER_FAILED;
            try {
                failure = Failure.valueOf(o.get("failure").getAsString());
            } catch (RuntimeException ignored) {
                // unknown or missing: HANDLER_FAILED
            }
            int code = o.has("code") ? o.get("code").getAsInt() : 500;
            String text = o.has("text") && !o.get("text").isJsonNull() ? o.get("text").getAsString() : "";
            return new Reply(corr, null, new BusException(failure, code, text));
        } catch (RuntimeException e) {
            throw new Malformed("bad reply: " + oneLine(e.getMessage()));
        }
    }

    /** A control command broadcast to every instance. */
    record Control(String command, JsonElement body) {}

    static String encodeControl(String command, Object body, long at) {
        JsonObject o = new JsonObject();
        o.addProperty("command", command);
        o.add("body", GSON.toJsonTree(body));
        o.addProperty("at", at);
        return GSON.toJson(o);
    }

    static Control decodeControl(String json) throws Malformed {
        try {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            String command = o.has("command") && !o.get("command").isJsonNull() ? o.get("command").getAsString() : "";
            return new Control(command, o.get("body"));
        } catch (RuntimeException e) {
            throw new Malformed("bad control command: " + oneLine(e.getMessage()));
        }
    }

    static String oneLine(String s) {
        if (s == null) return "";
        String t = s.replaceAll("\\s+", " ");
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    /** An envelope that cannot be processed; it is dead-lettered with {@link #getMessage()} as the reason. */
    static final class Malformed extends Exception {
        Malformed(String reason) {
            super("malformed envelope: " + reason, null, false, false);
        }
    }
}
