package io.gorgon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.RedisTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/** The bus's verbs and failure kinds, each against a real redis-server. */
class BusContractTest extends RedisTestBase {
    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static BusException failureOf(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(BusException.class, e.getCause());
    }

    @Test
    void sendIsConsumedOnceByOneInstanceOfTheRole() {
        Bus producer = buses.bus("producer");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            buses.bus("worker").consume("jobs", ConsumerOptions.defaults(), m -> {
                deliveries.incrementAndGet();
                seen.add(m.body().getAsJsonObject().get("n").getAsString());
            });
        }
        for (int i = 0; i < 500; i++) producer.send("jobs", "job", body("n", i));
        Await.until(Duration.ofSeconds(10), "500 jobs", () -> seen.size() == 500);
        assertEquals(500, deliveries.get(), "each message delivered exactly once when nothing fails");
    }

    @Test
    void requestGetsTheReplyBody() {
        Bus server = buses.bus("echo");
        server.consume("echo", ConsumerOptions.defaults(), m -> m.reply(body("got", m.body().getAsJsonObject().get("x").getAsInt() * 2)));
        Bus client = buses.bus("client");
        JsonElement reply = client.request("echo", "echo", body("x", 21), Duration.ofSeconds(5)).join();
        assertEquals(42, reply.getAsJsonObject().get("got").getAsInt());
    }

    @Test
    void requestToAQueueNobodyConsumesFailsNoConsumerAtOnceAndEnqueuesNothing() {
        Bus client = buses.bus("client");
        long t0 = System.nanoTime();
        BusException e = failureOf(client.request("nobody", "x", body(), Duration.ofSeconds(5)));
        assertEquals(Failure.NO_CONSUMER, e.failure());
        assertEquals(503, e.code());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "NO_CONSUMER must not wait for the timeout");
        try (UnifiedJedis j = redis.client()) {
            assertEquals(0, j.exists(buses.namespace() + ":q:{nobody}") ? j.xlen(buses.namespace() + ":q:{nobody}") : 0);
        }
    }

    @Test
    void requestWithoutReplyTimesOutAndALateReplyIsDroppedAndCounted() {
        Bus server = buses.bus("slow");
        CountDownLatch release = new CountDownLatch(1);
        server.consume("slow", ConsumerOptions.defaults(), m -> {
            release.await(5, TimeUnit.SECONDS);
            m.reply(body("late", true));
        });
        // The late reply must not be skipped as expired: the handler is already running when the deadline passes.
        Bus client = buses.bus("client");
        BusException e = failureOf(client.request("slow", "x", body(), Duration.ofMillis(300)));
        assertEquals(Failure.TIMEOUT, e.failure());
        release.countDown();
        Await.until(Duration.ofSeconds(5), "late reply counted", () -> client.metrics().lateReplies() == 1);
    }

    @Test
    void handlerFailureReachesTheRequesterWithCodeAndTextAndIsNotRetried() {
        Bus server = buses.bus("items");
        AtomicInteger calls = new AtomicInteger();
        server.consume("items", ConsumerOptions.defaults(), m -> {
            calls.incrementAndGet();
            throw new HandlerFailure(404, "no item 7");
        });
        BusException e = failureOf(buses.bus("client").request("items", "get", body("id", 7), Duration.ofSeconds(5)));
        assertEquals(Failure.HANDLER_FAILED, e.failure());
        assertEquals(404, e.code());
        assertEquals("no item 7", e.getMessage());
        Await.until(Duration.ofSeconds(3), "acked", () -> server.admin().queues().stream()
                .anyMatch(q -> q.name().equals("items") && q.pending() == 0));
        assertEquals(1, calls.get());
    }

    @Test
    void forwardingKeepsTheReplyAddressSoTheLastHopAnswersTheRequester() {
        buses.bus("auth").consume("auth_get", ConsumerOptions.defaults(), m ->
                m.forward("app_get", "app.x", m.body(), Map.of("principal", "u1")));
        buses.bus("app").consume("app_get", ConsumerOptions.defaults(), m ->
                m.forward("store_get", "store.x", m.body(), Map.of()));
        buses.bus("store").consume("store_get", ConsumerOptions.defaults(), m -> {
            JsonObject r = new JsonObject();
            r.addProperty("principal", m.header("principal"));
            r.addProperty("trace", m.header("trace"));
            m.reply(r);
        });
        JsonElement reply = buses.bus("web").request("auth_get", "auth.x", body(), DeliveryOptions.DEFAULT.withHeader("trace", "t-1").withTimeout(Duration.ofSeconds(5))).join();
        assertEquals("u1", reply.getAsJsonObject().get("principal").getAsString());
        assertEquals("t-1", reply.getAsJsonObject().get("trace").getAsString());
    }

    @Test
    void forwardToAQueueNobodyConsumesAnswersNoConsumer() {
        buses.bus("auth").consume("auth_get", ConsumerOptions.defaults(), m -> m.forward("nowhere", "x", m.body(), Map.of()));
        BusException e = failureOf(buses.bus("web").request("auth_get", "x", body(), Duration.ofSeconds(5)));
        assertEquals(Failure.NO_CONSUMER, e.failure());
    }

    @Test
    void repliesReachOnlyTheirRequester() {
        buses.bus("echo").consume("echo", ConsumerOptions.defaults().withConcurrency(16), m -> m.reply(m.body()));
        List<Bus> webs = List.of(buses.bus("web"), buses.bus("web"), buses.bus("web"));
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Bus web = webs.get(i % 3);
            String token = web.options().instanceId() + "/" + i;
            checks.add(web.request("echo", "echo", body("token", token), Duration.ofSeconds(10))
                    .thenApply(r -> r.getAsJsonObject().get("token").getAsString().equals(token)));
        }
        for (CompletableFuture<Boolean> c : checks) assertTrue(c.join(), "each requester gets its own reply");
        for (Bus w : webs) assertEquals(0, w.metrics().lateReplies(), "no foreign or duplicate replies");
    }

    @Test
    void publishReachesEveryRoleOnceSharedAmongItsInstances() {
        int total = 200;
        List<String> roles = List.of("stats", "notify");
        Map<String, Map<Integer, AtomicInteger>> perRole = new ConcurrentHashMap<>(); // role → message n → deliveries
        Map<String, AtomicInteger> perInstance = new ConcurrentHashMap<>();
        Map<String, List<String>> instancesOf = new java.util.HashMap<>();
        for (String role : roles) {
            for (int i = 0; i < 2; i++) {
                Bus b = buses.bus(role);
                String instance = b.options().instanceId();
                instancesOf.computeIfAbsent(role, r -> new ArrayList<>()).add(instance);
                perInstance.put(instance, new AtomicInteger());
                b.subscribe("store_notify", ConsumerOptions.defaults(), m -> {
                    perInstance.get(instance).incrementAndGet();
                    perRole.computeIfAbsent(role, r -> new ConcurrentHashMap<>())
                            .computeIfAbsent(m.body().getAsJsonObject().get("id").getAsInt(), n -> new AtomicInteger()).incrementAndGet();
                });
            }
        }
        Bus store = buses.bus("store");
        for (int i = 0; i < total; i++) store.publish("store_notify", "item.added", body("id", i)).join();
        Await.until(Duration.ofSeconds(10), () -> "both roles got " + total + ": " + perInstance, () -> roles.stream()
                .allMatch(r -> perRole.getOrDefault(r, Map.of()).size() == total));
        // Longer than a takeover (1.5 s here): a duplicate or a stray redelivery would show up by now.
        Await.pause(Duration.ofSeconds(2));
        for (String role : roles) {
            Map<Integer, AtomicInteger> got = perRole.get(role);
            assertEquals(total, got.size(), role + " got every message");
            got.forEach((n, count) -> assertEquals(1, count.get(), role + " got message " + n + " once"));
            int sum = 0;
            for (String instance : instancesOf.get(role)) {
                int share = perInstance.get(instance).get();
                assertTrue(share > 0, role + " instance " + instance + " got a share: " + perInstance);
                sum += share;
            }
            assertEquals(total, sum, role + "'s instances together got each message once");
        }
    }

    @Test
    void closeDrainsInFlightWorkBeforeReturning() {
        Bus worker = buses.bus("worker");
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(5);
        worker.consume("drain", ConsumerOptions.defaults(), m -> {
            started.countDown();
            Thread.sleep(300);
            finished.incrementAndGet();
        });
        Bus producer = buses.bus("producer");
        for (int i = 0; i < 5; i++) producer.send("drain", "x", body());
        try {
            assertTrue(started.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        worker.close(Duration.ofSeconds(5));
        assertEquals(5, finished.get(), "in-flight handlers finished before close returned");
        assertEquals(0, producer.admin().queues().stream().filter(q -> q.name().equals("drain")).findFirst().orElseThrow().pending(),
                "and were acknowledged");
    }

    @Test
    void anOrderedConsumerRunsHandlersOneAtATimeInStreamOrder() {
        Bus producer = buses.bus("producer");
        List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        buses.bus("worker").consume("ordered", ConsumerOptions.defaults().inOrder(64), m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            seen.add(m.body().getAsJsonObject().get("n").getAsInt());
            running.decrementAndGet();
        });
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 500; i++) sends.add(producer.sendAsync("ordered", "x", body("n", i)));
        sends.forEach(CompletableFuture::join);
        Await.until(Duration.ofSeconds(10), "500 handled", () -> seen.size() == 500);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) expected.add(i);
        assertEquals(expected, seen, "stream order");
        assertEquals(1, maxRunning.get(), "one handler at a time");
    }

    @Test
    void aBroadcastControlCommandReachesEveryInstanceOnce() {
        Map<String, List<String>> got = new ConcurrentHashMap<>();
        List<Bus> instances = List.of(buses.bus("web"), buses.bus("store"));
        for (Bus b : instances) {
            List<String> mine = new java.util.concurrent.CopyOnWriteArrayList<>();
            got.put(b.options().instanceId(), mine);
            b.onControl("config.reload", body -> mine.add(body.getAsJsonObject().get("file").getAsString()));
        }
        Await.pause(Duration.ofMillis(600)); // two heartbeats (250 ms here): every instance has polled the control key
        // The first command ever sent on a namespace counts too.
        instances.get(0).admin().broadcast("config.reload", body("file", "a.json"));
        Await.until(Duration.ofSeconds(5), () -> "every instance got it: " + got, () -> got.values().stream().allMatch(l -> l.size() == 1));
        instances.get(0).admin().broadcast("config.reload", body("file", "b.json"));
        Await.until(Duration.ofSeconds(5), () -> "every instance got the second: " + got, () -> got.values().stream().allMatch(l -> l.size() == 2));
        Await.pause(Duration.ofMillis(600));
        got.values().forEach(l -> assertEquals(List.of("a.json", "b.json"), l, "each command once, in order"));
    }
}
