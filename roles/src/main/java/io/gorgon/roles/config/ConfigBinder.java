package io.gorgon.roles.config;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Config records ↔ JSON with Gson. Gson converts leniently ({@code "80"} to 80, {@code "yes"} to false), so
 * {@link #bind} first checks every value against the Java type of its record component and names the key.
 */
final class ConfigBinder {
    private static final Gson GSON = new Gson();

    private ConfigBinder() {}

    static JsonObject tree(GorgonConfig config) {
        return GSON.toJsonTree(config).getAsJsonObject();
    }

    /**
     * Checks each value's JSON type against its component. Whole numbers beyond the Java type pass here so that
     * the key's range rule, which names the range users may set, reports them.
     *
     * @param tree a document with every key present (the loader overlays it on the defaults)
     */
    static void checkTypes(JsonObject tree) {
        check(tree, GorgonConfig.class, "", false);
    }

    /** Binds a checked tree; a whole number still beyond its Java type (a key without a range rule) fails here. */
    static GorgonConfig bind(JsonObject tree) {
        check(tree, GorgonConfig.class, "", true);
        return GSON.fromJson(tree, GorgonConfig.class);
    }

    private static void check(JsonElement e, Type type, String path, boolean javaRange) {
        Class<?> raw = (Class<?>) (type instanceof ParameterizedType p ? p.getRawType() : type);
        if (raw.isRecord() || Map.class.isAssignableFrom(raw)) {
            if (e == null || !e.isJsonObject()) throw ConfigException.invalid(path, "must be an object", e);
            JsonObject o = e.getAsJsonObject();
            if (raw.isRecord()) {
                for (RecordComponent c : raw.getRecordComponents()) {
                    // @SerializedName targets fields and methods, so Java puts it on the accessor, not the component.
                    SerializedName name = c.getAccessor().getAnnotation(SerializedName.class);
                    String key = name == null ? c.getName() : name.value();
                    check(o.get(key), c.getGenericType(), path.isEmpty() ? key : path + "." + key, javaRange);
                }
            } else {
                Type values = ((ParameterizedType) type).getActualTypeArguments()[1];
                o.entrySet().forEach(entry -> check(entry.getValue(), values, path + "." + entry.getKey(), javaRange));
            }
        } else if (raw == List.class) { // of strings: the only list a config holds
            if (e == null || !e.isJsonArray() || !e.getAsJsonArray().asList().stream().allMatch(ConfigBinder::isString)) {
                throw ConfigException.invalid(path, "must be a list of strings", e);
            }
        } else if (raw == String.class) {
            if (!isString(e)) throw ConfigException.invalid(path, "must be a string", e);
        } else if (raw == boolean.class || raw == Boolean.class) {
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw ConfigException.invalid(path, "must be true or false", e);
            }
        } else if (raw == double.class || raw == Double.class) {
            number(e, path, "must be a number");
        } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            BigDecimal n = number(e, path, "must be an integer");
            if (n.stripTrailingZeros().scale() > 0) throw ConfigException.invalid(path, "must be an integer", e);
            boolean isInt = raw == int.class || raw == Integer.class;
            long min = isInt ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long max = isInt ? Integer.MAX_VALUE : Long.MAX_VALUE;
            if (javaRange && (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0)) {
                throw ConfigException.invalid(path, "must be " + min + ".." + max, e);
            }
        } else {
            throw new IllegalStateException(path + ": config records support records, maps, lists of strings, "
                    + "String, boolean, int, long and double, not " + type);
        }
    }

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static BigDecimal number(JsonElement e, String path, String expectation) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw ConfigException.invalid(path, expectation, e);
        }
        try {
            return e.getAsBigDecimal();
        } catch (NumberFormatException nan) {
            throw ConfigException.invalid(path, expectation, e);
        }
    }
}
