package io.gorgon.roles.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration of one Gorgon process: immutable, validated, every key present.
 *
 * <p>Build it with {@link ConfigLoader#load} (file, environment, {@code --set}) or {@link #defaults()}; derive a
 * variant with {@link #with}. {@link #toJson()} is the effective document the supervisor stores in Redis, and
 * {@link #parse(String)} reads such a document back with the same validation.
 *
 * <p>Accessors follow the JSON keys ({@code config.web().port()}) except {@code notify}, whose accessor is
 * {@link #notifier()} because a record cannot override {@link Object#notify()}.
 */
public record GorgonConfig(
        String namespace,
        Redis redis,
        Mongo mongo,
        Bus bus,
        Map<String, Integer> instances,
        Web web,
        Auth auth,
        Store store,
        Provider provider,
        Notify notifier,
        Stats stats,
        Logs logs,
        App app) {

    /** The role names in start order: {@link io.gorgon.roles.Roles} is the one list. */
    public static final List<String> ROLES = io.gorgon.roles.Roles.NAMES;

    public record Redis(String uri, boolean embedded, String dir, String appendFsync) {}

    public record Mongo(String uri, String database, boolean embedded, String dir) {}

    public record Bus(long takeoverAfterMs, int maxDeliveries, long requestTimeoutMs, long heartbeatMs, int concurrency) {}

    public record Web(int port, int maxBodyBytes) {}

    public record Auth(int pbkdf2Iterations, long tokenTtlSeconds, int loginAttemptsPerMinute) {}

    public record Store(int recentCacheSize) {}

    /**
     * @param limit  stop after this many items (0 = run until stopped)
     * @param ackLog file to append each acknowledged item id to ("" = none), for loss checks
     */
    public record Provider(double ratePerSecond, int users, List<String> plugins, long limit, String ackLog) {}

    public record Notify(int port, long retentionSeconds) {}

    public record Stats(int port) {}

    public record Logs(String dir, String level) {}

    /** @param routes which queue each request type goes to (the POA seed's "receivers mapped by type") */
    public record App(Map<String, String> routes) {
        public App {
            routes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        }
    }

    public GorgonConfig {
        instances = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(instances));
    }

    /** The built-in defaults (the same document as config/local.json), without environment overrides. */
    public static GorgonConfig defaults() {
        return ConfigLoader.load(null, List.of(), Map.of());
    }

    /** Reads an effective document (e.g. from Redis {@code <namespace>:config}); throws {@link ConfigException}. */
    public static GorgonConfig parse(String json) {
        return ConfigLoader.fromJson(json, "config document");
    }

    /** This config with {@code key.path=value} assignments applied, validated like {@code --set}. */
    public GorgonConfig with(String... assignments) {
        return ConfigLoader.withAssignments(this, List.of(assignments));
    }

    /** How many instances of {@code role} the supervisor keeps running (0 for an unknown role). */
    public int instances(String role) {
        return instances.getOrDefault(role, 0);
    }

    /** The TCP port a role listens on, or -1 for roles without one (web, stats, notify have one). */
    public int portOf(String role) {
        return switch (role) {
            case "web" -> web.port;
            case "stats" -> stats.port;
            case "notify" -> notifier.port;
            default -> -1;
        };
    }

    public JsonObject toJsonTree() {
        JsonObject root = new JsonObject();
        root.addProperty("namespace", namespace);
        JsonObject r = new JsonObject();
        r.addProperty("uri", redis.uri);
        r.addProperty("embedded", redis.embedded);
        r.addProperty("dir", redis.dir);
        r.addProperty("appendFsync", redis.appendFsync);
        root.add("redis", r);
        JsonObject m = new JsonObject();
        m.addProperty("uri", mongo.uri);
        m.addProperty("database", mongo.database);
        m.addProperty("embedded", mongo.embedded);
        m.addProperty("dir", mongo.dir);
        root.add("mongo", m);
        JsonObject b = new JsonObject();
        b.addProperty("takeoverAfterMs", bus.takeoverAfterMs);
        b.addProperty("maxDeliveries", bus.maxDeliveries);
        b.addProperty("requestTimeoutMs", bus.requestTimeoutMs);
        b.addProperty("heartbeatMs", bus.heartbeatMs);
        b.addProperty("concurrency", bus.concurrency);
        root.add("bus", b);
        JsonObject i = new JsonObject();
        instances.forEach(i::addProperty);
        root.add("instances", i);
        JsonObject w = new JsonObject();
        w.addProperty("port", web.port);
        w.addProperty("maxBodyBytes", web.maxBodyBytes);
        root.add("web", w);
        JsonObject a = new JsonObject();
        a.addProperty("pbkdf2Iterations", auth.pbkdf2Iterations);
        a.addProperty("tokenTtlSeconds", auth.tokenTtlSeconds);
        a.addProperty("loginAttemptsPerMinute", auth.loginAttemptsPerMinute);
        root.add("auth", a);
        JsonObject s = new JsonObject();
        s.addProperty("recentCacheSize", store.recentCacheSize);
        root.add("store", s);
        JsonObject p = new JsonObject();
        p.addProperty("ratePerSecond", provider.ratePerSecond);
        p.addProperty("users", provider.users);
        JsonArray plugins = new JsonArray();
        provider.plugins.forEach(plugins::add);
        p.add("plugins", plugins);
        p.addProperty("limit", provider.limit);
        p.addProperty("ackLog", provider.ackLog);
        root.add("provider", p);
        JsonObject n = new JsonObject();
        n.addProperty("port", notifier.port);
        n.addProperty("retentionSeconds", notifier.retentionSeconds);
        root.add("notify", n);
        JsonObject st = new JsonObject();
        st.addProperty("port", stats.port);
        root.add("stats", st);
        JsonObject l = new JsonObject();
        l.addProperty("dir", logs.dir);
        l.addProperty("level", logs.level);
        root.add("logs", l);
        JsonObject ap = new JsonObject();
        JsonObject routes = new JsonObject();
        app.routes.forEach(routes::addProperty);
        ap.add("routes", routes);
        root.add("app", ap);
        return root;
    }

    /** The effective document, compact JSON; {@link #parse(String)} reads it back to an equal config. */
    public String toJson() {
        return toJsonTree().toString();
    }

    /** The effective document with any Redis or Mongo password replaced by {@code ***}, for logs and screens. */
    public String toRedactedJson() {
        JsonObject tree = toJsonTree();
        tree.getAsJsonObject("redis").addProperty("uri", redact(redis.uri));
        tree.getAsJsonObject("mongo").addProperty("uri", redact(mongo.uri));
        return tree.toString();
    }

    /** {@code scheme://user:secret@host} → {@code scheme://user:***@host} (a bare {@code secret@} becomes {@code ***@}). */
    public static String redact(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (scheme < 0 || at < scheme) return uri;
        String userInfo = uri.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String kept = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
        return uri.substring(0, scheme + 3) + kept + uri.substring(at);
    }
}
