package io.gorgon.roles.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Converts user JSON (already key-checked by UserInput) to BSON values and back, keeping integers integral. */
final class BsonJson {
    private BsonJson() {}

    static Object toBson(JsonElement e) {
        if (e == null || e.isJsonNull()) return null;
        if (e.isJsonObject()) {
            Document d = new Document();
            for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) d.append(m.getKey(), toBson(m.getValue()));
            return d;
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>(e.getAsJsonArray().size());
            for (JsonElement x : e.getAsJsonArray()) l.add(toBson(x));
            return l;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) return p.getAsBoolean();
        if (p.isString()) return p.getAsString();
        BigDecimal d = p.getAsBigDecimal();
        try {
            return d.longValueExact();
        } catch (ArithmeticException notALong) {
            return d.doubleValue();
        }
    }

    static JsonElement toJson(Object v) {
        if (v == null) return JsonNull.INSTANCE;
        if (v instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            for (Map.Entry<?, ?> x : m.entrySet()) o.add(String.valueOf(x.getKey()), toJson(x.getValue()));
            return o;
        }
        if (v instanceof List<?> l) {
            JsonArray a = new JsonArray(l.size());
            for (Object x : l) a.add(toJson(x));
            return a;
        }
        if (v instanceof String s) return new JsonPrimitive(s);
        if (v instanceof Boolean b) return new JsonPrimitive(b);
        if (v instanceof Integer || v instanceof Long) return new JsonPrimitive(((Number) v).longValue());
        if (v instanceof Decimal128 d) return new JsonPrimitive(d.bigDecimalValue());
        if (v instanceof Number n) return new JsonPrimitive(n.doubleValue());
        if (v instanceof Date d) return new JsonPrimitive(d.getTime());
        if (v instanceof ObjectId id) return new JsonPrimitive(id.toHexString());
        return new JsonPrimitive(v.toString());
    }
}
