package io.gorgon.roles.auth;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.Failure;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Message;
import io.gorgon.protocol.Protocol;
import io.gorgon.protocol.PrincipalSignature;
import io.gorgon.protocol.TokenDigest;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import io.gorgon.bus.Ids;
import io.gorgon.roles.json.Valid;
import io.gorgon.protocol.UserInput;
import io.gorgon.protocol.CreateUserResult;
import io.gorgon.protocol.User;
import io.gorgon.protocol.UserJson;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Authentication on auth_get: register, login, logout answered here; every {@code app.*} request has its bearer
 * token checked and is forwarded to app_get with the caller's id as the principal header and without the token. The
 * first request with a token reads its key (GET), then forwards; later ones check the key inside the forward's own
 * script ({@link Message#forwardIf}), so a request costs one Redis command and a revoked token is refused at once. Users live in the store role, reached over the bus.
 */
public final class AuthRole implements Role {
    private final RoleContext ctx;
    /**
     * Register and login (PBKDF2, deliberately slow) share auth_get's handler slots with token checks. They may hold at
     * most a quarter of them; beyond that they are answered 429 at once, so a flood of them can never take the
     * capacity that token checks for every other request need.
     */
    private final Semaphore passwordSlots;
    /**
     * Where the slow part runs: platform threads, one per slot. A handler is a virtual thread, and virtual threads
     * share as many carrier threads as there are cores; a PBKDF2 hash holds its carrier for its whole ~100 ms, so on a
     * 2-core box two hashes held every carrier and token checks waited for them (AuthCapacityTest failed on CI so).
     */
    private final ExecutorService hashers;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuthRole.class);
    private final AuthService auth;
    private final TokenService tokens;
    /** Signs the principal header so app and provider can tell auth's envelopes from forged ones ("" = opted out). */
    private final String principalKey;

    public AuthRole(RoleContext ctx) {
        this.ctx = ctx;
        var cfg = ctx.config();
        this.principalKey = cfg.auth().signingKey(); // fails closed: no key and no explicit opt-out is a startup error
        int slots = Math.max(1, cfg.bus().concurrency() / 4);
        this.passwordSlots = new Semaphore(slots);
        this.hashers = Executors.newFixedThreadPool(slots, Thread.ofPlatform().name("auth-hash-", 0).daemon().factory());
        String ns = cfg.namespace();
        tokens = new TokenService(ctx.redis(), ns, Duration.ofSeconds(cfg.auth().tokenTtlSeconds()));
        auth = new AuthService(new BusUserDirectory(ctx.bus(), ctx.requestTimeout()),
                new PasswordHasher(cfg.auth().pbkdf2Iterations()),
                tokens,
                new RateLimiter(ctx.redis(), ns, cfg.auth().loginAttemptsPerMinute(), Duration.ofMinutes(1)),
                cfg.auth().registrationsPerMinute(), Ids.fromRedis(ctx.redis(), ns));
    }

    @Override
    public void start() {
        ctx.bus().consume(Protocol.AUTH_GET, ctx.consumerOptions(), this::handle);
    }

    private void handle(Message m) throws InterruptedException {
        String type = m.type();
        if (type.startsWith(Protocol.APP_PREFIX)) {
            String token = m.header(Protocol.H_TOKEN);
            if (token == null || token.isBlank()) throw new HandlerFailure(401, "missing bearer token");
            Optional<TokenService.Known> known = tokens.remembered(token);
            if (known.isPresent()) {
                // Seen before: the token check is inside the forward's own script (one Redis command per request).
                TokenService.Known k = known.get();
                if (m.forwardIf(Protocol.APP_GET, type, principalHeaders(m, k.principal().userid()), k.key(), k.stored())) {
                    touch(k);
                    return;
                }
                tokens.forget(k); // revoked, expired or changed since: look it up again, as a first use
            }
            Principal p = auth.validate(token).orElseThrow(() -> new HandlerFailure(401, "invalid or expired token"));
            m.forward(Protocol.APP_GET, type, principalHeaders(m, p.userid())); // the body as it came: never parsed
            return;
        }
        JsonObject body = Valid.body(m);
        switch (type) {
            case Protocol.AUTH_REGISTER -> {
                var reg = Valid.orBadRequest(() -> UserInput.registration(body));
                var result = hashed(() -> auth.register(reg.name(), reg.email(), reg.password(), m.header(Protocol.H_CLIENT)));
                switch (result) {
                    case AuthService.RegisterResult.Registered r -> m.reply(r.user().toPublicJson());
                    case AuthService.RegisterResult.DuplicateEmail d -> throw new HandlerFailure(409, "email already registered");
                    case AuthService.RegisterResult.RateLimited r ->
                            throw new HandlerFailure(429, "too many registrations from this address; retry in " + r.retryAfterSeconds() + " s");
                }
            }
            case Protocol.AUTH_LOGIN -> {
                var creds = Valid.orBadRequest(() -> UserInput.credentials(body));
                var result = hashed(() -> auth.login(creds.email(), creds.password(), m.header(Protocol.H_CLIENT)));
                switch (result) {
                    case AuthService.LoginResult.LoggedIn in -> {
                        JsonObject out = new JsonObject();
                        out.addProperty("token", in.token().token());
                        out.addProperty("userid", Long.toString(in.token().userid()));
                        out.addProperty("expiresAt", in.token().expiresAt());
                        m.reply(out);
                    }
                    case AuthService.LoginResult.BadCredentials b -> throw new HandlerFailure(401, "wrong email or password");
                    case AuthService.LoginResult.RateLimited r ->
                            throw new HandlerFailure(429, "too many login attempts; retry in " + r.retryAfterSeconds() + " s");
                }
            }
            case Protocol.AUTH_VALIDATE -> {
                Principal p = auth.validate(m.header(Protocol.H_TOKEN)).orElseThrow(() -> new HandlerFailure(401, "invalid or expired token"));
                JsonObject out = new JsonObject();
                out.addProperty("userid", Long.toString(p.userid()));
                out.addProperty("expiresAt", p.expiresAt());
                m.reply(out);
            }
            case Protocol.AUTH_LOGOUT -> {
                String token = m.header(Protocol.H_TOKEN);
                Optional<Principal> who = auth.validate(token);
                // A redelivered logout finds its token gone already: it still announces, then answers as the first did.
                if (!(auth.logout(token) || (m.deliveries() > 1 && token != null))) throw new HandlerFailure(401, "invalid or expired token");
                JsonObject revoked = new JsonObject();
                revoked.addProperty("token", TokenDigest.of(token));
                who.ifPresent(p -> revoked.addProperty("userid", Long.toString(p.userid())));
                // Before the answer: once logout returns, notify closes the token's sockets within its read latency.
                Bus.join(ctx.bus().publish(Protocol.AUTH_REVOKED, Protocol.TOKEN_REVOKED, revoked));
                m.reply(new JsonObject());
            }
            case Protocol.AUTH_SESSIONS -> {
                String token = m.header(Protocol.H_TOKEN);
                Principal p = auth.validate(token).orElseThrow(() -> new HandlerFailure(401, "invalid or expired token"));
                JsonObject out = new JsonObject();
                out.add("sessions", new com.google.gson.Gson().toJsonTree(tokens.sessions(p.userid(), token)));
                m.reply(out);
            }
            case Protocol.AUTH_PASSWORD -> {
                String token = m.header(Protocol.H_TOKEN);
                Principal p = auth.validate(token).orElseThrow(() -> new HandlerFailure(401, "invalid or expired token"));
                var change = Valid.orBadRequest(() -> UserInput.passwordChange(body));
                var result = hashed(() -> auth.changePassword(p.userid(), change.oldPassword(), change.newPassword()));
                switch (result) {
                    case AuthService.PasswordResult.Changed c -> {
                        // The caller's session stays; every other one ends, with its sockets.
                        List<String> revoked = tokens.revokeAll(p.userid(), TokenDigest.of(token));
                        announceRevoked(p.userid(), revoked);
                        log.info("event=password_changed user={} tokens_revoked={}", p.userid(), revoked.size());
                        m.reply(new JsonObject());
                    }
                    case AuthService.PasswordResult.WrongPassword w -> throw new HandlerFailure(403, "the current password is wrong");
                    case AuthService.PasswordResult.RateLimited r ->
                            throw new HandlerFailure(429, "too many password attempts; retry in " + r.retryAfterSeconds() + " s");
                }
            }
            case Protocol.AUTH_LOGOUT_ALL -> {
                Principal p = auth.validate(m.header(Protocol.H_TOKEN)).orElseThrow(() -> new HandlerFailure(401, "invalid or expired token"));
                List<String> revoked = tokens.revokeAll(p.userid(), null);
                announceRevoked(p.userid(), revoked);
                log.info("event=logout_all user={} tokens={}", p.userid(), revoked.size());
                m.reply(new JsonObject());
            }
            default -> throw new HandlerFailure(404, "auth does not handle " + type);
        }
    }

    /** The principal (signed over the body's text as it travels) instead of the token, which goes no further. */
    private Map<String, String> principalHeaders(Message m, long userid) {
        Map<String, String> headers = new HashMap<>();
        headers.put(Protocol.H_PRINCIPAL, Long.toString(userid));
        if (!principalKey.isEmpty()) {
            headers.put(Protocol.H_PRINCIPAL_SIG, PrincipalSignature.sign(principalKey, Long.toString(userid), m.header(Protocol.H_REQUEST),
                    m.type(), m.bodyJson()));
        }
        headers.put(Protocol.H_TOKEN, null); // the credential goes no further than auth
        return headers;
    }

    /** The session's last use, after the request is on its way: a failed write must not fail (or re-run) the request. */
    private void touch(TokenService.Known k) {
        try {
            tokens.used(k);
        } catch (RuntimeException e) {
            log.warn("event=session_touch_failed user={} cause=\"{}\"", k.principal().userid(), String.valueOf(e.getMessage()).replace('"', '\''));
        }
    }

    /** Before the answer: once it returns, notify closes those tokens' sockets within its read latency. */
    private void announceRevoked(long userid, List<String> digests) {
        for (String d : digests) {
            JsonObject revoked = new JsonObject();
            revoked.addProperty("token", d);
            revoked.addProperty("userid", Long.toString(userid));
            Bus.join(ctx.bus().publish(Protocol.AUTH_REVOKED, Protocol.TOKEN_REVOKED, revoked));
        }
    }

    private <T> T hashed(java.util.function.Supplier<T> work) {
        if (!passwordSlots.tryAcquire()) throw new HandlerFailure(429, "too many logins and registrations in progress; retry shortly");
        try {
            Future<T> done = hashers.submit(() -> Valid.orBadRequest(work));
            try {
                return done.get(); // parks this virtual thread: its carrier is free for token checks meanwhile
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                done.cancel(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hashing", e);
            }
        } finally {
            passwordSlots.release();
        }
    }

    @Override
    public void close() {
        hashers.shutdownNow();
    }


    @Override
    public void stop() {}

    /** Users through the store role: creates on store_put, lookups on store_get. */
    static final class BusUserDirectory implements UserDirectory {
        private final Bus bus;
        private final Duration timeout;

        BusUserDirectory(Bus bus, Duration timeout) {
            this.bus = bus;
            this.timeout = timeout;
        }

        @Override
        public CreateUserResult create(User user) {
            JsonObject body = new JsonObject();
            body.add("user", UserJson.toInternal(user));
            try {
                Bus.join(bus.request(Protocol.STORE_PUT, Protocol.STORE_USER_CREATE, body, timeout));
                return new CreateUserResult.Created(user);
            } catch (BusException e) {
                if (e.failure() == Failure.HANDLER_FAILED && e.code() == 409) return new CreateUserResult.DuplicateEmail(user.email());
                throw e;
            }
        }

        @Override
        public boolean rehash(User user, String passhash) {
            JsonObject body = new JsonObject();
            body.addProperty("id", Long.toString(user.id()));
            body.addProperty("old", user.passhash());
            body.addProperty("passhash", passhash);
            JsonElement r = Bus.join(bus.request(Protocol.STORE_PUT, Protocol.STORE_USER_REHASH, body, timeout));
            return r.getAsJsonObject().get("replaced").getAsBoolean();
        }

        @Override
        public Optional<User> byEmail(String email) {
            JsonObject body = new JsonObject();
            body.addProperty("email", email);
            JsonElement r = Bus.join(bus.request(Protocol.STORE_GET, Protocol.STORE_USER_BY_EMAIL, body, timeout));
            JsonElement u = r.getAsJsonObject().get("user");
            return u == null || u.isJsonNull() ? Optional.empty() : Optional.of(UserJson.fromInternal(u.getAsJsonObject()));
        }

        @Override
        public Optional<User> byId(long id) {
            JsonObject body = new JsonObject();
            body.addProperty("id", Long.toString(id));
            JsonElement u = Bus.join(bus.request(Protocol.STORE_GET, Protocol.STORE_USER_BY_ID, body, timeout)).getAsJsonObject().get("user");
            return u == null || u.isJsonNull() ? Optional.empty() : Optional.of(UserJson.fromInternal(u.getAsJsonObject()));
        }

        @Override
        public boolean setPasshash(long id, String passhash) {
            JsonObject body = new JsonObject();
            body.addProperty("id", Long.toString(id));
            body.addProperty("passhash", passhash);
            try {
                Bus.join(bus.request(Protocol.STORE_PUT, Protocol.STORE_USER_PASSWORD, body, timeout));
                return true;
            } catch (BusException e) {
                if (e.failure() == Failure.HANDLER_FAILED && e.code() == 404) return false;
                throw e;
            }
        }
    }
}
