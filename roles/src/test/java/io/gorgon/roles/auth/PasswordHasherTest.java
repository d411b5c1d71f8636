package io.gorgon.roles.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {
    private final PasswordHasher fast = new PasswordHasher(1_000);

    @Test
    void roundTripAndWrongPassword() {
        String h = fast.hash("correct horse battery");
        assertTrue(h.matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), h);
        assertTrue(fast.verify("correct horse battery", h));
        assertFalse(fast.verify("correct horse batterY", h));
        assertFalse(fast.verify("", h));
        assertNotEquals(h, fast.hash("correct horse battery"), "a fresh salt each time");
    }

    @Test
    void theStoredIterationCountIsHonoured() {
        String old = fast.hash("pw-from-2026");
        PasswordHasher stronger = new PasswordHasher(2_000);
        assertTrue(stronger.verify("pw-from-2026", old), "raising the config must not lock out old users");
        assertTrue(stronger.needsRehash(old));
        assertFalse(fast.needsRehash(old));
    }

    @Test
    void malformedHashesNeverVerify() {
        String h = fast.hash("pw");
        for (String bad : new String[]{null, "", "plain", h.replace("pbkdf2-sha256", "md5"), h.replace("$1000$", "$0$"),
                h.replace("$1000$", "$99999999999$"), h.substring(0, h.length() - 4), h + "$x", h.replace("$1000$", "$abc$")}) {
            assertFalse(fast.verify("pw", bad), String.valueOf(bad));
        }
    }

    @Test
    void theDefaultIterationCountWorks() {
        PasswordHasher real = new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS);
        long t = System.nanoTime();
        String h = real.hash("correct horse battery");
        long ms = (System.nanoTime() - t) / 1_000_000;
        System.out.printf("event=pbkdf2_default iterations=%d hash_ms=%d%n", PasswordHasher.DEFAULT_ITERATIONS, ms);
        assertTrue(h.startsWith("pbkdf2-sha256$600000$"));
        assertTrue(real.verify("correct horse battery", h));
        assertTrue(fast.verify("correct horse battery", h), "any hasher verifies by the stored count");
    }
}
