package io.gorgon.roles.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    @Test
    void hmacSha256MatchesTheRfc4231Vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                WebhookSender.sign("Jefe", "what do ya want for nothing?"));
    }
}
