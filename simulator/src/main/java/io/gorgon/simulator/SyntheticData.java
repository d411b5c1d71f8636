package io.gorgon.simulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gorgon.bus.Ids;
import io.gorgon.protocol.Item;
import io.gorgon.protocol.User;
import io.gorgon.protocol.UserJson;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The store_put messages the simulator sends, in the exact shapes the provider and the auth role send them.
 *
 * <p>Users: hashing 10k passwords at 210k PBKDF2 iterations would take over half an hour of CPU, so every synthetic
 * user carries the SAME hash of {@link #PASSWORD}, computed once per run (a fresh salt, the auth role's format and
 * iteration count, so a login as a synthetic user verifies normally and needs no rehash). Synthetic users therefore
 * share one password: fine for a load test, and their emails ({@code sim-<tag>-<n>@sim.gorgon.test}) say what they are.
 */
final class SyntheticData {
    static final String PASSWORD = "gorgon-simulated-user";
    static final int PBKDF2_ITERATIONS = 600_000; // as auth's default, so synthetic users are not rehashed at their first login
    static final String EMAIL_DOMAIN = "sim.gorgon.test";

    private static final String[] WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
            + "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu river harbor market "
            + "signal lantern orbit granite meadow copper falcon ember tide summit canyon willow quartz beacon").split(" ");
    private static final long THIRTY_DAYS_MS = 30L * 24 * 3600 * 1000;

    private SyntheticData() {}

    /** {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}: the auth role's PasswordHasher format. */
    static String passhash(String password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        try {
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Body of a {@code store.user.create} message. */
    static JsonObject userCreate(long id, String runTag, int n, String passhash) {
        User u = new User(id, "Sim User " + n, "sim-" + runTag + "-" + n + "@" + EMAIL_DOMAIN, passhash, System.currentTimeMillis());
        JsonObject body = new JsonObject();
        body.add("user", UserJson.toInternal(u));
        return body;
    }

    /**
     * Body of a {@code store.items.put} of {@code n} seed notes, each of a random one of {@code userIds}, dated some
     * time in the last 30 days.
     */
    static JsonObject seedItems(int n, Ids ids, long[] userIds, long now) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        JsonArray items = new JsonArray(n);
        for (int i = 0; i < n; i++) items.add(item(ids.next(), userIds[r.nextInt(userIds.length)], now - r.nextLong(THIRTY_DAYS_MS)));
        JsonObject body = new JsonObject();
        body.add("items", items);
        return body;
    }

    /**
     * Body of a {@code store.item.put} for a note inserted during the load: dated now and marked with the run tag and
     * a sequence number, so the checker can find notes it never sent (unexpected) and one note stored twice.
     */
    static JsonObject loadItem(long id, long userid, long now, String runTag, long seq) {
        JsonObject item = item(id, userid, now);
        item.addProperty("simrun", runTag);
        item.addProperty("simseq", seq);
        return itemPut(item);
    }

    private static JsonObject item(long id, long userid, long ts) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int nk = 1 + r.nextInt(3);
        List<String> keywords = new ArrayList<>(nk);
        for (int i = 0; i < nk; i++) keywords.add(WORDS[r.nextInt(WORDS.length)]);
        return new Item(id, userid, words(r, 3 + r.nextInt(5)), words(r, 12 + r.nextInt(30)), null, ts, null, keywords, null).toJson();
    }

    private static JsonObject itemPut(JsonObject item) {
        JsonObject body = new JsonObject();
        body.add("item", item);
        return body;
    }

    private static String words(ThreadLocalRandom r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(' ');
            b.append(WORDS[r.nextInt(WORDS.length)]);
        }
        return b.toString();
    }
}
