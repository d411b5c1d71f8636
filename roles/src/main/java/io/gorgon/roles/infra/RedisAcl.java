package io.gorgon.roles.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The least Redis rights each role needs, as ACL rules (README "Security"): one Redis user per role in production,
 * so a compromised web instance cannot read tokens and a compromised provider cannot forge sessions. Derived from
 * the keys each role builds ({@code io.gorgon.bus.Keys} and the roles' own) and the commands the bus and the roles
 * send; {@code RedisAclTest} runs every role under its user on a real Redis 7 and fails on any denied command.
 *
 * <p>Scripts run with the caller's rights: a Lua script touching a key outside the user's patterns fails. Keys are
 * namespaced: {@code <ns>:…}.
 */
public final class RedisAcl {
    /** What the bus needs in every role: its queues, replies, registry, control and id sequence. */
    private static final List<String> BUS_KEYS = List.of("q:*", "r:*", "instance:*", "instances", "queues", "topics", "paused",
            "control:*", "seq:*");

    /**
     * The commands of the bus and the roles: data types, scripts, transactions, key expiry and the connection
     * handshake. No @admin, @dangerous or @keyspace wildcards (FLUSHALL, CONFIG, KEYS, DEBUG stay denied); CLIENT
     * UNBLOCK lets a draining consumer wake its own blocked read. Redis 7.0 has no CLIENT SETINFO (7.2 does): Jedis
     * sends it on connect and ignores a refusal, so it is left out and 7.0 accepts the rules.
     */
    static final String COMMANDS = "+@stream +@list +@hash +@set +@sortedset +@string -@dangerous"
            + " +del +unlink +exists +expire +pexpire +ttl +pttl +type"
            + " +eval +evalsha +script|load +script|exists +multi +exec +discard"
            + " +time +ping +echo +hello +auth +select +wait +client|setname +client|id +client|unblock";

    /** Each role's own keys, on top of the bus's. */
    private static final Map<String, List<String>> OWN_KEYS = Map.of(
            "web", List.of(),
            "auth", List.of("token:*", "ratelimit:*", "u:*"),   // u:{id}:sessions — a user's token digests
            "app", List.of("create:*"),                         // request → item id, so a redelivered create is one note
            "store", List.of("u:*", "t:*", "item:*"),           // recent-items cache, keyword index, edit locks
            "provider", List.of("{feeds}:*", "{webhooks}:*"),
            "notify", List.of("notify:*"),
            "stats", List.of("stats:*", "ops:*", "supervisor:*")); // the page's operator acts like the CLI

    private RedisAcl() {}

    /** The roles with a rule set. */
    public static List<String> roles() {
        return List.of("web", "auth", "app", "store", "provider", "notify", "stats");
    }

    /**
     * The ACL rules for one role's user, to follow {@code ACL SETUSER name reset on >password}: key patterns, read-only
     * access to the config document, no pub/sub channels, and the commands.
     */
    public static List<String> rules(String namespace, String role) {
        List<String> own = OWN_KEYS.get(role);
        if (own == null) throw new IllegalArgumentException("unknown role '" + role + "'");
        List<String> r = new ArrayList<>();
        for (String k : BUS_KEYS) r.add("~" + namespace + ":" + k);
        for (String k : own) r.add("~" + namespace + ":" + k);
        r.add("%R~" + namespace + ":config");
        r.add("resetchannels");
        r.addAll(List.of(COMMANDS.split(" ")));
        return r;
    }

    /**
     * The supervisor and the {@code gorgon} CLI (status, scale, dlq, config reload): every key of the namespace, the
     * same commands plus INFO (status shows Redis' memory).
     */
    public static List<String> operatorRules(String namespace) {
        List<String> r = new ArrayList<>(List.of("~" + namespace + ":*", "resetchannels"));
        r.addAll(List.of(COMMANDS.split(" ")));
        r.add("+info");
        return r;
    }
}
