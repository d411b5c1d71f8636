package io.gorgon.roles.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.Reply;
import io.gorgon.simulator.Chaos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Chaos through a running supervisor: kills are SIGKILLs it performs (and then restarts), like 'gorgon kill'. */
final class SupervisorChaos implements Chaos {
    private final ControlClient control;

    SupervisorChaos(GorgonConfig config) {
        this.control = new ControlClient(config);
    }

    @Override
    public List<String> instances() {
        List<String> out = new ArrayList<>();
        for (JsonObject host : control.hosts()) {
            for (JsonElement e : host.getAsJsonArray("children")) {
                JsonObject o = e.getAsJsonObject();
                if ("running".equals(o.get("state").getAsString())) out.add(o.get("name").getAsString());
            }
        }
        return out;
    }

    @Override
    public void kill(String name) {
        JsonObject a = new JsonObject();
        a.addProperty("target", name);
        Reply r = control.send("kill", a, Duration.ofSeconds(5));
        if (!r.ok()) throw new IllegalStateException(r.message());
    }

    @Override
    public void restartRedis() {
        Reply r = control.send("restart-redis", new JsonObject(), Duration.ofSeconds(5));
        if (!r.ok()) throw new IllegalStateException(r.message());
    }
}
