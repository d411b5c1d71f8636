package io.gorgon.roles.supervisor;

import io.gorgon.roles.config.GorgonConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the mesh's unowned slots go: a pure function of one {@link MeshState.View}, so every supervisor computes the
 * same plan and claims only its own part. Slots a live host runs stay where they are (no instance moves because a
 * host joined); a free slot, or one whose host died, goes to the live host with the fewest instances of that role,
 * then the fewest instances in all, then the first name. Claims are atomic ({@link MeshState}), so a plan computed
 * from a slightly older view can at worst lose a claim, never double one.
 */
final class Placement {
    private Placement() {}

    /** The free or orphaned slots, in placement order: role order, then slot number. */
    static List<String> orphans(MeshState.View view) {
        Set<String> live = new HashSet<>(view.hosts());
        List<String> out = new ArrayList<>();
        view.slots().forEach((slot, owner) -> {
            if (!live.contains(owner)) out.add(slot);
        });
        out.sort(Comparator.comparingInt((String s) -> roleRank(MeshState.roleOf(s))).thenComparingInt(Placement::number));
        return out;
    }

    /** Orphan slot → the live host that should run it. Empty when no host is live. */
    static Map<String, String> plan(MeshState.View view) {
        Map<String, String> out = new HashMap<>();
        if (view.hosts().isEmpty()) return out;
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> perRole = new HashMap<>(); // "host role" → count
        for (String h : view.hosts()) total.put(h, 0);
        view.slots().forEach((slot, owner) -> {
            if (total.containsKey(owner)) {
                total.merge(owner, 1, Integer::sum);
                perRole.merge(owner + " " + MeshState.roleOf(slot), 1, Integer::sum);
            }
        });
        for (String slot : orphans(view)) {
            String role = MeshState.roleOf(slot);
            String best = view.hosts().stream().min(Comparator
                    .comparingInt((String h) -> perRole.getOrDefault(h + " " + role, 0))
                    .thenComparingInt(total::get)
                    .thenComparing(Comparator.naturalOrder())).orElseThrow();
            out.put(slot, best);
            total.merge(best, 1, Integer::sum);
            perRole.merge(best + " " + role, 1, Integer::sum);
        }
        return out;
    }

    private static int roleRank(String role) {
        int i = GorgonConfig.ROLES.indexOf(role);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static int number(String slot) {
        try {
            return Integer.parseInt(slot.substring(slot.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
