package io.gorgon.roles.config;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a {@link GorgonConfig} from, in increasing precedence: the built-in defaults, a JSON file, the environment
 * and {@code --set key.path=value} assignments. Every problem is a {@link ConfigException} with one line naming the
 * key path.
 *
 * <p>Environment: {@code GORGON_REDIS_URI}, {@code GORGON_MONGO_URI}, {@code GORGON_NAMESPACE}, and generically
 * {@code GORGON_SET_<section>_<key>} (segments matched case-insensitively, e.g. {@code GORGON_SET_WEB_PORT=9000}).
 * Relative directories ({@code redis.dir}, {@code mongo.dir}, {@code logs.dir}) are resolved against
 * {@code $GORGON_HOME} when set (scripts/gorgon sets it to the checkout), else against the working directory.
 */
public final class ConfigLoader {
    /** The named environment overrides; anything else goes through {@code GORGON_SET_...}. */
    public static final Map<String, String> ENV_KEYS = Map.of(
            "GORGON_REDIS_URI", "redis.uri",
            "GORGON_MONGO_URI", "mongo.uri",
            "GORGON_NAMESPACE", "namespace");
    static final String ENV_SET_PREFIX = "GORGON_SET_";
    private static final List<String> PATH_KEYS = List.of("redis.dir", "mongo.dir", "logs.dir");
    private static final Gson GSON = new Gson();

    private ConfigLoader() {}

    /**
     * @param file        the JSON file, or null for defaults only
     * @param assignments {@code key.path=value} strings, applied in order after the environment
     * @param env         the environment to read overrides from (pass {@code System.getenv()})
     */
    public static GorgonConfig load(Path file, List<String> assignments, Map<String, String> env) {
        JsonObject tree = defaultsTree();
        if (file != null) overlay(tree, readFile(file), "");
        new TreeMap<>(env).forEach((name, value) -> {
            if (ENV_KEYS.containsKey(name) && !value.isEmpty()) {
                assign(tree, ENV_KEYS.get(name), value);
            } else if (name.startsWith(ENV_SET_PREFIX) && name.length() > ENV_SET_PREFIX.length()) {
                assign(tree, envPath(tree, name), value);
            }
        });
        for (String a : assignments) assignment(tree, a);
        resolveDirs(tree, env.get("GORGON_HOME"));
        return build(tree);
    }

    static GorgonConfig fromJson(String json, String source) {
        JsonObject tree = defaultsTree();
        overlay(tree, parseObject(json, source), "");
        return build(tree);
    }

    static GorgonConfig withAssignments(GorgonConfig base, List<String> assignments) {
        JsonObject tree = base.toJsonTree();
        for (String a : assignments) assignment(tree, a);
        return build(tree);
    }

    /** Types (from the records), then the rules, then Gson binds. */
    private static GorgonConfig build(JsonObject tree) {
        ConfigBinder.checkTypes(tree);
        ConfigRules.check(tree);
        return ConfigRules.checkPorts(ConfigBinder.bind(tree));
    }

    /** The defaults' tree also defines which keys exist: the loader rejects any other. */
    static JsonObject defaultsTree() {
        return GorgonConfig.DEFAULTS.toJsonTree();
    }

