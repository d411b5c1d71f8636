package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.type.ObjectDataType;

/**
 * The key type of mongo-java-server's unique indexes on H2 (the {@code _id} index above all), compared and written
 * without Java serialization. mongo-java-server opens those maps with H2's {@link ObjectDataType}, which compares a
 * {@link KeyValue} (not {@link Comparable}) by Java-serializing both sides, on every step of every B-tree search: at
 * 1,000,000 notes that was half of the embedded mongo's CPU, on each insert (the duplicate-key check) and each find
 * by {@code _id}.
 *
 * <p>The order must stay the one the stored trees are sorted in: the serialized bytes, unsigned. A key of one number
 * serializes to the same bytes as any other up to the number's class name, written with its length first, then
 * the number big-endian. So such keys compare by the length of their class name (Long, then Double, then Integer:
 * the backend keeps an integral {@code _id} as a Double when a double holds it exactly, else as a Long), then by the
 * number's bits, unsigned. Anything else goes the old way.
 *
 * <p>Keys are written in {@link CompactValues}' form ({@link CompactDataType}).
 */
final class IndexKeyType extends CompactDataType {
    /** {@link DocumentValueType}'s is 120. */
    static final byte TAG = 121;

    IndexKeyType() {
        super(TAG, KeyValue.class);
    }

    @Override
    public int getMemory(Object obj) {
        // The key object and its array, and a boxed number or a short string each.
        return obj instanceof KeyValue key ? 48 + 32 * key.size() : super.getMemory(obj);
    }

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof KeyValue ka && b instanceof KeyValue kb && ka.size() == 1 && kb.size() == 1) {
            Object x = ka.get(0), y = kb.get(0);
            int rx = rank(x), ry = rank(y);
            if (rx >= 0 && ry >= 0) {
                if (rx != ry) return Integer.compare(rx, ry);
                return switch (x) {
                    case Long l -> Long.compareUnsigned(l, (Long) y);
                    case Double d -> Long.compareUnsigned(Double.doubleToLongBits(d), Double.doubleToLongBits((Double) y));
                    default -> Integer.compareUnsigned((Integer) x, (Integer) y);
                };
            }
        }
        return super.compare(a, b);
    }

    /** The order of the serialized class names: "java.lang.Long" (14 chars), "java.lang.Double" (16), "java.lang.Integer" (17). */
    private static int rank(Object v) {
        if (v instanceof Long) return 0;
        if (v instanceof Double) return 1;
        if (v instanceof Integer) return 2;
        return -1;
    }
}
