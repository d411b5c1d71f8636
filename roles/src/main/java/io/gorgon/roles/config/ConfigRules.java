package io.gorgon.roles.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.mongodb.ConnectionString;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What a value may be beyond its Java type: one rule list by key path ({@code *} = every key of a map section),
 * plus one check across keys (no two listeners on one port). Runs on a document whose types
 * {@link ConfigBinder} has already checked.
 */
final class ConfigRules {
    static final int MAX_INSTANCES = 64;
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /** A value at a key path; {@code key} is its last segment (a map key for {@code *} rules). */
    record Value(String path, String key, JsonElement json, JsonObject root) {
        ConfigException fail(String rule) {
            return ConfigException.invalid(path, rule, json);
        }
    }

    /** @param check throws a {@link ConfigException} naming the value's path when the value breaks the rule */
    record Rule(String path, Consumer<Value> check) {}

    static final List<Rule> RULES = List.of(
            matches("namespace", "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
                    "must be 1-64 letters, digits, '_', '-' or '.' (starting with a letter or digit)"),
            new Rule("redis.uri", ConfigRules::redisUri),
            nonEmpty("redis.dir"),
            oneOf("redis.appendFsync", false, "always", "everysec", "no"),
            oneOf("redis.mode", false, "single", "cluster", "sentinel"),
            new Rule("redis.nodes", ConfigRules::redisNodes),
            range("redis.replicaAcks", 0, 16),
            new Rule("mongo.uri", ConfigRules::mongoUri),
            matches("mongo.database", "[A-Za-z0-9_-]{1,63}", "must be 1-63 letters, digits, '_' or '-'"),
            nonEmpty("mongo.dir"),
            range("bus.takeoverAfterMs", 1, 86_400_000L),
            range("bus.maxDeliveries", 1, 1000),
            range("bus.requestTimeoutMs", 1, 3_600_000L),
            range("bus.heartbeatMs", 1, 600_000L),
            range("bus.concurrency", 1, 10_000),
            range("instances.*", 0, MAX_INSTANCES),
            range("web.port", 0, 65535),
            range("web.maxBodyBytes", 1, 256L << 20),
            range("auth.pbkdf2Iterations", 1, 10_000_000),
            range("auth.tokenTtlSeconds", 1, 366L * 86_400),
            range("auth.loginAttemptsPerMinute", 1, 1_000_000),
            range("auth.registrationsPerMinute", 1, 1_000_000),
            range("store.recentCacheSize", 0, 1_000_000),
            oneOf("store.queues", false, "all", "reads", "writes"),
            range("provider.ratePerSecond", 0, 10_000_000),
            range("provider.users", 0, 100_000_000),
            nonEmpty("provider.plugins"),
            range("provider.limit", 0, Long.MAX_VALUE),
            range("provider.feeds.minIntervalMs", 100, 86_400_000L),
            range("provider.feeds.maxIntervalMs", 100, 7 * 86_400_000L),
            range("provider.feeds.maxBackoffMs", 100, 7 * 86_400_000L),
            range("provider.feeds.timeoutMs", 100, 120_000),
            range("provider.feeds.maxBytes", 1024, 64L << 20),
            range("provider.feeds.maxRedirects", 0, 10),
            range("provider.feeds.maxEntries", 1, 10_000),
            range("provider.feeds.pollers", 1, 4096),
            new Rule("provider.feeds.leaseMs", v -> {
                long timeout = v.root().getAsJsonObject("provider").getAsJsonObject("feeds").get("timeoutMs").getAsLong();
                if (v.json().getAsLong() <= timeout || v.json().getAsLong() > 600_000) {
                    throw v.fail("must be more than provider.feeds.timeoutMs (" + timeout + ") and at most 600000");
                }
            }),
            range("provider.webhooks.timeoutMs", 100, 120_000),
            range("provider.webhooks.maxDeliveries", 1, 100),
            range("provider.webhooks.retryBaseMs", 10, 3_600_000L),
            range("provider.webhooks.concurrency", 1, 4096),
            range("notify.port", 0, 65535),
            range("notify.retentionSeconds", 1, 30L * 86_400),
            range("notify.maxSockets", 1, 10_000_000),
            range("notify.maxQueuedBytesPerSocket", 64L << 10, 1L << 40),
            range("notify.maxQueuedBytes", 64L << 10, 1L << 40),
            range("notify.maxResumeBytes", 64L << 10, 1L << 40),
            range("notify.maxConcurrentResumes", 1, 10_000),
            range("stats.port", 0, 65535),
            nonEmpty("stats.host"),
            range("stats.maxSseClients", 1, 100_000),
            range("http.headerTimeoutMs", 100, 3_600_000L),
            range("http.bodyTimeoutMs", 100, 3_600_000L),
            range("http.idleTimeoutMs", 100, 86_400_000L),
            range("http.maxConnections", 1, 1_000_000),
            nonEmpty("logs.dir"),
            matches("host.name", "|[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
                    "must be empty (the machine's name) or 1-64 letters, digits, '_', '-' or '.'"),
            matches("host.address", "|[A-Za-z0-9.:\\[\\]-]{1,253}", "must be empty (every interface) or an IP address or host name"),
            oneOf("logs.level", true, "TRACE", "DEBUG", "INFO", "WARN", "ERROR"),
            new Rule("app.routes.*", v -> {
                if (!v.key().matches("app(\\.[a-z][a-z0-9_]*)+")) {
                    throw ConfigException.invalid(v.path(), "a type must look like app.word(.word)…", new JsonPrimitive(v.key()));
                }
            }),
            matches("app.routes.*", "[a-z][a-z0-9_]{0,63}", "must be a queue name (lower case, digits, _)"));

