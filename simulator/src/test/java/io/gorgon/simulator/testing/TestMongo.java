package io.gorgon.simulator.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** A real in-memory mongo-java-server on a free loopback port, with a real driver client; closing stops both. */
public final class TestMongo implements AutoCloseable {
    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final String uri;
    private final MongoClient client;

    public TestMongo() {
        server.bind("127.0.0.1", 0);
        uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
        client = MongoClients.create(uri);
    }

    public String uri() {
        return uri;
    }

    public MongoClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
