package io.gorgon.roles.auth;

import io.gorgon.bus.Ids;
import io.gorgon.protocol.InputException;
import io.gorgon.protocol.UserInput;
import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** Everything the auth role does: register, login (rate-limited), logout, validate. */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final TokenService tokens;
    private final RateLimiter loginLimiter;
    private final Ids ids;
    /** Verified against when the email is unknown, so both failures take as long (no user enumeration by timing). */
    private final String decoyHash;

    /** @param loginLimiter counts login attempts per email and per client address ({@code auth.loginAttemptsPerMinute}) */
    public AuthService(UserDirectory users, PasswordHasher hasher, TokenService tokens, RateLimiter loginLimiter, Ids ids) {
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.loginLimiter = loginLimiter;
        this.ids = ids;
        this.decoyHash = hasher.hash("decoy password that no user has");
    }

    public sealed interface RegisterResult {
        record Registered(User user) implements RegisterResult {}

        record DuplicateEmail(String email) implements RegisterResult {}
    }

    public sealed interface LoginResult {
        record LoggedIn(TokenService.Issued token) implements LoginResult {}

        record BadCredentials() implements LoginResult {}

        record RateLimited(long retryAfterSeconds) implements LoginResult {}
    }

    /**
     * Creates a user with a fresh id and a hashed password. Throws {@link InputException} for a malformed email or a
     * password shorter than {@link UserInput#PASSWORD_MIN_CHARS}.
     */
    public RegisterResult register(String name, String email, String password) {
        String normalized = UserInput.email("email", email);
        if (password == null || password.codePointCount(0, password.length()) < UserInput.PASSWORD_MIN_CHARS) {
            throw new InputException("password", "must be at least " + UserInput.PASSWORD_MIN_CHARS + " chars");
        }
        if (password.length() > UserInput.PASSWORD_MAX_CHARS) {
            throw new InputException("password", "longer than " + UserInput.PASSWORD_MAX_CHARS + " chars");
        }
        User u = new User(ids.next(), name == null ? "" : name.strip(), normalized, hasher.hash(password), System.currentTimeMillis());
        CreateUserResult r = users.create(u);
        if (r instanceof CreateUserResult.Created c) {
            log.info("event=register user={}", c.user().id());
            return new RegisterResult.Registered(c.user());
        }
        log.info("event=register_duplicate_email");
        return new RegisterResult.DuplicateEmail(normalized);
    }

    /** Counts the attempt against the email and the client address first; then checks the password. */
    public LoginResult login(String email, String password, String clientAddress) {
        String normalized = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        RateLimiter.Decision d = clientAddress == null || clientAddress.isBlank()
                ? loginLimiter.hit(emailBucket(normalized))
                : loginLimiter.hit(emailBucket(normalized), "login:addr:" + clientAddress);
        if (!d.allowed()) {
            log.info("event=login_rate_limited addr={} retry_after_s={}", clientAddress, d.retryAfterSeconds());
            return new LoginResult.RateLimited(d.retryAfterSeconds());
        }
        Optional<User> user = normalized.isEmpty() ? Optional.empty() : users.byEmail(normalized);
        boolean ok = hasher.verify(password == null ? "" : password, user.map(User::passhash).orElse(decoyHash)) && user.isPresent();
        if (!ok) {
            log.info("event=login_failed addr={}", clientAddress);
            return new LoginResult.BadCredentials();
        }
        TokenService.Issued t = tokens.issue(user.get().id());
        log.info("event=login user={} addr={}", user.get().id(), clientAddress);
        return new LoginResult.LoggedIn(t);
    }

    /** True if the token was live. */
    public boolean logout(String token) {
        return tokens.revoke(token);
    }

    public Optional<Principal> validate(String token) {
        return tokens.validate(token);
    }

    /** Emails are hashed in keys: Redis holds no plain addresses. */
    private static String emailBucket(String email) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
            return "login:email:" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
