package io.gorgon.roles.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A real redis-server and a real mongo-java-server for one test class, stopped after it. */
public abstract class InfraTestBase {
    protected static TestInfra infra;

    @BeforeAll
    static void startInfra() {
        infra = new TestInfra();
    }

    @AfterAll
    static void stopInfra() {
        infra.close();
    }
}
