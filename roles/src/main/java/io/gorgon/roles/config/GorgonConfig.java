package io.gorgon.roles.config;

import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The effective configuration of one Gorgon process: immutable, validated, every key present.
 *
 * <p>The records are the schema: each component is a JSON key, and each section's {@code DEFAULT} beside it holds
 * the built-in values. Adding a key is one component plus its default, and a rule in {@link ConfigRules} if its
 * Java type allows values the key must not take. Nothing else mirrors the shape: the JSON document, the known-key
 * lists and the type checks are all derived from these records ({@link ConfigBinder}).
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
        @SerializedName("notify") Notify notifier,
        Stats stats,
        Logs logs,
        App app,
        Http http,
        Host host) {

    /** The role names in start order: {@link io.gorgon.roles.Roles} is the one list. */
    public static final List<String> ROLES = io.gorgon.roles.Roles.NAMES;

    /** The built-in defaults, before relative dirs are resolved (see {@link ConfigLoader}). */
    static final GorgonConfig DEFAULTS = new GorgonConfig("gorgon", Redis.DEFAULT, Mongo.DEFAULT, Bus.DEFAULT,
            oneEach("web", "auth", "app", "store", "provider", "notify", "stats"), // the document's order: request path first
            Web.DEFAULT, Auth.DEFAULT, Store.DEFAULT, Provider.DEFAULT, Notify.DEFAULT, Stats.DEFAULT, Logs.DEFAULT, App.DEFAULT,
            Http.DEFAULT, Host.DEFAULT);

    /**
     * Where Redis is: one server ({@code mode} single: {@code uri}), a Redis Cluster ({@code cluster}: {@code nodes}
     * are seed nodes host:port) or a Sentinel-watched primary ({@code sentinel}: {@code nodes} are the sentinels,
     * {@code masterName} the primary they watch). {@code user}/{@code password} (ACL) and {@code tls} apply to every
     * data node in all three modes. An embedded cluster is started by {@code up} on its {@code nodes}' ports (six:
     * three primaries, three replicas).
     *
     * @param replicaAcks 0, or how many replicas must have each write (Redis WAIT) before a send is acknowledged:
     *                    then a failover loses no acknowledged send
     */
    public record Redis(String uri, boolean embedded, String dir, String appendFsync, String mode, List<String> nodes,
                        String masterName, String user, String password, boolean tls, int replicaAcks) {
        static final Redis DEFAULT = new Redis("redis://127.0.0.1:6390", true, "data/redis", "everysec",
                "single", List.of(), "", "", "", false, 0);

        public Redis {
            nodes = List.copyOf(nodes);
        }

        /** The bus's one-string form of this topology ({@link io.gorgon.bus.RedisTopology}), with credentials. */
        public String busUri() {
            io.gorgon.bus.RedisTopology single = io.gorgon.bus.RedisTopology.parse(uri);
            String u = user.isEmpty() ? single.user() : user;
            String p = password.isEmpty() ? single.password() : password;
            boolean secure = tls || single.tls();
            return switch (mode) {
                case "cluster" -> new io.gorgon.bus.RedisTopology(io.gorgon.bus.RedisTopology.Mode.CLUSTER, nodes, null, u, p, secure, 0).uri();
                case "sentinel" -> new io.gorgon.bus.RedisTopology(io.gorgon.bus.RedisTopology.Mode.SENTINEL, nodes, masterName, u, p, secure, 0).uri();
                default -> new io.gorgon.bus.RedisTopology(io.gorgon.bus.RedisTopology.Mode.SINGLE, single.nodes(), null, u, p, secure,
                        single.database()).uri();
            };
        }

        public boolean cluster() {
            return "cluster".equals(mode);
        }
    }

    public record Mongo(String uri, String database, boolean embedded, String dir) {
        static final Mongo DEFAULT = new Mongo("mongodb://127.0.0.1:27117", "gorgon", true, "data/mongo");
    }

    public record Bus(long takeoverAfterMs, int maxDeliveries, long requestTimeoutMs, long heartbeatMs, int concurrency) {
        static final Bus DEFAULT = new Bus(3000, 5, 5000, 1000, 64);
    }

    public record Web(int port, int maxBodyBytes) { static final Web DEFAULT = new Web(8080, 65536); }

    /**
     * @param principalKey       the mesh key auth signs the principal header with and app and provider check it with;
     *                           a secret: give it through the environment ({@code GORGON_SET_AUTH_PRINCIPALKEY}), it
     *                           is never written to Redis. Empty with an embedded Redis: generated in its data
     *                           directory ({@link EmbeddedSecrets}). Empty with an external Redis: auth, app and
     *                           provider refuse to start, unless {@code unsignedPrincipals}
     * @param unsignedPrincipals the explicit opt-out: no key, and whoever can write to Redis can act as any user
     */
    public record Auth(int pbkdf2Iterations, long tokenTtlSeconds, int loginAttemptsPerMinute, int registrationsPerMinute,
                       String principalKey, boolean unsignedPrincipals) {
        static final Auth DEFAULT = new Auth(600_000, 86_400, 10, 10, "", false);

        /**
         * The key to sign or check the principal header with, or "" when the config opts out; throws
         * {@link ConfigException} when there is neither a key nor the opt-out (fail closed, not open).
         */
        public String signingKey() {
            if (!principalKey.isEmpty()) return principalKey;
            if (unsignedPrincipals) return "";
            throw new ConfigException("auth.principalKey: not set; auth signs the principal header and app and provider check it,"
                    + " so give every auth, app and provider process the same secret (GORGON_SET_AUTH_PRINCIPALKEY=...),"
                    + " or set auth.unsignedPrincipals=true to trust anyone who can write to Redis");
        }

        @Override
        public String toString() {
            return "Auth[pbkdf2Iterations=" + pbkdf2Iterations + ", tokenTtlSeconds=" + tokenTtlSeconds + ", loginAttemptsPerMinute="
                    + loginAttemptsPerMinute + ", registrationsPerMinute=" + registrationsPerMinute + ", principalKey=***"
                    + ", unsignedPrincipals=" + unsignedPrincipals + "]";
        }
    }

    /**
     * @param queues which queues this instance consumes: "all", "reads" (store_get) or "writes" (store_put), so reads
     *               and writes can run on separate instances (each with its own config) and a flood of inserts
     *               cannot take the read instances' CPU
     */
    public record Store(int recentCacheSize, String queues) { static final Store DEFAULT = new Store(200, "all"); }

    /**
     * @param limit  stop after this many items (0 = run until stopped)
     * @param ackLog file to append each acknowledged item id to ("" = none), for loss checks
     */
    public record Provider(double ratePerSecond, int users, List<String> plugins, long limit, String ackLog, Feeds feeds,
                           Webhooks webhooks) {
        static final Provider DEFAULT = new Provider(20, 1000, List.of("random"), 0, "", Feeds.DEFAULT, Webhooks.DEFAULT);

        public Provider {
            plugins = List.copyOf(plugins);
        }
    }

    /**
     * Feed polling (README "Feeds in and webhooks out"): each feed's interval is {@code maxIntervalMs / followers},
     * shortened to half its observed gap between new entries, within [{@code minIntervalMs}, {@code maxIntervalMs}];
     * failures back off doubling from {@code minIntervalMs} to {@code maxBackoffMs} (or longer if the server says
     * Retry-After).
     *
     * @param allowPrivate fetch URLs that resolve to loopback/private/link-local addresses (local config only)
     * @param leaseMs      a claimed feed is due again after this long if its poller died (> timeoutMs)
     */
    public record Feeds(boolean allowPrivate, long minIntervalMs, long maxIntervalMs, long maxBackoffMs, long timeoutMs,
                        int maxBytes, int maxRedirects, int maxEntries, int pollers, long leaseMs) {
        static final Feeds DEFAULT = new Feeds(false, 60_000, 3_600_000, 86_400_000, 10_000, 5 << 20, 5, 500, 64, 30_000);
    }

    /**
     * Webhook delivery: per-request timeout, attempts before a dead letter (retries wait {@code retryBaseMs}
     * doubling, up to a minute), deliveries in flight per instance.
     */
    public record Webhooks(long timeoutMs, int maxDeliveries, long retryBaseMs, int concurrency, boolean allowPrivate) {
        static final Webhooks DEFAULT = new Webhooks(5000, 8, 1000, 256, false);
    }

    /**
     * What one notify instance may hold, so that no client (nor a storm of them) can run it out of memory:
     *
     * @param maxSockets              open WebSockets; more are answered 503 before the upgrade
     * @param maxQueuedBytesPerSocket outbound bytes queued for one client that does not read; then it is closed (1013)
     * @param maxQueuedBytes          the same, summed over all sockets
     * @param maxResumeBytes          missed events one resume reads; beyond it, the newest are sent and the
     *                                resume reports {@code resumed:false}
     * @param maxConcurrentResumes    resumes read at once; others wait up to 2 s, then get live events only
     */
    public record Notify(int port, long retentionSeconds, int maxSockets, long maxQueuedBytesPerSocket, long maxQueuedBytes,
                         long maxResumeBytes, int maxConcurrentResumes) {
        public static final Notify DEFAULT = new Notify(8082, 300, 10_000, 1L << 20, 48L << 20, 2L << 20, 4);
    }

    /**
     * @param host          the dashboard's bind address: loopback by default (it shows host names and pids); set
     *                      "0.0.0.0" to open it, e.g. for Prometheus scrapes from another machine
     * @param maxSseClients live-update streams at once; more get 503
     * @param operatorToken lets the page's operator act on the mesh ("" = only tokens minted by {@code gorgon operator-token})
     */
    public record Stats(int port, String host, int maxSseClients, String operatorToken) {
        public static final Stats DEFAULT = new Stats(8081, "127.0.0.1", 64, "");
    }

    /** @param level a logback level; any case is accepted, kept upper case */
    public record Logs(String dir, String level) {
        static final Logs DEFAULT = new Logs("data/logs", "INFO");

        public Logs {
            level = level.toUpperCase(Locale.ROOT);
        }
    }

    /** @param routes which queue each request type goes to (the POA seed's "receivers mapped by type") */
    public record App(Map<String, String> routes) {
        static final App DEFAULT = new App(ordered("app.item.create", "store_put", "app.item.get", "store_get",
                "app.item.delete", "store_put", "app.item.edit", "store_put", "app.info", "store_get", "app.tags", "store_get",
                "app.feed.follow", "provider_get", "app.feed.list", "provider_get", "app.feed.unfollow", "provider_get",
                "app.webhook.create", "provider_get", "app.webhook.list", "provider_get", "app.webhook.delete", "provider_get"));

        public App {
            routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        }

        private static Map<String, String> ordered(String... keyValues) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < keyValues.length; i += 2) m.put(keyValues[i], keyValues[i + 1]);
            return m;
        }
    }

    /**
     * Limits of every HTTP listener (web, notify, stats), so a slow or idle client costs a bounded time and one
     * connection of a bounded number.
     *
     * @param headerTimeoutMs a request's headers must arrive within this (slow-header clients are cut off)
     * @param bodyTimeoutMs   a request's body must arrive within this (web answers 408 and closes)
     * @param idleTimeoutMs   a keep-alive connection with no request in progress is closed after this
     * @param maxConnections  per listener; beyond it new connections wait in the kernel's backlog
     */
    public record Http(long headerTimeoutMs, long bodyTimeoutMs, long idleTimeoutMs, int maxConnections) {
        public static final Http DEFAULT = new Http(10_000, 30_000, 60_000, 10_000);
    }

    /**
     * This machine in a mesh of several (README "Running across machines"): each {@code gorgon up} is one host.
     *
     * @param name    the host's name in the mesh, unique per namespace: shown by {@code status}, advertised by its
     *                instances in the registry ("" = the machine's host name)
     * @param address the address the host's web and notify instances listen on, and which it advertises ("" = every
     *                interface, as on one machine); two hosts on one machine need their own (127.0.0.2, 127.0.0.3)
     */
    public record Host(String name, String address) {
        static final Host DEFAULT = new Host("", "");

        /** {@link #name}, or the machine's host name when it is empty. */
        public String effectiveName() {
            return name.isEmpty() ? io.gorgon.bus.BusOptions.localHost() : name;
        }

        /** Where web and notify listen: {@link #address}, or every interface. */
        public String bindAddress() {
            return address.isEmpty() ? "0.0.0.0" : address;
        }
    }

    public GorgonConfig {
        instances = Collections.unmodifiableMap(new LinkedHashMap<>(instances));
    }

    /** The built-in defaults with relative dirs resolved, without environment overrides. */
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

    /** The effective document as a tree, keyed like the file. */
    public JsonObject toJsonTree() {
        return ConfigBinder.tree(this);
    }

    /** The effective document, compact JSON; {@link #parse(String)} reads it back to an equal config. */
    public String toJson() {
        return toJsonTree().toString();
    }

    /** The effective document with any Redis or Mongo password replaced by {@code ***}, for logs and screens. */
    public String toRedactedJson() {
        JsonObject tree = toJsonTree();
        tree.getAsJsonObject("redis").addProperty("uri", redact(redis.uri));
        if (!redis.password.isEmpty()) tree.getAsJsonObject("redis").addProperty("password", "***");
        tree.getAsJsonObject("mongo").addProperty("uri", redact(mongo.uri));
        if (!auth.principalKey().isEmpty()) tree.getAsJsonObject("auth").addProperty("principalKey", "***");
        if (!stats.operatorToken.isEmpty()) tree.getAsJsonObject("stats").addProperty("operatorToken", "***");
        return tree.toString();
    }

    /**
     * A document read from Redis (redacted, see {@link #toRedactedJson}) completed with this process's own
     * connection settings: secrets never travel through Redis, each host keeps them in its file or environment.
     */
    public GorgonConfig withConnectionsFrom(GorgonConfig local) {
        JsonObject tree = toJsonTree();
        JsonObject own = local.toJsonTree();
        tree.add("redis", own.get("redis"));
        tree.add("mongo", own.get("mongo"));
        tree.add("host", own.get("host")); // a reload from another host's document keeps this host's name and address
        tree.getAsJsonObject("auth").add("principalKey", own.getAsJsonObject("auth").get("principalKey"));
        tree.getAsJsonObject("stats").add("operatorToken", own.getAsJsonObject("stats").get("operatorToken"));
        return ConfigLoader.fromJson(tree.toString(), "config document");
    }

    /** {@code scheme://user:secret@host} → {@code scheme://user:***@host} (a bare {@code secret@} becomes {@code ***@}). */
    public static String redact(String uri) {
        return io.gorgon.bus.RedisTopology.redact(uri); // the same rule for mongodb:// URIs
    }

    private static Map<String, Integer> oneEach(String... roles) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String r : roles) m.put(r, 1);
        return m;
    }

}
