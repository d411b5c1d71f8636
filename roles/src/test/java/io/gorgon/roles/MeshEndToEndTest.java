package io.gorgon.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gorgon.bus.testing.Await;
import io.gorgon.roles.testing.Http;
import io.gorgon.roles.testing.Mesh;
import io.gorgon.roles.testing.NotifySocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API through real role processes (web → auth → app → store and back), and every bad-input case of the
 * API: each answered with the right status and a JSON {error, message}, after which the mesh still answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class MeshEndToEndTest {
    @TempDir
    static Path dir;
    Mesh mesh;
    Http http;
    String web;

    @BeforeAll
    void startMesh() throws Exception {
        mesh = new Mesh(dir, Map.of());
        mesh.startAll("store-1", "auth-1", "app-1", "web-1", "notify-1", "stats-1");
        mesh.awaitReady(Duration.ofSeconds(120)); // six JVMs starting at once on 2 shared cores
        http = mesh.http();
        web = mesh.webUrl();
    }

    @AfterAll
    void stopMesh() {
        if (mesh != null) mesh.close();
    }

    record User(String id, String token) {}

    User newUser(String email) {
        Http.Response r = http.post(web + "/auth/register", null, "{\"name\":\"Ada\",\"email\":\"" + email + "\",\"password\":\"correct horse\"}");
        assertEquals(201, r.status(), () -> r + "\n" + mesh.logs());
        String id = r.json().get("id").getAsString();
        Http.Response login = http.post(web + "/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}");
        assertEquals(200, login.status(), login::toString);
        assertTrue(login.json().get("expiresAt").getAsLong() > System.currentTimeMillis());
        return new User(id, login.json().get("token").getAsString());
    }

    JsonObject createItem(User u, String title) {
        Http.Response r = http.post(web + "/items", u.token(), "{\"title\":\"" + title + "\",\"body\":\"b\",\"keywords\":[\"k\"],\"location\":\"Oslo\"}");
        assertEquals(201, r.status(), r::toString);
        return r.json();
    }

    @Test
    void registerLoginCreateReadPageAndDelete() {
        User ada = newUser("ada@example.com");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            JsonObject item = createItem(ada, "note " + i);
            assertEquals(ada.id(), item.get("userid").getAsString());
            assertTrue(item.get("ts").getAsLong() > 0);
            ids.add(item.get("id").getAsString());
        }
        Http.Response info = http.get(web + "/info/" + ada.id(), ada.token());
        assertEquals(200, info.status(), info::toString);
        JsonArray items = info.json().getAsJsonArray("items");
        assertEquals(5, items.size());
        assertEquals("note 4", items.get(0).getAsJsonObject().get("title").getAsString(), "newest first");
        assertEquals("note 0", items.get(4).getAsJsonObject().get("title").getAsString());

        JsonArray page = http.get(web + "/info/" + ada.id() + "?lim=2&off=1", ada.token()).json().getAsJsonArray("items");
        assertEquals(List.of("note 3", "note 2"), List.of(page.get(0).getAsJsonObject().get("title").getAsString(),
                page.get(1).getAsJsonObject().get("title").getAsString()));

        Http.Response one = http.get(web + "/items/" + ids.get(0), ada.token());
        assertEquals(200, one.status());
        assertEquals("note 0", one.json().get("title").getAsString());

        User bob = newUser("bob@example.com");
        // Find by keyword, across users, newest first: the item "k" of bob's comes before ada's.
        createItem(bob, "bob's note");
        JsonArray tagged = http.get(web + "/tags/k?lim=3", bob.token()).json().getAsJsonArray("items");
        assertEquals(List.of("bob's note", "note 4", "note 3"), tagged.asList().stream()
                .map(e -> e.getAsJsonObject().get("title").getAsString()).toList());
        assertEquals("note 2", http.get(web + "/tags/k?lim=1&off=3", bob.token()).json().getAsJsonArray("items")
                .get(0).getAsJsonObject().get("title").getAsString());
        assertEquals(0, http.get(web + "/tags/nothing", bob.token()).json().getAsJsonArray("items").size());
        assertEquals(403, http.patch(web + "/items/" + ids.get(0), bob.token(), "{\"title\":\"mine\"}", "*").status(), "edit: owner only");
        Http.Response forbidden = http.delete(web + "/items/" + ids.get(0), bob.token());
        assertEquals(403, forbidden.status(), forbidden::toString);
        assertEquals("forbidden", forbidden.error());
        assertEquals(204, http.delete(web + "/items/" + ids.get(0), ada.token()).status());
        assertEquals(404, http.get(web + "/items/" + ids.get(0), ada.token()).status());
        assertEquals(4, http.get(web + "/info/" + ada.id(), ada.token()).json().getAsJsonArray("items").size());

        // Sessions: ada's one token, described but never shown; logout-all ends every one of them.
        Http.Response second = http.post(web + "/auth/login", null, "{\"email\":\"ada@example.com\",\"password\":\"correct horse\"}");
        String other = second.json().get("token").getAsString();
        Http.Response sessions = http.get(web + "/auth/sessions", ada.token());
        assertEquals(200, sessions.status(), sessions::toString);
        assertEquals(2, sessions.json().getAsJsonArray("sessions").size(), sessions::toString);
        assertFalse(sessions.body().contains(ada.token()) || sessions.body().contains(other), "never the token");
        assertTrue(sessions.body().contains("\"current\":true") && sessions.body().contains("\"client\""), sessions.body());
        assertEquals(204, http.post(web + "/auth/logout-all", other, "{}").status());
        assertEquals(401, http.get(web + "/auth/sessions", other).status(), "logout-all revoked the caller's token too");
        assertEquals(401, http.get(web + "/info/" + ada.id(), ada.token()).status(), "and the others");
        // Password change: the caller's session stays, the others end; the old password no longer logs in.
        User eve = newUser("eve@example.com");
        String eveElsewhere = http.post(web + "/auth/login", null, "{\"email\":\"eve@example.com\",\"password\":\"correct horse\"}")
                .json().get("token").getAsString();
        String change = "{\"oldPassword\":\"correct horse\",\"newPassword\":\"staple battery\"}";
        assertEquals(403, http.post(web + "/auth/password", eve.token(), "{\"oldPassword\":\"wrong one!\",\"newPassword\":\"staple battery\"}").status());
        assertEquals(400, http.post(web + "/auth/password", eve.token(), "{\"oldPassword\":\"correct horse\",\"newPassword\":\"short\"}").status());
        assertEquals(401, http.post(web + "/auth/password", null, change).status());
        assertEquals(204, http.post(web + "/auth/password", eve.token(), change).status());
        assertEquals(401, http.get(web + "/info/" + eve.id(), eveElsewhere).status(), "the other session ended");
        assertEquals(200, http.get(web + "/info/" + eve.id(), eve.token()).status(), "the caller's session stays");
        assertEquals(401, http.post(web + "/auth/login", null, "{\"email\":\"eve@example.com\",\"password\":\"correct horse\"}").status());
        assertEquals(200, http.post(web + "/auth/login", null, "{\"email\":\"eve@example.com\",\"password\":\"staple battery\"}").status());
        assertEquals(204, http.post(web + "/auth/logout", eve.token(), "{}").status());
        assertEquals(401, http.get(web + "/info/" + eve.id(), eve.token()).status(), "a logged-out token is dead");
    }

    @Test
    void itemEventsArriveOnTheNotifyWebSocket() throws Exception {
        User erin = newUser("erin@example.com");
        try (NotifySocket ws = new NotifySocket(mesh.notifyPort(), erin.token())) {
            var frames = ws.frames;
            ws.send("{\"op\":\"subscribe\",\"users\":[\"" + erin.id() + "\"]}");
            JsonObject subscribed = frames.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("subscribed", subscribed.get("op").getAsString(), subscribed::toString);
            String id = createItem(erin, "pushed").get("id").getAsString();
            JsonObject event = frames.poll(15, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(event != null, () -> "no event arrived; logs:\n" + mesh.logs());
            assertEquals("event", event.get("op").getAsString());
            assertEquals("item.added", event.get("type").getAsString());
            assertEquals(id, event.getAsJsonObject("item").get("id").getAsString());
            assertEquals(204, http.delete(web + "/items/" + id, erin.token()).status());
            JsonObject deleted = frames.poll(15, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("item.deleted", deleted.get("type").getAsString(), deleted::toString);
        }
    }

    @Test
    void patchEditsAnItemWithOptimisticConcurrency() throws Exception {
        User fay = newUser("fay@example.com");
        try (NotifySocket ws = new NotifySocket(mesh.notifyPort(), fay.token())) {
            var frames = ws.frames;
            ws.send("{\"op\":\"subscribe\",\"users\":[\"" + fay.id() + "\"]}");
            assertEquals("subscribed", frames.poll(10, java.util.concurrent.TimeUnit.SECONDS).get("op").getAsString());
            JsonObject created = createItem(fay, "draft");
            String url = web + "/items/" + created.get("id").getAsString();
            assertEquals(1, created.get("version").getAsLong());
            assertEquals("item.added", frames.poll(15, java.util.concurrent.TimeUnit.SECONDS).get("type").getAsString());
            Http.Response got = http.get(url, fay.token());
            assertEquals("\"1\"", got.headers().firstValue("ETag").orElse(null), "GET gives the version as ETag");

            Http.Response noPrecondition = http.patch(url, fay.token(), "{\"title\":\"final\"}", null);
            assertEquals(428, noPrecondition.status(), noPrecondition::toString);
            assertEquals("precondition_required", noPrecondition.error());

            Http.Response edited = http.patch(url, fay.token(), "{\"title\":\"final\",\"location\":null}", "\"1\"");
            assertEquals(200, edited.status(), () -> edited + "\n" + mesh.logs());
            assertEquals("final", edited.json().get("title").getAsString());
            assertEquals("b", edited.json().get("body").getAsString(), "a partial update keeps what it does not name");
            assertTrue(!edited.json().has("location"), "null removes a field");
            assertEquals(2, edited.json().get("version").getAsLong());
            assertEquals("\"2\"", edited.headers().firstValue("ETag").orElse(null));

            Http.Response stale = http.patch(url, fay.token(), "{\"title\":\"lost update\"}", "\"1\"");
            assertEquals(412, stale.status(), stale::toString);
            assertEquals("precondition_failed", stale.error());
            assertEquals(200, http.patch(url, fay.token(), "{\"body\":\"any\"}", "*").status(), "If-Match: * overwrites any version");

            JsonObject event = frames.poll(15, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(event != null, () -> "no edit event; logs:\n" + mesh.logs());
            assertEquals("item.edited", event.get("type").getAsString(), event::toString);
            assertEquals("final", event.getAsJsonObject("item").get("title").getAsString());
            assertEquals(2, event.getAsJsonObject("item").get("version").getAsLong());

            JsonObject newest = http.get(web + "/info/" + fay.id(), fay.token()).json().getAsJsonArray("items").get(0).getAsJsonObject();
            assertEquals("any", newest.get("body").getAsString(), "the recent-items cache holds the edit");
            assertEquals(3, newest.get("version").getAsLong());

            List<String> bad = List.of("{\"title\":null}", "{\"title\":7}", "{\"$set\":{\"title\":\"x\"}}", "{\"version\":9}", "[1]");
            for (String b : bad) assertEquals(400, http.patch(url, fay.token(), b, "*").status(), b);
            assertEquals(400, http.patch(url, fay.token(), "{\"title\":\"x\"}", "\"1\",").status(), "malformed If-Match");
            assertEquals(404, http.patch(web + "/items/999999999", fay.token(), "{\"title\":\"x\"}", "*").status());
            assertEquals(3, http.get(url, fay.token()).json().get("version").getAsLong(), "refused edits change nothing");

            // The stats page's "edited" series counts them (2 edits went through).
            Await.until(Duration.ofSeconds(20), () -> "edits on /api/stats", () -> {
                Http.Response st = http.get("http://127.0.0.1:" + mesh.statsPort() + "/api/stats?window=5m", null);
                if (st.status() != 200) return false;
                long n = 0;
                for (var e : st.json().getAsJsonObject("series").getAsJsonObject("items").getAsJsonArray("edited")) n += e.getAsLong();
                return n >= 2;
            });
        }
    }

    @Test
    void healthAnswersWithoutAToken() {
        Http.Response h = http.get(web + "/health", null);
        assertEquals(200, h.status());
        assertEquals("web", h.json().get("role").getAsString());
        assertEquals("ok", h.json().get("status").getAsString());
    }

    @Test
    void everyBadInputGetsAClearJsonErrorAndTheMeshKeepsAnswering() {
        User u = newUser("carol@example.com");
        String item = web + "/items";
        String info = web + "/info/" + u.id();
        List<Case> cases = List.of(
                new Case("malformed JSON", 400, "POST", item, u.token(), "application/json", "{\"title\": "),
                new Case("not an object", 400, "POST", item, u.token(), "application/json", "[1,2]"),
                new Case("wrong type", 400, "POST", item, u.token(), "application/json", "{\"title\": 7}"),
                new Case("missing field", 400, "POST", item, u.token(), "application/json", "{\"body\": \"no title\"}"),
                new Case("operator key", 400, "POST", item, u.token(), "application/json", "{\"title\":\"x\",\"$where\":\"1\"}"),
                new Case("nested operator", 400, "POST", item, u.token(), "application/json", "{\"title\":\"x\",\"meta\":{\"$gt\":1}}"),
                new Case("dotted key", 400, "POST", item, u.token(), "application/json", "{\"title\":\"x\",\"a.b\":1}"),
                new Case("oversized body", 413, "POST", item, u.token(), "application/json", "{\"title\":\"" + "x".repeat(70_000) + "\"}"),
                new Case("wrong content type", 415, "POST", item, u.token(), "text/plain", "{\"title\":\"x\"}"),
                new Case("negative lim", 400, "GET", info + "?lim=-1", u.token(), null, null),
                new Case("huge lim", 400, "GET", info + "?lim=100000", u.token(), null, null),
                new Case("negative off", 400, "GET", info + "?off=-5", u.token(), null, null),
                new Case("non-numeric lim", 400, "GET", info + "?lim=ten", u.token(), null, null),
                new Case("non-numeric uid", 400, "GET", web + "/info/abc", u.token(), null, null),
                new Case("tag lim 0", 400, "GET", web + "/tags/k?lim=0", u.token(), null, null),
                new Case("tag off huge", 400, "GET", web + "/tags/k?off=100001", u.token(), null, null),
                new Case("tag too long", 400, "GET", web + "/tags/" + "k".repeat(65), u.token(), null, null),
                new Case("tag blank", 400, "GET", web + "/tags/%20", u.token(), null, null),
                new Case("tag wrong method", 405, "POST", web + "/tags/k", u.token(), "application/json", "{}"),
                new Case("tag without token", 401, "GET", web + "/tags/k", null, null, null),
                new Case("non-numeric item id", 400, "GET", web + "/items/abc", u.token(), null, null),
                new Case("unknown item id", 404, "GET", web + "/items/999999999", u.token(), null, null),
                new Case("unknown route", 404, "GET", web + "/nope", u.token(), null, null),
                new Case("wrong method", 405, "PUT", item, u.token(), "application/json", "{}"),
                new Case("missing token", 401, "GET", info, null, null, null),
                new Case("missing token before content type", 401, "POST", item, null, "text/plain", "{\"title\":\"x\"}"),
                new Case("number BSON can't hold", 400, "POST", item, u.token(), "application/json", "{\"title\":\"x\",\"n\":1e10000}"),
                new Case("forged token", 401, "GET", info, "forged-" + "A".repeat(40), null, null),
                new Case("bad credentials", 401, "POST", web + "/auth/login", null, "application/json",
                        "{\"email\":\"carol@example.com\",\"password\":\"wrong password\"}"),
                new Case("duplicate email", 409, "POST", web + "/auth/register", null, "application/json",
                        "{\"name\":\"C\",\"email\":\"carol@example.com\",\"password\":\"another one\"}"),
                new Case("bad email", 400, "POST", web + "/auth/register", null, "application/json",
                        "{\"name\":\"C\",\"email\":\"not-an-email\",\"password\":\"another one\"}"));
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Http.Response r = http.request(c.method, c.url, c.token, c.contentType, c.body);
            if (r.status() != c.status) {
                failures.add(c.name + ": expected " + c.status + " got " + r);
                continue;
            }
            try {
                JsonObject e = r.json();
                if (!e.has("error") || !e.has("message")) failures.add(c.name + ": no {error, message}: " + r.body());
                if (r.body().contains("Exception") || r.body().contains("\tat ")) failures.add(c.name + ": leaks a stack trace: " + r.body());
            } catch (RuntimeException notJson) {
                failures.add(c.name + ": body is not JSON: " + r.body());
            }
            if (c.status == 405 && r.headers().firstValue("Allow").isEmpty()) failures.add(c.name + ": 405 without Allow");
            Http.Response ok = http.get(info, u.token());
            if (ok.status() != 200) failures.add(c.name + ": mesh stopped answering afterwards: " + ok);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // it exhausts 127.0.0.1's login budget, which every test shares
    void aLoginFloodIsRateLimited() {
        newUser("dave@example.com");
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            Http.Response r = http.post(web + "/auth/login", null, "{\"email\":\"dave@example.com\",\"password\":\"guess " + i + "\"}");
            if (r.status() == 429) {
                limited++;
                assertEquals("too_many_requests", r.error());
            }
        }
        assertTrue(limited >= 8, "12 attempts a minute are allowed (test config), the rest are 429: " + limited);
    }

    record Case(String name, int status, String method, String url, String token, String contentType, String body) {}
}
