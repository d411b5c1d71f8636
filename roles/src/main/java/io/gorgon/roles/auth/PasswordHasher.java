package io.gorgon.roles.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;

/**
 * PBKDF2-HMAC-SHA256 password hashes, encoded {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>} with a fresh
 * 16-byte salt per hash. Verification uses the iteration count stored in the hash, so raising
 * {@code auth.pbkdf2Iterations} later does not lock out existing users ({@link #needsRehash} tells when to upgrade).
 */
public final class PasswordHasher {
    public static final int DEFAULT_ITERATIONS = 600_000; // OWASP 2023 for PBKDF2-HMAC-SHA256
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    // A stored hash is trusted data, but bound the work one verify may cost all the same.
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    /**
     * At most one PBKDF2 per core at a time, taken only around the derivation itself: never held across a store round
     * trip, so a slow lookup can't make hashing capacity sit idle.
     */
    private final Semaphore cpu = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    public PasswordHasher(int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("auth.pbkdf2Iterations must be in 1.." + MAX_ITERATIONS + ": " + iterations);
        }
        this.iterations = iterations;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return PREFIX + "$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(derive(password, salt, iterations));
    }

    /** True if the password matches; false for a wrong password and for a malformed hash alike. */
    public boolean verify(String password, String encoded) {
        if (password == null || encoded == null) return false;
        String[] parts = encoded.split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) return false;
        try {
            int iter = Integer.parseInt(parts[1]);
            if (iter < 1 || iter > MAX_ITERATIONS) return false;
            byte[] salt = B64D.decode(parts[2]);
            byte[] expected = B64D.decode(parts[3]);
            if (expected.length != HASH_BITS / 8) return false;
            return MessageDigest.isEqual(expected, derive(password, salt, iter)); // constant time
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** True if the hash was made with other parameters than this hasher's: rehash it at the next good login. */
    public boolean needsRehash(String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$");
        return parts.length != 4 || !parts[0].equals(PREFIX) || !parts[1].equals(Integer.toString(iterations));
    }

    private byte[] derive(String password, byte[] salt, int iterations) {
        cpu.acquireUninterruptibly();
        try {
            return pbkdf2(password, salt, iterations);
        } finally {
            cpu.release();
        }
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
