package io.gorgon.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The principal header is what auth vouches for; anyone who can write to Redis could set it on an envelope of their
 * own. With a mesh key ({@code auth.principalKey}, known to auth and app only, never stored in Redis) auth adds
 * {@link Protocol#H_PRINCIPAL_SIG}: an HMAC-SHA256 over the principal, the request name, the type and the body, so a
 * forged or altered envelope fails the check at app and is dead-lettered. The body is signed and verified as the JSON
 * text it travels as ({@code Message.bodyJson()}): auth forwards that text unchanged, so neither side parses it. Replaying a captured envelope verbatim
 * is a redelivery of the same request (the same note, by its request name), not a new act.
 */
public final class PrincipalSignature {
    private PrincipalSignature() {}

    public static String sign(String key, String principal, String request, String type, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (String part : new String[]{principal, request, type, body}) {
                mac.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0); // separator: no two part lists sign alike
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time check of {@code signature} against what {@link #sign} gives. */
    public static boolean verify(String key, String signature, String principal, String request, String type, String body) {
        if (signature == null) return false;
        byte[] expected = sign(key, principal, request, type, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
}
