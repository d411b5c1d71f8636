package io.gorgon.roles.stats;

import io.gorgon.bus.Admin;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.QueueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mesh as the bus's registry and admin API see it. */
public final class BusMeshView implements MeshView {
    /** One read of the queues serves every caller within this window (a scrape asks for gauges and dead letters). */
    private static final long QUEUES_FRESH_MS = 500;
    private final Admin admin;
    private volatile Read last = new Read(List.of(), Long.MIN_VALUE);

    private record Read(List<QueueInfo> queues, long atNanos) {}

    public BusMeshView(Admin admin) {
        this.admin = admin;
    }

    @Override
    public List<QueueGauge> queues() {
        List<QueueGauge> out = new ArrayList<>();
        for (QueueInfo q : queueInfos()) {
            out.add(new QueueGauge(q.name(), q.backlog(), q.pending(), q.oldestAgeMs(), q.consumers(), q.deadLetters(),
                    q.topic(), q.paused()));
        }
        return out;
    }

    @Override
    public List<InstanceRow> instances() {
        List<InstanceRow> out = new ArrayList<>();
        for (InstanceInfo i : admin.instances()) {
            Status s = switch (i.status()) {
                case "live" -> Status.LIVE;
                case "late" -> Status.LATE;
                default -> Status.GONE;
            };
            out.add(new InstanceRow(i.role(), i.id(), i.host(), i.pid(), List.copyOf(i.ports().values()), i.startedAt(),
                    i.lastHeartbeat(), s, i.messagesPerSec()));
        }
        return out;
    }

    @Override
    public Map<String, Long> deadLetters() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (QueueInfo q : queueInfos()) if (q.deadLetters() > 0) out.put(q.name(), q.deadLetters());
        return out;
    }

    private List<QueueInfo> queueInfos() {
        Read r = last;
        long now = System.nanoTime();
        if (r.atNanos() != Long.MIN_VALUE && now - r.atNanos() < QUEUES_FRESH_MS * 1_000_000) return r.queues();
        List<QueueInfo> q = admin.queues();
        last = new Read(q, now);
        return q;
    }
}