    private static JsonObject readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parseObject(text, file.toString());
    }

    private static JsonObject parseObject(String text, String source) {
        JsonElement e;
        try {
            e = parseStrict(text);
        } catch (IOException | RuntimeException ex) {
            throw new ConfigException(source + ": invalid JSON: " + oneLine(ex.getMessage()));
        }
        if (!e.isJsonObject()) throw new ConfigException(source + ": must be a JSON object, got " + ConfigException.show(e));
        return e.getAsJsonObject();
    }

    /** Strict RFC 8259 JSON, and nothing after the value. */
    static JsonElement parseStrict(String text) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        JsonElement e = GSON.getAdapter(JsonElement.class).read(reader);
        if (reader.peek() != JsonToken.END_DOCUMENT) throw new IOException("unexpected text after the JSON value");
        return e;
    }

    /** Sections whose keys are free (a map), not fixed by the defaults' shape. */
    static final Set<String> OPEN_MAPS = Set.of("app.routes");

    /** Copies {@code over} onto {@code base}; every key must exist in {@code base} (the defaults' shape). */
    private static void overlay(JsonObject base, JsonObject over, String prefix) {
        for (Map.Entry<String, JsonElement> entry : over.entrySet()) {
            String key = entry.getKey();
            String path = prefix + key;
            JsonElement current = base.get(key);
            if (current == null && !prefix.isEmpty() && OPEN_MAPS.contains(prefix.substring(0, prefix.length() - 1))) {
                base.add(key, entry.getValue());
                continue;
            }
            if (current == null) throw unknownKey(base, prefix, key);
            if (current.isJsonObject()) {
                if (!entry.getValue().isJsonObject()) {
                    throw new ConfigException(path + ": must be an object, got " + ConfigException.show(entry.getValue()));
                }
                overlay(current.getAsJsonObject(), entry.getValue().getAsJsonObject(), path + ".");
            } else {
                base.add(key, entry.getValue());
            }
        }
    }

    private static void assignment(JsonObject tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new ConfigException("--set " + assignment + ": expected key.path=value, e.g. web.port=8090");
        assign(tree, assignment.substring(0, eq).trim(), assignment.substring(eq + 1));
    }

    /**
     * Sets one leaf. The value is taken as JSON when the key holds a number, boolean or list (so {@code 8090} is a
     * number and {@code ["a","b"]} a list), and as text when it holds a string (so a namespace may be {@code 123}).
     */
    private static void assign(JsonObject tree, String path, String raw) {
        String[] segments = path.split("\\.", -1);
        JsonObject node = tree;
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < segments.length - 1; i++) {
            JsonElement child = node.get(segments[i]);
            if (child == null || !child.isJsonObject()) {
                if (child == null) throw unknownKey(node, prefix.toString(), segments[i]);
                throw new ConfigException(prefix + segments[i] + ": is not a section, cannot set " + path);
            }
            prefix.append(segments[i]).append('.');
            node = child.getAsJsonObject();
        }
        String last = segments[segments.length - 1];
        JsonElement current = node.get(last);
        if (current == null) throw unknownKey(node, prefix.toString(), last);
        if (current.isJsonObject()) {
            throw new ConfigException(path + ": is a section; set one of its keys: "
                    + String.join(", ", current.getAsJsonObject().keySet()));
        }
        node.add(last, valueFor(current, raw));
    }

    private static JsonElement valueFor(JsonElement current, String raw) {
        boolean text = current.isJsonPrimitive() && current.getAsJsonPrimitive().isString();
        String trimmed = raw.trim();
        if (text && !trimmed.startsWith("\"")) return new JsonPrimitive(raw);
        try {
            return parseStrict(trimmed);
        } catch (IOException | RuntimeException notJson) {
            // Not JSON: keep it as text and let validation name the expected type.
            return new JsonPrimitive(raw);
        }
    }

    private static String envPath(JsonObject tree, String name) {
        String[] parts = name.substring(ENV_SET_PREFIX.length()).split("_");
        StringBuilder path = new StringBuilder();
        JsonElement node = tree;
        for (String part : parts) {
            String key = part;
            if (node != null && node.isJsonObject()) {
                for (String candidate : node.getAsJsonObject().keySet()) {
                    if (candidate.equalsIgnoreCase(part)) key = candidate;
                }
                node = node.getAsJsonObject().get(key);
            }
            if (!path.isEmpty()) path.append('.');
            path.append(key);
        }
        return path.toString();
    }

    private static void resolveDirs(JsonObject tree, String home) {
        Path base = home == null || home.isBlank() ? Path.of("").toAbsolutePath() : Path.of(home).toAbsolutePath();
        for (String p : PATH_KEYS) {
            String[] s = p.split("\\.");
            JsonObject section = tree.getAsJsonObject(s[0]);
            JsonElement v = section.get(s[1]);
            if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() && !v.getAsString().isBlank()) {
                section.addProperty(s[1], base.resolve(v.getAsString()).normalize().toString());
            }
        }
    }

    private static ConfigException unknownKey(JsonObject parent, String prefix, String key) {
        if (prefix.equals("instances.")) {
            return new ConfigException(prefix + key + ": unknown role; roles are " + String.join(", ", parent.keySet()));
        }
        String where = prefix.isEmpty() ? "" : " in " + prefix.substring(0, prefix.length() - 1);
        return new ConfigException(prefix + key + ": unknown key" + where + "; known keys: " + String.join(", ", parent.keySet()));
    }

    static String oneLine(String s) {
        if (s == null) return "(no detail)";
        String line = s.replaceAll("\\s*\\R\\s*", " ").trim();
        // Gson appends a link to its troubleshooting page; the position is what a user needs.
        int see = line.indexOf(" See https://");
        if (see > 0) line = line.substring(0, see);
        if (line.startsWith("com.google.gson.")) line = line.substring(line.indexOf(':') + 1).trim();
        return line;
    }
}
