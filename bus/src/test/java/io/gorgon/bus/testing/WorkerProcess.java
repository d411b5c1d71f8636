package io.gorgon.bus.testing;

import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.ConsumerOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import redis.clients.jedis.UnifiedJedis;

/**
 * A consumer as its own OS process, for crash tests. Each processed message's number is appended to the list
 * {@code <ns>:done} before the handler returns (so before the ack): a kill between the two shows up as a duplicate.
 * Args: redisUri namespace instanceId queue handlerMillis
 */
public final class WorkerProcess {
    public static void main(String[] args) throws Exception {
        String uri = args[0], ns = args[1], id = args[2], queue = args[3];
        long handlerMillis = Long.parseLong(args[4]);
        BusOptions opts = BusOptions.of(uri, "worker").withNamespace(ns).withInstanceId(id);
        Bus bus = Bus.connect(opts);
        UnifiedJedis done = io.gorgon.bus.impl.Connect.client(uri, id); // pooled, routes on a cluster too
        bus.consume(queue, ConsumerOptions.defaults().withConcurrency(16), m -> {
            Thread.sleep(handlerMillis);
            done.rpush(ns + ":done", m.body().getAsJsonObject().get("n").getAsString());
        });
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bus.close(Duration.ofSeconds(10));
            stop.countDown();
        }));
        System.out.println("ready " + id);
        stop.await();
        done.close();
    }
}
