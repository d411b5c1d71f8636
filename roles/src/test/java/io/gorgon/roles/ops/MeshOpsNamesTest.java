package io.gorgon.roles.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The page names instances by registry id, the supervisor by child name: one maps to the other. */
class MeshOpsNamesTest {
    @Test
    void registryIdsAndChildNamesMapToTheSupervisorsChild() {
        assertEquals("web-2", MeshOps.childName("web-2"));
        assertEquals("web-2", MeshOps.childName("web-2-k3j9x1"));
        assertEquals("store-12", MeshOps.childName("store-12-0a9z"));
        assertNull(MeshOps.childName("mailer-1"), "not a role");
        assertNull(MeshOps.childName("web-0"));
        assertNull(MeshOps.childName("web"));
        assertNull(MeshOps.childName(null));
        assertNull(MeshOps.childName("web-1; rm -rf"));
    }
}
