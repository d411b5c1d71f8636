package io.gorgon.roles.auth;

import com.mongodb.client.MongoDatabase;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.Ids;
import io.gorgon.protocol.InputException;
import io.gorgon.roles.store.StoreService;
import io.gorgon.roles.testing.InfraTestBase;
import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.User;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Auth against the real store (mongo-java-server) and a real Redis, with a cheap hash count. */
class AuthServiceTest extends InfraTestBase {
    private static int counter;
    private StoreService store;
    private TokenService tokens;
    private AuthService auth;

    @BeforeEach
    void fresh() {
        MongoDatabase db = infra.freshDatabase("auth_test_" + (counter++));
        store = new StoreService(db, infra.redis, StoreService.Options.defaults("t"));
        tokens = new TokenService(infra.redis, "t", Duration.ofHours(1));
        auth = new AuthService(direct(store), new PasswordHasher(1_000), tokens,
                new RateLimiter(infra.redis, "t" + counter, 3, Duration.ofMinutes(1)), 3, new Ids(1));
    }

    /** The store in this JVM in place of the bus round trip, so these tests check auth's own rules. */
    private static UserDirectory direct(StoreService store) {
        return new UserDirectory() {
            @Override
            public CreateUserResult create(User user) {
                return store.createUser(user);
            }

            @Override
            public java.util.Optional<User> byEmail(String email) {
                return store.userByEmail(email);
            }

            @Override
            public boolean rehash(User user, String passhash) {
                return store.rehashUser(user.id(), user.passhash(), passhash);
            }
        };
    }

    private User register(String email) {
        return assertInstanceOf(AuthService.RegisterResult.Registered.class, auth.register("Ann", email, "correct horse")).user();
    }

    private TokenService.Issued login(String email, String password, String addr) {
        return assertInstanceOf(AuthService.LoginResult.LoggedIn.class, auth.login(email, password, addr)).token();
    }

    @Test
    void registerThenLoginThenValidateThenLogout() {
        User ann = register("Ann@Example.org");
        assertEquals("ann@example.org", ann.email());
        assertTrue(ann.passhash().startsWith("pbkdf2-sha256$1000$"));
        assertEquals(ann.passhash(), store.userByEmail("ann@example.org").orElseThrow().passhash(), "stored in MongoDB");
        TokenService.Issued t = login("  ANN@example.org ", "correct horse", "10.0.0.1");
        assertEquals(ann.id(), t.userid());
        Principal p = auth.validate(t.token()).orElseThrow();
        assertEquals(ann.id(), p.userid());
        assertTrue(p.expiresAt() > System.currentTimeMillis() + 3_500_000);
        assertTrue(auth.logout(t.token()));
        assertTrue(auth.validate(t.token()).isEmpty(), "a revoked token is rejected");
        assertFalse(auth.logout(t.token()));
    }

    @Test
    void duplicateEmailAndBadInput() {
        register("ann@example.org");
        assertEquals(new AuthService.RegisterResult.DuplicateEmail("ann@example.org"), auth.register("Other", "ANN@example.org", "another pw"));
        assertEquals("password", assertThrows(InputException.class, () -> auth.register("x", "x@example.org", "short")).field());
        assertEquals("email", assertThrows(InputException.class, () -> auth.register("x", "not-an-email", "long enough")).field());
    }

    @Test
    void wrongPasswordAndUnknownEmailLookTheSame() {
        register("ann@example.org");
        assertInstanceOf(AuthService.LoginResult.BadCredentials.class, auth.login("ann@example.org", "wrong horse", "a1"));
        assertInstanceOf(AuthService.LoginResult.BadCredentials.class, auth.login("bob@example.org", "correct horse", "a2"));
        assertInstanceOf(AuthService.LoginResult.BadCredentials.class, auth.login(null, null, null));
    }

    @Test
    void tokensAreRandomStoredOnlyAsHashesAndForgeriesFail() {
        User ann = register("ann@example.org");
        TokenService.Issued a = login("ann@example.org", "correct horse", "a");
        TokenService.Issued b = login("ann@example.org", "correct horse", "b");
        assertNotEquals(a.token(), b.token());
        assertEquals(32, Base64.getUrlDecoder().decode(a.token()).length);
        Set<String> keys = infra.redis.keys("t:token:*");
        assertEquals(2, keys.size());
        for (String k : keys) assertFalse(k.contains(a.token()) || infra.redis.get(k).contains(a.token()), "no plain token in Redis");
        assertTrue(keys.contains("t:token:" + sha256(a.token())));

        char[] c = a.token().toCharArray();
        c[10] = c[10] == 'A' ? 'B' : 'A';
        assertTrue(auth.validate(new String(c)).isEmpty(), "one character changed");
        assertTrue(auth.validate(sha256(a.token())).isEmpty(), "the stored hash is not a token");
        assertTrue(auth.validate("").isEmpty());
        assertTrue(auth.validate(null).isEmpty());
        assertTrue(auth.validate(a.token() + "x").isEmpty());
        assertEquals(ann.id(), auth.validate(b.token()).orElseThrow().userid());
    }

    @Test
    void tokensExpire() {
        TokenService shortLived = new TokenService(infra.redis, "t", Duration.ofMillis(300));
        TokenService.Issued t = shortLived.issue(77);
        assertEquals(77, shortLived.validate(t.token()).orElseThrow().userid());
        assertTrue(infra.redis.pttl("t:token:" + sha256(t.token())) <= 300);
        Await.until(Duration.ofSeconds(5), "token expiry", () -> shortLived.validate(t.token()).isEmpty());
        Await.until(Duration.ofSeconds(5), "Redis dropping the key itself", () -> !infra.redis.exists("t:token:" + sha256(t.token())));
    }

