package io.gorgon.simulator;

import io.gorgon.bus.Admin;
import io.gorgon.bus.QueueInfo;
import io.gorgon.protocol.Protocol;
import java.util.ArrayList;
import java.util.List;

/** Backlog and pending of the mesh's queues, as the per-second lines show them; null when Redis can't be read. */
final class QueueGauges {
    /** A queue whose oldest waiting message is older than this has fallen behind (the demo's health bound). */
    static final long BEHIND_MS = 2000;

    /**
     * @param behind the queues whose oldest waiting message is older than {@link #BEHIND_MS}, e.g.
     *               {@code store_put(oldest=3.1s,waiting=5200,consumers=1)}
     */
    record Snapshot(long backlog, long pending, long storePutBacklog, long storePutPending, int storePutConsumers,
                    long storePutOldestMs, String busiest, long busiestBacklog, List<String> behind, long maxOldestMs) {
        long storePutOutstanding() {
            return storePutBacklog + storePutPending;
        }

        String line() {
            String b = busiest == null ? "" : " busiest=" + busiest + ":" + busiestBacklog;
            return "backlog=" + backlog + " pending=" + pending + String.format(" oldest=%.1fs", maxOldestMs / 1000.0) + b;
        }
    }

    private final Admin admin;

    QueueGauges(Admin admin) {
        this.admin = admin;
    }

    Snapshot read() {
        List<QueueInfo> queues;
        try {
            queues = admin.queues();
        } catch (RuntimeException redisDown) {
            return null;
        }
        long backlog = 0, pending = 0, spB = 0, spP = 0, spAge = 0, top = 0, maxAge = 0;
        List<String> behind = new ArrayList<>();
        int spC = 0;
        String busiest = null;
        for (QueueInfo q : queues) {
            if (q.topic()) continue; // topics keep history by design; their "backlog" is not work waiting
            backlog += q.backlog();
            maxAge = Math.max(maxAge, q.oldestAgeMs());
            if (q.oldestAgeMs() > BEHIND_MS) {
                behind.add(String.format("%s(oldest=%.1fs,waiting=%d,consumers=%d)", q.name(), q.oldestAgeMs() / 1000.0,
                        q.backlog() + q.pending(), q.consumers()));
            }
            pending += q.pending();
            if (q.backlog() > top) {
                top = q.backlog();
                busiest = q.name();
            }
            if (Protocol.STORE_PUT.equals(q.name())) {
                spB = q.backlog();
                spP = q.pending();
                spC = q.consumers();
                spAge = q.oldestAgeMs();
            }
        }
        return new Snapshot(backlog, pending, spB, spP, spC, spAge, busiest, top, behind, maxAge);
    }
}
