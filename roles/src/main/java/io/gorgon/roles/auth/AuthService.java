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
import java.time.Duration;
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
    private final int registrationsPerMinute;
    private final Ids ids;
    /** Verified against when the email is unknown, so both failures take as long (no user enumeration by timing). */
    private final String decoyHash;

    /**
     * @param loginLimiter           counts login attempts per email and address pair and per address, at
     *                               {@code auth.loginAttemptsPerMinute}; and per email at ten times that per hour
     * @param registrationsPerMinute registrations per client address ({@code auth.registrationsPerMinute})
     */
    public AuthService(UserDirectory users, PasswordHasher hasher, TokenService tokens, RateLimiter loginLimiter,
                       int registrationsPerMinute, Ids ids) {
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.loginLimiter = loginLimiter;
        this.registrationsPerMinute = registrationsPerMinute;
        this.ids = ids;
        this.decoyHash = hasher.hash("decoy password that no user has");
    }

    public sealed interface RegisterResult {
        record Registered(User user) implements RegisterResult {}

        record DuplicateEmail(String email) implements RegisterResult {}

        record RateLimited(long retryAfterSeconds) implements RegisterResult {}
    }

    public sealed interface LoginResult {
        record LoggedIn(TokenService.Issued token) implements LoginResult {}

        record BadCredentials() implements LoginResult {}

        record RateLimited(long retryAfterSeconds) implements LoginResult {}
    }

    /** {@link #register(String, String, String, String)} with no client address (no per-address limit). */
    public RegisterResult register(String name, String email, String password) {
        return register(name, email, password, null);
    }

    /**
     * Creates a user with a fresh id and a hashed password. Throws {@link InputException} for a malformed email or a
     * password shorter than {@link UserInput#PASSWORD_MIN_CHARS}. The costly steps come last: the per-address limit
     * first, then the duplicate-email lookup, and PBKDF2 only for an email that is new.
     */
    public RegisterResult register(String name, String email, String password, String clientAddress) {
        String normalized = UserInput.email("email", email);
        if (password == null || password.codePointCount(0, password.length()) < UserInput.PASSWORD_MIN_CHARS) {
            throw new InputException("password", "must be at least " + UserInput.PASSWORD_MIN_CHARS + " chars");
        }
        if (password.length() > UserInput.PASSWORD_MAX_CHARS) {
            throw new InputException("password", "longer than " + UserInput.PASSWORD_MAX_CHARS + " chars");
        }
        if (clientAddress != null && !clientAddress.isBlank()) {
            RateLimiter.Decision d = loginLimiter.hit(new RateLimiter.Bucket("register:addr:" + clientAddress, registrationsPerMinute, Duration.ofMinutes(1)));
            if (!d.allowed()) {
                log.info("event=register_rate_limited addr={} retry_after_s={}", clientAddress, d.retryAfterSeconds());
                return new RegisterResult.RateLimited(d.retryAfterSeconds());
            }
        }
        if (users.byEmail(normalized).isPresent()) {
            log.info("event=register_duplicate_email");
            return new RegisterResult.DuplicateEmail(normalized);
        }
        User u = new User(ids.next(), name == null ? "" : name.strip(), normalized, hasher.hash(password), System.currentTimeMillis());
        CreateUserResult r = users.create(u); // the store still decides a race between two new registrations
        if (r instanceof CreateUserResult.Created c) {
            log.info("event=register user={}", c.user().id());
            return new RegisterResult.Registered(c.user());
        }
        log.info("event=register_duplicate_email");
        return new RegisterResult.DuplicateEmail(normalized);
    }

    /**
     * Counts the attempt first, then checks the password. Buckets: the email and address pair and the address at the
     * per-minute limit, so nobody can lock a user out by burning the email's budget from their own address; and the
     * email alone at ten times that per hour, which bounds a guess spread over many addresses.
     */
    public LoginResult login(String email, String password, String clientAddress) {
        String normalized = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        String addr = clientAddress == null ? "" : clientAddress.strip();
        RateLimiter.Bucket emailCap = new RateLimiter.Bucket(bucket("login:email:", normalized), loginLimiter.limit() * 10, Duration.ofHours(1));
        RateLimiter.Bucket pair = new RateLimiter.Bucket(bucket("login:pair:", normalized + "\n" + addr), loginLimiter.limit(), loginLimiter.window());
        RateLimiter.Decision d = addr.isEmpty()
                ? loginLimiter.hit(pair, emailCap)
                : loginLimiter.hit(pair, emailCap, new RateLimiter.Bucket("login:addr:" + addr, loginLimiter.limit(), loginLimiter.window()));
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
        rehashIfWeak(user.get(), password);
        TokenService.Issued t = tokens.issue(user.get().id(), addr.isEmpty() ? null : addr);
        log.info("event=login user={} addr={}", user.get().id(), clientAddress);
        return new LoginResult.LoggedIn(t);
    }

    /**
     * A login that proved the password upgrades a hash made with other parameters (e.g. before the iteration count was
     * raised) to the current ones. Best effort: a failure leaves the old hash, which still verifies.
     */
    private void rehashIfWeak(User user, String password) {
        if (!hasher.needsRehash(user.passhash())) return;
        try {
            boolean done = users.rehash(user, hasher.hash(password));
            log.info("event=password_rehashed user={} replaced={}", user.id(), done);
        } catch (RuntimeException e) {
            log.warn("event=password_rehash_failed user={} cause=\"{}\"", user.id(), String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
        }
    }

    public sealed interface PasswordResult {
        record Changed() implements PasswordResult {}

        record WrongPassword() implements PasswordResult {}

        record RateLimited(long retryAfterSeconds) implements PasswordResult {}
    }

    /**
     * Checks the current password (attempts counted per user like logins, so a stolen token cannot guess it quickly)
     * and stores the new one's hash. Revoking the user's other tokens is the caller's next step.
     */
    public PasswordResult changePassword(long userid, String oldPassword, String newPassword) {
        RateLimiter.Decision d = loginLimiter.hit(new RateLimiter.Bucket("password:" + userid, loginLimiter.limit(), loginLimiter.window()));
        if (!d.allowed()) return new PasswordResult.RateLimited(d.retryAfterSeconds());
        Optional<User> user = users.byId(userid);
        boolean ok = hasher.verify(oldPassword, user.map(User::passhash).orElse(decoyHash)) && user.isPresent();
        if (!ok || !users.setPasshash(userid, hasher.hash(newPassword))) {
            log.info("event=password_change_refused user={}", userid);
            return new PasswordResult.WrongPassword();
        }
        return new PasswordResult.Changed();
    }

    /** True if the token was live. */
    public boolean logout(String token) {
        return tokens.revoke(token);
    }

    public Optional<Principal> validate(String token) {
        return tokens.validate(token);
    }

    /** Emails are hashed in keys: Redis holds no plain addresses. */
    private static String bucket(String prefix, String email) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
