package io.gorgon.roles.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.testing.ApiUser;
import io.gorgon.roles.testing.Http;
import io.gorgon.roles.testing.Mesh;
import io.gorgon.roles.testing.NotifySocket;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The README's Redis ACLs are enough and no more: every role runs as its own Redis user ({@link RedisAcl}) on a real
 * Redis 7 through the whole API (register, login, notes, keywords, notify, feeds, webhooks, stats, an operator's
 * status and dead-letter list), and Redis' ACL LOG must stay empty; a role's user is refused another role's keys.
 */
class RedisAclTest {
    @TempDir Path dir;

    @Test
    void everyRoleWorksUnderItsOwnAclUserAndIsRefusedTheOthersKeys() throws Exception {
        Map<String, Object> overrides = Map.of("provider.ratePerSecond", 5, "provider.feeds.allowPrivate", true,
                "provider.webhooks.allowPrivate", true);
        try (Mesh mesh = new Mesh(dir, overrides); Jedis admin = new Jedis("127.0.0.1", mesh.redis().port())) {
            assertTrue(admin.info("server").contains("redis_version:7"), "needs Redis 7 (Debian's redis-server) on PATH");
            String ns = mesh.namespace();
            int port = mesh.redis().port();
            // The users exactly as 'gorgon acl' prints them for an operator to paste into redis-cli.
            String printed = gorgonOut("acl", "--set", "namespace=" + ns);
            assertEquals(RedisAcl.roles().size() + 1, printed.lines().count(), printed);
            for (String line : printed.lines().toList()) {
                String[] words = line.split(" ");
                String user = words[2];
                String secret = ">pw-" + user.substring("gorgon-".length());
                admin.sendCommand(redis.clients.jedis.Protocol.Command.ACL, java.util.Arrays.stream(words).skip(1)
                        .map(w -> w.equals(">CHANGE-ME") ? secret : w).toArray(String[]::new));
            }
            admin.aclLogReset();
            for (String role : RedisAcl.roles()) {
                mesh.start(role + "-1", "--set", "redis.uri=redis://gorgon-" + role + ":pw-" + role + "@127.0.0.1:" + port);
            }
            mesh.awaitReady(Duration.ofSeconds(150)); // seven JVMs at once on 2 shared cores

            Http http = mesh.http();
            String web = mesh.webUrl();
            ApiUser ada = ApiUser.register(http, web, "ada@example.com");
            try (NotifySocket socket = new NotifySocket(mesh.notifyPort(), ada.token())) {
                socket.send("{\"op\":\"subscribe\",\"users\":[\"" + ada.id() + "\"]}");
                JsonObject subscribed = socket.next(20);
                assertTrue(subscribed != null && subscribed.toString().contains("subscribed"), () -> subscribed + " " + denied(admin));
                Http.Response hook = http.post(web + "/webhooks", ada.token(), "{\"url\":\"http://127.0.0.1:" + LocalRedis.freePort()
                        + "/hook\",\"events\":[\"item.added\"]}");
                assertEquals(201, hook.status(), hook::toString);
                Http.Response item = http.post(web + "/items", ada.token(), "{\"title\":\"acl\",\"keywords\":[\"acl\"]}");
                assertEquals(201, item.status(), () -> item + "\n" + mesh.logs());
                String id = item.json().get("id").getAsString();
                JsonObject event = socket.next(20);
                assertTrue(event != null && event.toString().contains(id), () -> "notify delivered the event: " + event + " " + denied(admin));
                assertEquals(200, http.get(web + "/items/" + id, ada.token()).status());
                assertEquals(200, http.patch(web + "/items/" + id, ada.token(), "{\"title\":\"acl 2\"}", "*").status());
                assertEquals(1, http.get(web + "/tags/acl", ada.token()).json().getAsJsonArray("items").size());
                assertEquals(200, http.get(web + "/info/" + ada.id(), ada.token()).status());
                assertEquals(204, http.delete(web + "/items/" + id, ada.token()).status());
                assertEquals(201, http.post(web + "/feeds", ada.token(), "{\"url\":\"http://127.0.0.1:" + LocalRedis.freePort() + "/feed\"}").status());
                assertEquals(200, http.get(web + "/feeds", ada.token()).status());
                assertEquals(200, http.get(web + "/auth/sessions", ada.token()).status());
                assertEquals(204, http.post(web + "/auth/logout", ada.token(), "{}").status());
            }
            String stats = "http://127.0.0.1:" + mesh.statsPort();
            Await.until(Duration.ofSeconds(20), "stats sees the roles", () -> http.get(stats + "/metrics", null).body().contains("web"));
            assertEquals(200, http.get(stats + "/", null).status());
            String operator = "redis.uri=redis://gorgon-operator:pw-operator@127.0.0.1:" + port;
            assertEquals(0, gorgon("dlq", "list", "--config", mesh.configFile().toString(), "--set", operator));
            Thread.sleep(3000); // a few heartbeats, takeover scans and stats rounds under the users

            assertEquals(List.of(), denied(admin), "commands or keys the ACLs refused");
            assertFalse(mesh.logs().contains("NOPERM"), mesh.logs());

            // And no more than that: web cannot read tokens, provider cannot touch sessions, nobody can flush.
            try (Jedis webUser = new Jedis("127.0.0.1", port)) {
                webUser.auth("gorgon-web", "pw-web");
                assertThrows(JedisDataException.class, () -> webUser.get(ns + ":token:x"));
                assertThrows(JedisDataException.class, () -> webUser.get(ns + ":config.other"));
                assertThrows(JedisDataException.class, webUser::flushAll);
                assertThrows(JedisDataException.class, () -> webUser.set(ns + ":config", "{}"), "the config is read-only");
            }
            try (Jedis provider = new Jedis("127.0.0.1", port)) {
                provider.auth("gorgon-provider", "pw-provider");
                assertThrows(JedisDataException.class, () -> provider.set(ns + ":token:x", "1"));
                assertThrows(JedisDataException.class, () -> provider.keys("*"));
            }
        }
    }

    /** The README's ACL section is what RedisAcl (and so the test above) says, not a copy that drifted. */
    @Test
    void theReadmeStatesTheseRules() throws Exception {
        Path readme = Path.of("").toAbsolutePath();
        while (!java.nio.file.Files.exists(readme.resolve("README.md")) || !java.nio.file.Files.isDirectory(readme.resolve("roles"))) {
            readme = readme.getParent();
        }
        String text = java.nio.file.Files.readString(readme.resolve("README.md")).replaceAll("\\s+", " ");
        assertTrue(text.contains(RedisAcl.COMMANDS), "README lists the commands: " + RedisAcl.COMMANDS);
        for (String role : RedisAcl.roles()) {
            for (String rule : RedisAcl.rules("<ns>", role)) {
                if (rule.startsWith("~") || rule.startsWith("%")) assertTrue(text.contains(rule), role + ": README lacks " + rule);
            }
        }
    }

    /** What Redis refused since the last reset: user, reason (command/key) and object. */
    private static List<String> denied(Jedis admin) {
        return admin.aclLog().stream().map(e -> e.getUsername() + " " + e.getReason() + " " + e.getObject()
                + " (" + e.getContext() + ")").distinct().toList();
    }

    private static int gorgon(String... args) {
        gorgonOut(args);
        return 0;
    }

    private static String gorgonOut(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Gorgon.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        assertEquals(0, code, () -> "gorgon " + String.join(" ", args) + ": " + err);
        return out.toString();
    }
}
