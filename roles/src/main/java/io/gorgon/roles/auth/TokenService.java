package io.gorgon.roles.auth;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Keys;
import io.gorgon.protocol.TokenDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Bearer tokens: 256 random bits, base64url. Redis stores only their SHA-256, so a dump of Redis holds no usable
 * token: key {@code <ns>:token:<sha256 hex>} → {@code {"userid":"…","expiresAt":…}}, expiring with the token.
 * {@link #validate} costs at most one Redis GET, and none for a string that cannot be a token.
 *
 * <p>What a GET found is remembered ({@link #remembered}), so that auth's next forward for the same token checks the
 * key inside its own script ({@code Message.forwardIf}) instead of reading it first: the check stays in Redis, at the
 * moment of the forward, so a revoked or expired token is refused as soon as its key is gone.
 */
public final class TokenService {
    private static final Pattern SHAPE = Pattern.compile("^[A-Za-z0-9_-]{43}$");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final UnifiedJedis redis;
    private final String namespace;
    private final long ttlMs;
    private final SecureRandom random = new SecureRandom();
    private final Sessions sessions;
    /** Token digest → what its key held when last read. A bound, not a cache policy: full, it starts over. */
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    static final int KNOWN_MAX = 20_000;

    /** @param ttl token lifetime ({@code auth.tokenTtlSeconds}) */
    public TokenService(UnifiedJedis redis, String namespace, Duration ttl) {
        if (ttl.toMillis() < 1) throw new IllegalArgumentException("auth.tokenTtlSeconds must be positive");
        this.redis = redis;
        this.namespace = namespace;
        this.ttlMs = ttl.toMillis();
        this.sessions = new Sessions(redis, namespace);
    }

    /** A token handed to the user once; only its hash is kept. */
    public record Issued(String token, long userid, long expiresAt) {
        @Override
        public String toString() {
            return "Issued[token=***, userid=" + userid + ", expiresAt=" + expiresAt + "]";
        }
    }

    public Issued issue(long userid) {
        return issue(userid, null);
    }

    /** @param client the address the login came from, shown in the user's session list */
    public Issued issue(long userid, String client) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = B64URL.encodeToString(raw);
        long expiresAt = System.currentTimeMillis() + ttlMs;
        JsonObject v = new JsonObject();
        v.addProperty("userid", Long.toString(userid));
        v.addProperty("expiresAt", expiresAt);
        redis.set(key(token), v.toString(), SetParams.setParams().px(ttlMs));
        sessions.started(userid, TokenDigest.of(token), expiresAt, ttlMs, client);
        return new Issued(token, userid, expiresAt);
    }

    public Optional<Principal> validate(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) return Optional.empty();
        String digest = TokenDigest.of(token);
        String k = new Keys(namespace).key("token", digest);
        String v = redis.get(k);
        if (v == null) {
            known.remove(digest);
            return Optional.empty();
        }
        JsonObject o = JsonParser.parseString(v).getAsJsonObject();
        long expiresAt = o.get("expiresAt").getAsLong();
        // Redis expires the key; the check here also covers a key whose TTL was lost (e.g. restored without it).
        if (expiresAt <= System.currentTimeMillis()) return Optional.empty();
        Principal p = new Principal(Long.parseLong(o.get("userid").getAsString()), expiresAt);
        if (known.size() >= KNOWN_MAX) known.clear(); // worst case: one more GET per token
        known.put(digest, new Known(p, digest, k, v));
        sessions.used(p.userid(), digest);
        return Optional.of(p);
    }

    /**
     * What {@link #validate} last read for this token: its principal, its key and the value the key held. Only a hint
     * (no Redis call): whoever acts on it must check the key still holds {@code stored}, atomically with the act.
     */
    public record Known(Principal principal, String digest, String key, String stored) {
        @Override
        public String toString() {
            return "Known[userid=" + principal.userid() + ", expiresAt=" + principal.expiresAt() + "]";
        }
    }

    /** The token as {@link #validate} last found it, unless its expiry has passed since; empty if never seen here. */
    public Optional<Known> remembered(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) return Optional.empty();
        String digest = TokenDigest.of(token);
        Known k = known.get(digest);
        if (k == null) return Optional.empty();
        // the same local expiry check as validate's: a key whose TTL was lost does not outlive the token
        if (k.principal().expiresAt() <= System.currentTimeMillis()) {
            known.remove(digest);
            return Optional.empty();
        }
        return Optional.of(k);
    }

    /** The key no longer held what was remembered: the next use reads it again. */
    public void forget(Known k) {
        known.remove(k.digest(), k);
    }

    /** A use of a token checked through {@link Known} (the session's last-used time, throttled as validate's). */
    public void used(Known k) {
        sessions.used(k.principal().userid(), k.digest());
    }

    /** True if the token existed. */
    public boolean revoke(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) return false;
        Optional<Principal> p = validate(token);
        boolean existed = redis.del(key(token)) > 0;
        known.remove(TokenDigest.of(token));
        p.ifPresent(x -> sessions.ended(x.userid(), TokenDigest.of(token)));
        return existed;
    }

    /** Revokes every token of the user except {@code keepDigest} (null: all); returns the digests revoked. */
    public List<String> revokeAll(long userid, String keepDigest) {
        List<String> revoked = new ArrayList<>();
        for (String digest : sessions.digests(userid)) {
            if (digest.equals(keepDigest)) continue;
            redis.del(new Keys(namespace).key("token", digest));
            known.remove(digest);
            sessions.ended(userid, digest);
            revoked.add(digest);
        }
        return revoked;
    }

    /** The user's live sessions, newest first; the caller's own ({@code currentToken}) is marked. */
    public List<Sessions.Session> sessions(long userid, String currentToken) {
        return sessions.list(userid, currentToken == null ? null : TokenDigest.of(currentToken),
                digest -> redis.exists(new Keys(namespace).key("token", digest)));
    }

    private String key(String token) {
        return new Keys(namespace).key("token", TokenDigest.of(token));
    }

}
