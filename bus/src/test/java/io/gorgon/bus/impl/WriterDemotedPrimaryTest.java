package io.gorgon.bus.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.BusException;
import io.gorgon.bus.Failure;
import io.gorgon.bus.redis.LocalRedis;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * With replica acks, the writer's pipeline ends with WAIT; a primary demoted to replica in a failover answers that
 * WAIT with an error ("ERR WAIT cannot be used with replica instances"). The writer must take it as "not here, not
 * now" and keep going: once it ended the writer thread, and with it every later send, reply and heartbeat of the
 * process (a mesh answering 503 long after the failover was over).
 */
@Timeout(60)
class WriterDemotedPrimaryTest {
    @Test
    void aWaitRefusedByADemotedPrimaryIsRetriedAndTheWriterCarriesOn() throws Exception {
        try (LocalRedis a = LocalRedis.builder().build().start(); LocalRedis b = LocalRedis.builder().build().start()) {
            try (Jedis jb = new Jedis("127.0.0.1", b.port())) {
                jb.replicaof("127.0.0.1", a.port()); // the writer's "primary" b is a replica: writes and WAIT are refused
            }
            Connections connections = new Connections("redis://127.0.0.1:" + b.port(), "writer-test");
            Writer writer = new Writer(connections, "writer-test", 1);
            try {
                var refused = writer.submit("k", p -> p.incr("k"), 1500);
                ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
                assertInstanceOf(BusException.class, e.getCause());
                assertEquals(Failure.UNAVAILABLE, ((BusException) e.getCause()).failure());

                // The failover completes the other way round: b is the primary, a its replica. The writer still runs.
                try (Jedis jb = new Jedis("127.0.0.1", b.port()); Jedis ja = new Jedis("127.0.0.1", a.port())) {
                    jb.replicaofNoOne();
                    ja.replicaof("127.0.0.1", b.port());
                }
                // At least once: until a has synced, WAIT counts no replica and the INCR is sent again.
                long n = writer.submit("k", p -> p.incr("k"), 20_000).get(30, TimeUnit.SECONDS);
                assertTrue(n >= 1, "the INCR ran: " + n);
            } finally {
                writer.close();
                connections.close();
            }
        }
    }
}
