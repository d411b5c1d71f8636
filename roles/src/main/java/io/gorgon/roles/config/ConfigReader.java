package io.gorgon.roles.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.mongodb.ConnectionString;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a merged config tree (defaults already filled in) into a validated {@link GorgonConfig}. */
final class ConfigReader {
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");
    static final int MAX_INSTANCES = 64;

    private final JsonObject root;

    private ConfigReader(JsonObject root) {
        this.root = root;
    }

    static GorgonConfig build(JsonObject tree) {
        return new ConfigReader(tree).build();
    }

    private GorgonConfig build() {
        String namespace = string("namespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw fail("namespace", "must be 1-64 letters, digits, '_', '-' or '.' (starting with a letter or digit)", namespace);
        }

        boolean redisEmbedded = bool("redis.embedded");
        String redisUri = string("redis.uri");
        URI ru = redisUri(redisUri, redisEmbedded);
        var redis = new GorgonConfig.Redis(redisUri, redisEmbedded, nonEmpty("redis.dir"),
                oneOf("redis.appendFsync", List.of("always", "everysec", "no"), false));

        boolean mongoEmbedded = bool("mongo.embedded");
        String mongoUri = string("mongo.uri");
        int mongoPort = mongoUri(mongoUri, mongoEmbedded);
        String database = string("mongo.database");
        if (!DATABASE.matcher(database).matches()) {
            throw fail("mongo.database", "must be 1-63 letters, digits, '_' or '-'", database);
        }
        var mongo = new GorgonConfig.Mongo(mongoUri, database, mongoEmbedded, nonEmpty("mongo.dir"));

        var bus = new GorgonConfig.Bus(
                integer("bus.takeoverAfterMs", 1, 86_400_000L),
                (int) integer("bus.maxDeliveries", 1, 1000),
                integer("bus.requestTimeoutMs", 1, 3_600_000L),
                integer("bus.heartbeatMs", 1, 600_000L),
                (int) integer("bus.concurrency", 1, 10_000));

        Map<String, Integer> instances = new LinkedHashMap<>();
        for (String role : GorgonConfig.ROLES) {
            instances.put(role, (int) integer("instances." + role, 0, MAX_INSTANCES));
        }

        var web = new GorgonConfig.Web(port("web.port"), (int) integer("web.maxBodyBytes", 1, 256L << 20));
        var auth = new GorgonConfig.Auth(
                (int) integer("auth.pbkdf2Iterations", 1, 10_000_000),
                integer("auth.tokenTtlSeconds", 1, 366L * 86_400),
                (int) integer("auth.loginAttemptsPerMinute", 1, 1_000_000));
        var store = new GorgonConfig.Store((int) integer("store.recentCacheSize", 0, 1_000_000));
        var provider = new GorgonConfig.Provider(
                number("provider.ratePerSecond", 0, 10_000_000),
                (int) integer("provider.users", 0, 100_000_000),
                strings("provider.plugins"),
                integer("provider.limit", 0, Long.MAX_VALUE),
                string("provider.ackLog"),
                new GorgonConfig.Feeds(bool("provider.feeds.allowPrivate"),
                        integer("provider.feeds.minIntervalMs", 100, 86_400_000),
                        integer("provider.feeds.maxIntervalMs", 100, 7 * 86_400_000L),
                        integer("provider.feeds.maxBackoffMs", 100, 7 * 86_400_000L),
                        integer("provider.feeds.timeoutMs", 100, 120_000),
                        (int) integer("provider.feeds.maxBytes", 1024, 64 << 20),
                        (int) integer("provider.feeds.maxRedirects", 0, 10),
                        (int) integer("provider.feeds.maxEntries", 1, 10_000),
                        (int) integer("provider.feeds.pollers", 1, 4096),
                        integer("provider.feeds.leaseMs", 200, 600_000)),
                new GorgonConfig.Webhooks(integer("provider.webhooks.timeoutMs", 100, 120_000),
                        (int) integer("provider.webhooks.maxDeliveries", 1, 100),
                        integer("provider.webhooks.retryBaseMs", 10, 3_600_000),
                        (int) integer("provider.webhooks.concurrency", 1, 4096),
                        bool("provider.webhooks.allowPrivate")));
        var notify = new GorgonConfig.Notify(port("notify.port"), integer("notify.retentionSeconds", 1, 30L * 86_400));
        var stats = new GorgonConfig.Stats(port("stats.port"));
        var logs = new GorgonConfig.Logs(nonEmpty("logs.dir"),
                oneOf("logs.level", List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR"), true));

        // Roles and embedded servers on one host must not fight over a port.
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (redisEmbedded) ports.put("redis.uri", ru.getPort() < 0 ? 6379 : ru.getPort());
        if (mongoEmbedded) ports.put("mongo.uri", mongoPort);
        ports.put("web.port", web.port());
        ports.put("stats.port", stats.port());
        ports.put("notify.port", notify.port());
        Map<Integer, String> seen = new LinkedHashMap<>();
        ports.forEach((key, port) -> {
            if (port == 0) return;
            String other = seen.putIfAbsent(port, key);
            if (other != null) throw new ConfigException(key + ": port " + port + " is already used by " + other);
        });

        var app = new GorgonConfig.App(routes("app.routes"));
        return new GorgonConfig(namespace, redis, mongo, bus, instances, web, auth, store, provider, notify, stats, logs, app);
    }

    private URI redisUri(String value, boolean embedded) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw fail("redis.uri", "not a URI (" + e.getReason() + ")", value);
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw fail("redis.uri", "must start with redis:// or rediss://", GorgonConfig.redact(value));
        }
        if (uri.getHost() == null) throw fail("redis.uri", "must name a host, e.g. redis://127.0.0.1:6390", GorgonConfig.redact(value));
        if (uri.getPort() > 65535) throw fail("redis.uri", "port must be 1..65535", GorgonConfig.redact(value));
        if (embedded) {
            if (!"redis".equals(scheme)) {
                throw new ConfigException("redis.uri: an embedded redis speaks plain redis://, not rediss:// (or set redis.embedded=false)");
            }
            if (!LOOPBACK.contains(uri.getHost())) {
                throw new ConfigException("redis.uri: an embedded redis listens on 127.0.0.1, got host "
                        + uri.getHost() + " (or set redis.embedded=false)");
            }
        }
        return uri;
    }