    private ConfigRules() {}

    /** Applies every rule, in order; the first broken one is the error. */
    static void check(JsonObject root) {
        for (Rule rule : RULES) visit(root, root, rule.path().split("\\."), 0, "", rule.check());
    }

    private static void visit(JsonObject root, JsonElement node, String[] segments, int i, String path, Consumer<Value> check) {
        JsonObject section = node.getAsJsonObject();
        List<String> keys = segments[i].equals("*") ? List.copyOf(section.keySet()) : List.of(segments[i]);
        for (String key : keys) {
            String at = path.isEmpty() ? key : path + "." + key;
            if (i + 1 < segments.length) visit(root, section.get(key), segments, i + 1, at, check);
            else check.accept(new Value(at, key, section.get(key), root));
        }
    }

    static Rule range(String path, long min, long max) {
        return new Rule(path, v -> {
            BigDecimal n = v.json().getAsBigDecimal();
            if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
                throw v.fail("must be " + min + ".." + max);
            }
        });
    }

    /** A string that is not blank, or a list of such strings. */
    static Rule nonEmpty(String path) {
        return new Rule(path, v -> {
            if (v.json().isJsonArray()) {
                if (v.json().getAsJsonArray().asList().stream().anyMatch(item -> item.getAsString().isBlank())) {
                    throw v.fail("must be a list of non-empty strings");
                }
            } else if (v.json().getAsString().isBlank()) {
                throw v.fail("must not be empty");
            }
        });
    }

    static Rule oneOf(String path, boolean ignoreCase, String... allowed) {
        return new Rule(path, v -> {
            String s = v.json().getAsString();
            if (Arrays.stream(allowed).noneMatch(a -> ignoreCase ? a.equalsIgnoreCase(s) : a.equals(s))) {
                throw v.fail("must be one of " + String.join("|", allowed));
            }
        });
    }

    static Rule matches(String path, String regex, String rule) {
        Pattern pattern = Pattern.compile(regex);
        return new Rule(path, v -> {
            if (!pattern.matcher(v.json().getAsString()).matches()) throw v.fail(rule);
        });
    }

    private static void redisUri(Value v) {
        String value = v.json().getAsString();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw redacted(v, "not a URI (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) throw redacted(v, "must start with redis:// or rediss://");
        if (uri.getHost() == null) throw redacted(v, "must name a host, e.g. redis://127.0.0.1:6390");
        if (uri.getPort() > 65535) throw redacted(v, "port must be 1..65535");
        if (!embedded(v, "redis")) return;
        if (!"redis".equals(scheme)) {
            throw new ConfigException("redis.uri: an embedded redis speaks plain redis://, not rediss:// (or set redis.embedded=false)");
        }
        if (!LOOPBACK.contains(uri.getHost())) {
            throw new ConfigException("redis.uri: an embedded redis listens on 127.0.0.1, got host "
                    + uri.getHost() + " (or set redis.embedded=false)");
        }
    }

    /** Cluster and sentinel modes: a list of host:port; and what an embedded Redis can be. */
    private static void redisNodes(Value v) {
        JsonObject redis = v.root().getAsJsonObject("redis");
        String mode = redis.get("mode").getAsString();
        List<JsonElement> nodes = v.json().getAsJsonArray().asList();
        for (JsonElement n : nodes) {
            try {
                io.gorgon.bus.RedisTopology.port(n.getAsString());
            } catch (IllegalArgumentException e) {
                throw v.fail("must be a list of host:port (" + e.getMessage() + ")");
            }
        }
        boolean embedded = redis.get("embedded").getAsBoolean();
        boolean tls = redis.get("tls").getAsBoolean();
        if (mode.equals("single")) return;
        if (nodes.isEmpty()) throw v.fail("redis.mode=" + mode + " needs host:port entries (" + (mode.equals("cluster") ? "seed nodes" : "the sentinels") + ")");
        if (mode.equals("sentinel") && redis.get("masterName").getAsString().isBlank()) {
            throw new ConfigException("redis.masterName: redis.mode=sentinel needs the name of the primary the sentinels watch");
        }
        if (!embedded) return;
        if (mode.equals("sentinel")) throw new ConfigException("redis.embedded: an embedded Redis is one server or a cluster, not sentinel (set redis.embedded=false)");
        if (tls) throw new ConfigException("redis.tls: an embedded cluster speaks plain TCP (or set redis.embedded=false)");
        if (nodes.size() != 6) throw v.fail("an embedded cluster has six nodes, three primaries and three replicas");
        for (JsonElement n : nodes) {
            if (!LOOPBACK.contains(io.gorgon.bus.RedisTopology.host(n.getAsString()))) {
                throw v.fail("an embedded cluster listens on 127.0.0.1 (or set redis.embedded=false)");
            }
        }
    }

    /** Validates with the driver's own parser. */
    private static void mongoUri(Value v) {
        String value = v.json().getAsString();
        ConnectionString cs;
        try {
            cs = new ConnectionString(value);
        } catch (RuntimeException e) {
            throw new ConfigException("mongo.uri: " + ConfigLoader.oneLine(GorgonConfig.redact(String.valueOf(e.getMessage()))));
        }
        if (!embedded(v, "mongo")) return;
        if (value.startsWith("mongodb+srv:") || cs.getHosts().size() != 1) {
            throw new ConfigException("mongo.uri: an embedded mongo is one server on 127.0.0.1, e.g. mongodb://127.0.0.1:27117 (or set mongo.embedded=false)");
        }
        String name = hostAndPort(cs)[0];
        if (!LOOPBACK.contains(name)) {
            throw new ConfigException("mongo.uri: an embedded mongo listens on 127.0.0.1, got host " + name + " (or set mongo.embedded=false)");
        }
    }

    private static boolean embedded(Value v, String section) {
        return v.root().getAsJsonObject(section).get("embedded").getAsBoolean();
    }

    private static ConfigException redacted(Value v, String rule) {
        return ConfigException.invalid(v.path(), rule, new JsonPrimitive(GorgonConfig.redact(v.json().getAsString())));
    }

    /** The one host of a mongo URI as {name, port}. */
    private static String[] hostAndPort(ConnectionString cs) {
        String host = cs.getHosts().get(0);
        int colon = host.lastIndexOf(':');
        boolean bare = colon < 0 || host.endsWith("]");
        return new String[] {bare ? host : host.substring(0, colon), bare ? "27017" : host.substring(colon + 1)};
    }

    /** Roles and embedded servers on one host must not fight over a port (0 = any free port). */
    static GorgonConfig checkPorts(GorgonConfig c) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (c.redis().embedded() && c.redis().cluster()) {
            for (String n : c.redis().nodes()) ports.put("redis.nodes " + n, io.gorgon.bus.RedisTopology.port(n));
        } else if (c.redis().embedded()) {
            int port = URI.create(c.redis().uri()).getPort();
            ports.put("redis.uri", port < 0 ? 6379 : port);
        }
        if (c.mongo().embedded()) ports.put("mongo.uri", Integer.parseInt(hostAndPort(new ConnectionString(c.mongo().uri()))[1]));
        ports.put("web.port", c.web().port());
        ports.put("stats.port", c.stats().port());
        ports.put("notify.port", c.notifier().port());
        Map<Integer, String> seen = new LinkedHashMap<>();
        ports.forEach((key, port) -> {
            if (port == 0) return;
            String other = seen.putIfAbsent(port, key);
            if (other != null) throw new ConfigException(key + ": port " + port + " is already used by " + other);
        });
        return c;
    }
}
