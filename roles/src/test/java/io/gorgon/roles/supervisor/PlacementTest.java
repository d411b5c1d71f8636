package io.gorgon.roles.supervisor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where free and orphaned slots go: balanced per role, then in total; what a live host runs stays put. */
class PlacementTest {
    private static MeshState.View view(List<String> hosts, String... slotOwner) {
        Map<String, String> slots = new TreeMap<>();
        for (int i = 0; i < slotOwner.length; i += 2) slots.put(slotOwner[i], slotOwner[i + 1]);
        return new MeshState.View(0, hosts, slots, true);
    }

    @Test
    void scalingUpSpreadsARoleOverTheHostsAndLeavesRunningSlotsWhereTheyAre() {
        MeshState.View v = view(List.of("alpha", "beta"), "web-1", "alpha", "auth-1", "alpha",
                "web-2", "", "web-3", "", "web-4", "");
        // beta has no web: web-2; tie on webs, beta has fewer in all: web-3; then alpha has fewer webs: web-4.
        assertEquals(Map.of("web-2", "beta", "web-3", "beta", "web-4", "alpha"), Placement.plan(v));
    }

    @Test
    void aDeadHostsSlotsGoToTheLiveOnesAndTheSamePlanComesOutEverywhere() {
        MeshState.View v = view(List.of("alpha", "gamma"), "web-1", "alpha", "web-2", "beta", "web-3", "beta",
                "store-1", "beta", "auth-1", "gamma");
        Map<String, String> plan = Placement.plan(v);
        // Roles in start order: store-1 first (a tie: first name), then web-2 to the host without a web, then a tie again.
        assertEquals(Map.of("store-1", "alpha", "web-2", "gamma", "web-3", "alpha"), plan);
        assertEquals(plan, Placement.plan(view(List.of("alpha", "gamma"), "store-1", "beta", "web-3", "beta", "web-2", "beta",
                "auth-1", "gamma", "web-1", "alpha")), "the order the hash came in does not matter");
    }

    @Test
    void nothingIsPlannedWithoutALiveHost() {
        assertEquals(Map.of(), Placement.plan(view(List.of(), "web-1", "")));
        assertEquals(List.of("store-2", "web-1", "web-10"),
                Placement.orphans(view(List.of("a"), "store-2", "", "web-10", "", "web-1", "x", "auth-1", "a")));
    }
}
