package io.gorgon.roles.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.protocol.TokenDigest;
import io.gorgon.roles.testing.InfraTestBase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A user's tokens as sessions (created, last used, client; never the token) and revoking them all. */
class SessionsTest extends InfraTestBase {
    private TokenService tokens;

    @BeforeEach
    void fresh() {
        infra.redis.flushAll();
        tokens = new TokenService(infra.redis, "t", Duration.ofHours(1));
    }

    @Test
    void sessionsListLiveTokensWithoutThemAndLogoutAllRevokesEvery() {
        String phone = tokens.issue(7, "10.0.0.1").token();
        String laptop = tokens.issue(7, "10.0.0.2").token();
        String other = tokens.issue(8, "10.0.0.3").token();
        tokens.revoke(tokens.issue(7, "10.0.0.4").token());

        List<Sessions.Session> mine = tokens.sessions(7, laptop);
        assertEquals(2, mine.size(), mine.toString());
        assertEquals(List.of("10.0.0.2", "10.0.0.1"), mine.stream().map(Sessions.Session::client).sorted(java.util.Comparator.reverseOrder()).toList());
        assertTrue(mine.stream().filter(Sessions.Session::current).allMatch(s -> s.client().equals("10.0.0.2")));
        for (Sessions.Session s : mine) {
            assertFalse(s.toString().contains(phone) || s.toString().contains(laptop), "never the token");
            assertTrue(s.created() > 0 && s.lastUsed() >= s.created() && s.expiresAt() > s.created());
        }

        List<String> revoked = tokens.revokeAll(7, TokenDigest.of(laptop));
        assertEquals(List.of(TokenDigest.of(phone)), revoked, "all but the one kept");
        assertTrue(tokens.validate(phone).isEmpty());
        assertTrue(tokens.validate(laptop).isPresent());
        assertEquals(1, tokens.revokeAll(7, null).size());
        assertTrue(tokens.validate(laptop).isEmpty());
        assertEquals(List.of(), tokens.sessions(7, null));
        assertTrue(tokens.validate(other).isPresent(), "another user's session is untouched");
    }
}
