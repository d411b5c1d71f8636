package io.gorgon.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a bearer token is named anywhere but in the client's hands: the SHA-256 of its text, in hex. Auth keys its
 * sessions in Redis by it and announces revocations with it ({@link Protocol#AUTH_REVOKED}), so neither Redis nor the
 * bus ever holds a usable token.
 */
public final class TokenDigest {
    private TokenDigest() {}

    public static String of(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
