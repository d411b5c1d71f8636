package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;

/**
 * The value type of mongo-java-server's collection maps on H2: documents in {@link CompactValues}' form instead of
 * Java serialization. H2 writes a whole page on each commit, every document of it, and the Java form starts a new
 * ObjectOutputStream and writes class descriptors for each one: with a commit per write request that was most of
 * the embedded mongo's CPU. A document still stored the old way reads as before, and one with a field type the
 * compact form lacks is written the old way: a value starts with H2's tag, or with {@link #TAG}, which H2 does not
 * use. Older versions of Gorgon cannot read a document written this way.
 */
final class DocumentValueType extends ObjectDataType {
    /** ObjectDataType's tags are 0-19, 32-49 and 64-119. */
    static final byte TAG = 120;
    /** Bytes of the compact form, a moving average; H2 weighs pages (when to split, what to cache) by it. */
    private volatile int averageSize = 200;

    @Override
    public void write(WriteBuffer buff, Object obj) {
        if (obj instanceof Document) {
            int start = buff.position();
            buff.put(TAG);
            if (CompactValues.write(buff, obj)) {
                averageSize = (averageSize * 15 + buff.position() - start) / 16;
                return;
            }
            buff.position(start);
        }
        super.write(buff, obj);
    }

    @Override
    public Object read(ByteBuffer buff) {
        if (buff.get(buff.position()) != TAG) return super.read(buff);
        buff.get();
        return CompactValues.read(buff);
    }

    @Override
    public int getMemory(Object obj) {
        // A document on the heap: maps, entries and boxed values, about four times its compact form.
        return obj instanceof Document ? 4 * averageSize : super.getMemory(obj);
    }
}
