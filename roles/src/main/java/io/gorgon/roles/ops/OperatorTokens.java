package io.gorgon.roles.ops;

import io.gorgon.bus.Keys;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisConnections;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Who may act on the mesh from the stats page. Two kinds of operator token, both unrelated to the API users' tokens:
 * <ul>
 *   <li>{@code stats.operatorToken} from the config (operator name "operator"), compared in constant time;</li>
 *   <li>tokens minted by {@code gorgon operator-token --name N}, kept in Redis only as their SHA-256
 *       ({@code <ns>:ops:operator:<sha256>} → name, with a TTL), so a Redis dump reveals no usable token.</li>
 * </ul>
 * Tokens never appear in URLs or logs: the page sends them in an {@code Authorization} header.
 */
public final class OperatorTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_TOKEN_CHARS = 256;

    private final byte[] configured;
    private final String uri;
    private final Keys keys;

    public OperatorTokens(GorgonConfig config) {
        String t = config.stats().operatorToken();
        this.configured = t == null || t.isEmpty() ? null : sha256(t);
        this.uri = config.redis().busUri();
        this.keys = new Keys(config.namespace());
    }

    /** Mints a token for {@code name}, valid for {@code ttl}; only its hash is stored. */
    public String mint(String name, Duration ttl) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "gop_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try (UnifiedJedis j = RedisConnections.client(uri)) {
            j.setex(key(sha256(token)), ttl.toSeconds(), name);
        }
        return token;
    }

    /** The operator's name if {@code presented} is a valid operator token; empty otherwise. */
    public Optional<String> check(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_TOKEN_CHARS) return Optional.empty();
        byte[] digest = sha256(presented);
        // Compare digests, not strings: MessageDigest.isEqual takes the same time wherever they differ.
        if (configured != null && MessageDigest.isEqual(configured, digest)) return Optional.of("operator");
        try (UnifiedJedis j = RedisConnections.client(uri)) {
            return Optional.ofNullable(j.get(key(digest)));
        }
    }

    private String key(byte[] digest) {
        return keys.key("ops", "operator", HexFormat.of().formatHex(digest));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
