package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The value type of mongo-java-server's collection maps on H2: documents in {@link CompactValues}' form instead of
 * Java serialization. H2 writes a whole page on each commit, every document of it, and the Java form starts a new
 * ObjectOutputStream and writes class descriptors for each one: with a commit per write request that was most of
 * the embedded mongo's CPU.
 */
final class DocumentValueType extends CompactDataType {
    static final byte TAG = 120;
    /** Bytes of the compact form, a moving average; H2 weighs pages (when to split, what to cache) by it. */
    private volatile int averageSize = 200;

    DocumentValueType() {
        super(TAG, Document.class);
    }

    @Override
    void written(int bytes) {
        averageSize = (averageSize * 15 + bytes) / 16;
    }

    @Override
    public int getMemory(Object obj) {
        // A document on the heap: maps, entries and boxed values, about four times its compact form.
        return obj instanceof Document ? 4 * averageSize : super.getMemory(obj);
    }
}
