package io.gorgon.roles.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.EmbeddedSecrets;
import io.gorgon.roles.config.GorgonConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 12 #9: the embedded Redis had no password, so any local process could read and write the mesh's queues.
 * It now requires one, generated on the first start into its data directory (0600), reused on every restart, and
 * found by every client of the mesh without the user doing anything.
 */
class EmbeddedRedisSecretsTest {
    @TempDir Path tmp;

    @Test
    void theEmbeddedRedisRequiresItsGeneratedPasswordWhichEveryClientFindsAndARestartKeeps() throws Exception {
        int port = LocalRedis.freePort();
        Path redisDir = tmp.resolve("redis");
        List<String> sets = List.of("redis.uri=redis://127.0.0.1:" + port, "redis.dir=" + redisDir, "mongo.embedded=false",
                "namespace=secrets");
        GorgonConfig plain = ConfigLoader.load(null, sets, Map.of());
        assertEquals(plain, EmbeddedSecrets.apply(plain, false), "a read-only command before the first start generates nothing");
        assertFalse(Files.exists(redisDir.resolve(EmbeddedSecrets.FILE)));

        GorgonConfig cfg = EmbeddedSecrets.apply(plain, true);
        Path file = redisDir.resolve(EmbeddedSecrets.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String password = cfg.redis().password();
        assertTrue(password.length() >= 40 && cfg.auth().principalKey().length() >= 40, "256-bit secrets");
        assertFalse(cfg.toRedactedJson().contains(password) || cfg.toRedactedJson().contains(cfg.auth().principalKey()),
                "config show and the published document mask both");

        try (EmbeddedInfra infra = EmbeddedInfra.start(cfg, tmp.resolve("logs"))) {
            try (Jedis anonymous = new Jedis("127.0.0.1", port)) {
                JedisDataException e = assertThrows(JedisDataException.class, anonymous::ping);
                assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
            }
            long pid = infra.toJson().getAsJsonObject("redis").get("pid").getAsLong();
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
            assertFalse(cmdline.contains(password), "the password is not on redis-server's command line (ps): " + cmdline);

            // The mesh's clients (bus, roles, supervisor) connect with the config's bus URI: a round trip works.
            try (TestBuses buses = new TestBuses(cfg.redis().busUri())) {
                buses.bus("echo").consume("echo_q", ConsumerOptions.defaults(), m -> m.reply(m.body()));
                JsonObject hello = new JsonObject();
                hello.addProperty("hi", 1);
                Bus caller = buses.bus("caller");
                assertEquals(hello, caller.request("echo_q", "echo", hello, new DeliveryOptions(Map.of(), Duration.ofSeconds(10))).join());
            }
            // A CLI command finds the password by itself, from the same config.
            assertEquals(0, gorgon(sets, "dlq", "list"));
            try (Jedis j = RedisConnections.open(cfg.redis().busUri())) {
                j.set("kept", "yes");
            }
        }

        GorgonConfig again = EmbeddedSecrets.apply(ConfigLoader.load(null, sets, Map.of()), true);
        assertEquals(cfg, again, "a restart reuses the same secrets");
        try (EmbeddedInfra infra = EmbeddedInfra.start(again, tmp.resolve("logs"));
             Jedis j = RedisConnections.open(again.redis().busUri())) {
            assertEquals("yes", j.get("kept"));
        }
    }

    private static int gorgon(List<String> sets, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        for (String s : sets) all.addAll(List.of("--set", s));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Gorgon.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), Map.of());
        assertEquals(0, code, () -> "gorgon " + all + ": " + err);
        return code;
    }
}