    @Test
    void loginsAreLimitedPerEmailAndAddressPairAndPerAddress() {
        register("ann@example.org");
        register("bob@example.org");
        // limit 3 per minute: an attacker at "evil" burns the (ann, evil) pair...
        for (int i = 0; i < 3; i++) assertInstanceOf(AuthService.LoginResult.BadCredentials.class, auth.login("ann@example.org", "guess", "evil"));
        AuthService.LoginResult.RateLimited r = assertInstanceOf(AuthService.LoginResult.RateLimited.class,
                auth.login("ann@example.org", "correct horse", "evil"));
        assertTrue(r.retryAfterSeconds() >= 1 && r.retryAfterSeconds() <= 60, "retry after " + r.retryAfterSeconds());
        // ...which does not lock Ann out from her own address (issue 12 #11: per-email buckets were a lockout tool).
        login("ann@example.org", "correct horse", "home");
        // One address spends its own budget across emails.
        login("bob@example.org", "correct horse", "a1");
        assertInstanceOf(AuthService.LoginResult.BadCredentials.class, auth.login("carol@example.org", "x", "a1"));
        assertInstanceOf(AuthService.LoginResult.BadCredentials.class, auth.login("dave@example.org", "x", "a1"));
        assertInstanceOf(AuthService.LoginResult.RateLimited.class, auth.login("erin@example.org", "x", "a1"));
    }

    @Test
    void aGuessSpreadOverManyAddressesHitsTheSlowPerEmailCap() {
        register("ann@example.org");
        // 10 x 3 per hour per email, whatever the addresses.
        for (int i = 0; i < 30; i++) assertInstanceOf(AuthService.LoginResult.BadCredentials.class, auth.login("ann@example.org", "guess", "bot" + i));
        assertInstanceOf(AuthService.LoginResult.RateLimited.class, auth.login("ann@example.org", "guess", "bot-new"));
    }

    @Test
    void registrationsAreLimitedPerAddress() {
        // Issue 12 #2: one address created 61 accounts in 12 s, none answered 429.
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(AuthService.RegisterResult.Registered.class, auth.register("U", "u" + i + "@example.org", "correct horse", "10.0.0.9"));
        }
        AuthService.RegisterResult.RateLimited r = assertInstanceOf(AuthService.RegisterResult.RateLimited.class,
                auth.register("U", "u9@example.org", "correct horse", "10.0.0.9"));
        assertTrue(r.retryAfterSeconds() >= 1 && r.retryAfterSeconds() <= 60);
        assertTrue(store.userByEmail("u9@example.org").isEmpty());
        assertInstanceOf(AuthService.RegisterResult.Registered.class, auth.register("U", "u9@example.org", "correct horse", "10.0.0.10"));
    }

    @Test
    void aGoodLoginRedoesAHashMadeWithAnotherIterationCount() {
        // Issue 12 #11: 210,000 iterations is below OWASP's 600,000; raising the count must upgrade existing users.
        register("ann@example.org");
        AuthService stronger = new AuthService(direct(store), new PasswordHasher(2_000), tokens,
                new RateLimiter(infra.redis, "strong" + counter, 3, Duration.ofMinutes(1)), 3, new Ids(3));
        assertInstanceOf(AuthService.LoginResult.BadCredentials.class, stronger.login("ann@example.org", "wrong horse", "a"));
        assertTrue(store.userByEmail("ann@example.org").orElseThrow().passhash().startsWith("pbkdf2-sha256$1000$"), "not on a failed login");
        assertInstanceOf(AuthService.LoginResult.LoggedIn.class, stronger.login("ann@example.org", "correct horse", "a"));
        assertTrue(store.userByEmail("ann@example.org").orElseThrow().passhash().startsWith("pbkdf2-sha256$2000$"));
        assertInstanceOf(AuthService.LoginResult.LoggedIn.class, stronger.login("ann@example.org", "correct horse", "b"));
    }

    @Test
    void aKnownEmailIsRefusedBeforeAnyHashing() {
        register("ann@example.org");
        // Hashing comes right before create: a directory whose create must not be reached proves neither ran.
        UserDirectory lookupOnly = new UserDirectory() {
            @Override
            public CreateUserResult create(User user) {
                throw new AssertionError("hashed and created for a known email");
            }

            @Override
            public java.util.Optional<User> byEmail(String email) {
                return store.userByEmail(email);
            }
        };
        AuthService a = new AuthService(lookupOnly, new PasswordHasher(1_000), tokens,
                new RateLimiter(infra.redis, "known" + counter, 3, Duration.ofMinutes(1)), 3, new Ids(2));
        assertEquals(new AuthService.RegisterResult.DuplicateEmail("ann@example.org"), a.register("A", "ANN@example.org", "another pw", "x"));
    }

    @Test
    void rateLimitWindowsEnd() {
        RateLimiter rl = new RateLimiter(infra.redis, "t", 2, Duration.ofMillis(400));
        assertTrue(rl.hit("k").allowed());
        assertTrue(rl.hit("k").allowed());
        RateLimiter.Decision no = rl.hit("k");
        assertFalse(no.allowed());
        assertEquals(1, no.retryAfterSeconds());
        assertTrue(rl.hit("other").allowed());
        Await.until(Duration.ofSeconds(5), "window end", () -> !infra.redis.exists("t:ratelimit:k"));
        assertTrue(rl.hit("k").allowed());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
