package io.gorgon.simulator;

import io.gorgon.bus.Admin;
import io.gorgon.bus.QueueInfo;
import io.gorgon.protocol.Protocol;
import java.util.List;

/** Backlog and pending of the mesh's queues, as the per-second lines show them; null when Redis can't be read. */
final class QueueGauges {
    record Snapshot(long backlog, long pending, long storePutBacklog, long storePutPending, int storePutConsumers,
                    String busiest, long busiestBacklog) {
        long storePutOutstanding() {
            return storePutBacklog + storePutPending;
        }

        String line() {
            String b = busiest == null ? "" : " busiest=" + busiest + ":" + busiestBacklog;
            return "backlog=" + backlog + " pending=" + pending + b;
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
        long backlog = 0, pending = 0, spB = 0, spP = 0, top = 0;
        int spC = 0;
        String busiest = null;
        for (QueueInfo q : queues) {
            if (q.topic()) continue; // topics keep history by design; their "backlog" is not work waiting
            backlog += q.backlog();
            pending += q.pending();
            if (q.backlog() > top) {
                top = q.backlog();
                busiest = q.name();
            }
            if (Protocol.STORE_PUT.equals(q.name())) {
                spB = q.backlog();
                spP = q.pending();
                spC = q.consumers();
            }
        }
        return new Snapshot(backlog, pending, spB, spP, spC, busiest, top);
    }
}
