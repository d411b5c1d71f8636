package io.gorgon.roles.stats;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.gorgon.bus.DeadLetter;
import io.gorgon.bus.DeadLetterPage;
import io.gorgon.roles.ops.MeshOps;
import io.gorgon.roles.ops.OperatorTokens;
import io.gorgon.roles.supervisor.Reply;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's side of the stats page, under {@code /api/ops/}: every request needs {@code Authorization: Bearer
 * <operator token>} (see {@link OperatorTokens}; never an API user's token), so the page is read-only without one.
 * <ul>
 *   <li>{@code GET /api/ops/whoami} → {operator}</li>
 *   <li>{@code GET /api/ops/dlq?queue=Q&after=ENTRY&limit=1..100&q=TEXT} → {queue, letters:[…], next}</li>
 *   <li>{@code GET /api/ops/audit} → the last operator actions; {@code GET /api/ops/scale} → counts per role</li>
 *   <li>{@code POST /api/ops/action} {action: requeue|delete|pause|resume|drain|kill|scale, queue?, entry?,
 *       instance?, role?, count?} → {ok, message}</li>
 * </ul>
 * Every action goes through {@link MeshOps}, the same code as the CLI, with the actor "page:NAME@ADDRESS".
 */
final class OpsApi {
    private static final int MAX_BODY = 4096;
    private static final int PREVIEW_CHARS = 400;

    private final MeshOps ops;
    private final OperatorTokens tokens;

    OpsApi(MeshOps ops, OperatorTokens tokens) {
        this.ops = ops;
        this.tokens = tokens;
    }

    /** Runs on a worker thread (Redis and the supervisor block). */
    void handle(HttpServerExchange ex, String path) throws IOException {
        Optional<String> operator = tokens.check(bearer(ex));
        if (operator.isEmpty()) {
            reply(ex, 401, StatsJson.error("operator_login_required", "an operator token is required (stats.operatorToken or 'gorgon operator-token')"));
            return;
        }
        boolean post = path.equals("/api/ops/action");
        if (!ex.getRequestMethod().equals(post ? Methods.POST : Methods.GET)) {
            ex.getResponseHeaders().put(Headers.ALLOW, post ? "POST" : "GET");
            reply(ex, 405, StatsJson.error("method_not_allowed", ex.getRequestMethod() + " is not allowed on " + path));
            return;
        }
        String actor = "page:" + operator.get() + "@" + ex.getSourceAddress().getAddress().getHostAddress();
        switch (path) {
            case "/api/ops/whoami" -> reply(ex, 200, StatsJson.GSON.toJson(Map.of("operator", operator.get())));
            case "/api/ops/audit" -> reply(ex, 200, StatsJson.GSON.toJson(Map.of("actions", ops.audit().recent(20))));
            case "/api/ops/scale" -> reply(ex, 200, StatsJson.GSON.toJson(Map.of("counts", ops.desiredCounts())));
            case "/api/ops/hosts" -> reply(ex, 200, StatsJson.GSON.toJson(Map.of("hosts", ops.hosts())));
            case "/api/ops/dlq" -> deadLetters(ex);
            case "/api/ops/action" -> action(ex, actor);
            default -> reply(ex, 404, StatsJson.error("not_found", "no such path: " + path));
        }
    }

    private void deadLetters(HttpServerExchange ex) {
        String queue = param(ex, "queue");
        if (queue == null || queue.isBlank()) {
            reply(ex, 400, StatsJson.error("bad_request", "queue is required"));
            return;
        }
        int limit;
        try {
            String l = param(ex, "limit");
            limit = l == null ? 20 : Integer.parseInt(l);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 100) {
            reply(ex, 400, StatsJson.error("bad_request", "limit must be 1..100"));
            return;
        }
        DeadLetterPage page;
        try {
            page = ops.deadLetters(queue, param(ex, "after"), limit, param(ex, "q"));
        } catch (IllegalArgumentException e) {
            reply(ex, 400, StatsJson.error("bad_request", e.getMessage()));
            return;
        }
        List<Map<String, Object>> letters = new ArrayList<>();
        for (DeadLetter d : page.letters()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("entry", d.entry());
            m.put("id", d.id());
            m.put("group", d.group());
            m.put("reason", d.reason());
            m.put("deliveries", d.deliveries());
            m.put("at", d.at());
            String p = d.payload() == null ? "" : d.payload();
            m.put("preview", p.length() <= PREVIEW_CHARS ? p : p.substring(0, PREVIEW_CHARS) + "…");
            letters.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queue", queue);
        out.put("letters", letters);
        out.put("next", page.next());
        reply(ex, 200, StatsJson.GSON.toJson(out));
    }

    private void action(HttpServerExchange ex, String actor) throws IOException {
        String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            reply(ex, 415, StatsJson.error("unsupported_media_type", "send application/json"));
            return;
        }
        JsonObject body;
        try {
            body = readBody(ex);
        } catch (IllegalArgumentException e) {
            reply(ex, 400, StatsJson.error("bad_request", e.getMessage()));
            return;
        }
        String action = text(body, "action");
        String queue = text(body, "queue");
        String entry = text(body, "entry");
        String instance = text(body, "instance");
        Reply r = switch (action == null ? "" : action) {
            case "requeue" -> ops.requeue(actor, queue, entry, Integer.MAX_VALUE);
            case "delete" -> ops.delete(actor, queue, entry);
            case "pause" -> ops.pause(actor, queue);
            case "resume" -> ops.resume(actor, queue);
            case "drain" -> ops.drain(actor, instance);
            case "kill" -> ops.kill(actor, instance);
            case "scale" -> scale(actor, body);
            default -> new Reply(false, 2, "action must be one of requeue, delete, pause, resume, drain, kill, scale");
        };
        int status = r.ok() ? 200 : switch (r.code()) {
            case 2 -> 400;
            case MeshOps.NOT_FOUND -> 404;
            default -> 409;
        };
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", r.ok());
        if (!r.ok()) out.put("error", status == 400 ? "bad_request" : status == 404 ? "not_found" : "failed");
        out.put("message", r.message());
        reply(ex, status, StatsJson.GSON.toJson(out));
    }

    private Reply scale(String actor, JsonObject body) {
        String role = text(body, "role");
        JsonElement count = body.get("count");
        if (role == null || count == null || !count.isJsonPrimitive() || !count.getAsJsonPrimitive().isNumber()) {
            return new Reply(false, 2, "scale needs role and a numeric count");
        }
        double n = count.getAsDouble();
        if (n != Math.rint(n) || n < 0 || n > 64) return new Reply(false, 2, "count must be an integer 0..64");
        return ops.scale(actor, Map.of(role, (int) n));
    }

    private static JsonObject readBody(HttpServerExchange ex) throws IOException {
        ex.startBlocking();
        byte[] bytes;
        try (InputStream in = ex.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) throw new IllegalArgumentException("body over " + MAX_BODY + " bytes");
        try {
            JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) throw new IllegalArgumentException("expected a JSON object");
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("malformed JSON");
        }
    }

    /** A string field, or null when absent or not a string. */
    private static String text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static String bearer(HttpServerExchange ex) {
        String h = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        return h.substring(7).trim();
    }

    private static String param(HttpServerExchange ex, String name) {
        Deque<String> v = ex.getQueryParameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static void reply(HttpServerExchange ex, int status, String body) {
        StatsServer.json(ex, status, body);
    }
}
