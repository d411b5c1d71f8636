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
    private final Admin admin;

    public BusMeshView(Admin admin) {
        this.admin = admin;
    }

    @Override
    public List<QueueGauge> queues() {
        List<QueueGauge> out = new ArrayList<>();
        for (QueueInfo q : admin.queues()) {
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
        for (QueueInfo q : admin.queues()) if (q.deadLetters() > 0) out.put(q.name(), q.deadLetters());
        return out;
    }
}