    /** Validates with the driver's own parser; returns the port of the embedded server (or -1). */
    private int mongoUri(String value, boolean embedded) {
        ConnectionString cs;
        try {
            cs = new ConnectionString(value);
        } catch (RuntimeException e) {
            throw new ConfigException("mongo.uri: " + ConfigLoader.oneLine(GorgonConfig.redact(String.valueOf(e.getMessage()))));
        }
        if (!embedded) return -1;
        List<String> hosts = cs.getHosts();
        if (value.startsWith("mongodb+srv:") || hosts.size() != 1) {
            throw new ConfigException("mongo.uri: an embedded mongo is one server on 127.0.0.1, e.g. mongodb://127.0.0.1:27117 (or set mongo.embedded=false)");
        }
        String host = hosts.get(0);
        int colon = host.lastIndexOf(':');
        String name = colon < 0 || host.endsWith("]") ? host : host.substring(0, colon);
        if (!LOOPBACK.contains(name)) {
            throw new ConfigException("mongo.uri: an embedded mongo listens on 127.0.0.1, got host " + name + " (or set mongo.embedded=false)");
        }
        return colon < 0 || host.endsWith("]") ? 27017 : Integer.parseInt(host.substring(colon + 1));
    }

    private JsonElement at(String path) {
        JsonElement e = root;
        for (String segment : path.split("\\.")) e = e.getAsJsonObject().get(segment);
        return e;
    }

    private String string(String path) {
        JsonElement e = at(path);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw fail(path, "must be a string", e);
        return e.getAsString();
    }

    private String nonEmpty(String path) {
        String s = string(path);
        if (s.isBlank()) throw fail(path, "must not be empty", s);
        return s;
    }

    private String oneOf(String path, List<String> allowed, boolean ignoreCase) {
        String s = string(path);
        for (String a : allowed) {
            if (ignoreCase ? a.equalsIgnoreCase(s) : a.equals(s)) return a;
        }
        throw fail(path, "must be one of " + String.join("|", allowed), s);
    }

    private boolean bool(String path) {
        JsonElement e = at(path);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw fail(path, "must be true or false", e);
        return e.getAsBoolean();
    }

    private long integer(String path, long min, long max) {
        BigDecimal n = numeric(path, "must be an integer");
        if (n.stripTrailingZeros().scale() > 0) throw fail(path, "must be an integer", at(path));
        if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw fail(path, "must be " + min + ".." + max, at(path));
        }
        return n.longValueExact();
    }

    private double number(String path, double min, double max) {
        double d = numeric(path, "must be a number").doubleValue();
        if (!(d >= min && d <= max)) throw fail(path, "must be " + fmt(min) + ".." + fmt(max), at(path));
        return d;
    }

    private int port(String path) {
        return (int) integer(path, 0, 65535);
    }

    private BigDecimal numeric(String path, String expectation) {
        JsonElement e = at(path);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw fail(path, expectation, e);
        try {
            return e.getAsBigDecimal();
        } catch (NumberFormatException nan) {
            throw fail(path, expectation, e);
        }
    }

    /** Message type → queue: types are dotted words starting with "app.", queues are snake_case names. */
    private Map<String, String> routes(String path) {
        JsonElement e = at(path);
        if (!e.isJsonObject()) throw fail(path, "must be an object of type -> queue", e);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> r : e.getAsJsonObject().entrySet()) {
            String key = path + "." + r.getKey();
            if (!r.getKey().matches("app(\\.[a-z][a-z0-9_]*)+")) throw fail(key, "a type must look like app.word(.word)…", r.getKey());
            JsonElement v = r.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString() || !v.getAsString().matches("[a-z][a-z0-9_]{0,63}")) {
                throw fail(key, "must be a queue name (lower case, digits, _)", v);
            }
            out.put(r.getKey(), v.getAsString());
        }
        return out;
    }

    private List<String> strings(String path) {
        JsonElement e = at(path);
        if (!e.isJsonArray()) throw fail(path, "must be a list of strings", e);
        List<String> out = new ArrayList<>();
        for (JsonElement item : e.getAsJsonArray()) {
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString() || item.getAsString().isBlank()) {
                throw fail(path, "must be a list of non-empty strings", e);
            }
            out.add(item.getAsString());
        }
        return List.copyOf(out);
    }

    private static ConfigException fail(String path, String rule, JsonElement got) {
        return new ConfigException(path + ": " + rule + ", got " + show(got));
    }

    private static ConfigException fail(String path, String rule, String got) {
        return new ConfigException(path + ": " + rule + ", got " + show(new com.google.gson.JsonPrimitive(got)));
    }

    /** A value as the user would write it in JSON, shortened to keep the error on one line. */
    static String show(JsonElement e) {
        String s = e == null ? "nothing" : e.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d) : String.valueOf(d);
    }
}
