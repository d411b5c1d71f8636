package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;

/**
 * A compact binary form of the values mongo-java-server keeps (documents and their fields, index keys), written
 * straight into H2's page buffer: a type byte, then the value. Only the types our collections hold are written this
 * way (null, booleans, int, long, double, string, date, document, list, index key); for anything else {@link #write}
 * says so, and the caller rewinds and falls back to H2's own format.
 */
final class CompactValues {
    private static final byte NULL = 0, FALSE = 1, TRUE = 2, INT = 3, LONG = 4, DOUBLE = 5, STRING = 6, DOCUMENT = 7,
            LIST = 8, INSTANT = 9, KEY = 10;

    private CompactValues() {}

    /** Writes {@code value}; false when some part of it has no compact form (what was written is then garbage). */
    static boolean write(WriteBuffer buff, Object value) {
        switch (value) {
            case null -> buff.put(NULL);
            case Boolean b -> buff.put(b ? TRUE : FALSE);
            case Integer i -> buff.put(INT).putInt(i);
            case Long l -> buff.put(LONG).putLong(l);
            case Double d -> buff.put(DOUBLE).putLong(Double.doubleToRawLongBits(d));
            case String s -> putString(buff.put(STRING), s);
            case Instant t -> buff.put(INSTANT).putLong(t.getEpochSecond()).putInt(t.getNano());
            case Document d -> {
                buff.put(DOCUMENT).putVarInt(d.size());
                for (Map.Entry<String, Object> e : d.entrySet()) {
                    putString(buff, e.getKey());
                    if (!write(buff, e.getValue())) return false;
                }
            }
            case KeyValue key -> {
                return writeAll(buff.put(KEY), key.size(), key);
            }
            case ArrayList<?> list -> {
                return writeAll(buff.put(LIST), list.size(), list);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean writeAll(WriteBuffer buff, int size, Iterable<?> values) {
        buff.putVarInt(size);
        for (Object o : values) {
            if (!write(buff, o)) return false;
        }
        return true;
    }

    static Object read(ByteBuffer buff) {
        byte type = buff.get();
        return switch (type) {
            case NULL -> null;
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case INT -> buff.getInt();
            case LONG -> buff.getLong();
            case DOUBLE -> Double.longBitsToDouble(buff.getLong());
            case STRING -> DataUtils.readString(buff);
            case INSTANT -> Instant.ofEpochSecond(buff.getLong(), buff.getInt());
            case DOCUMENT -> {
                int n = DataUtils.readVarInt(buff);
                Document d = new Document();
                for (int i = 0; i < n; i++) {
                    String key = DataUtils.readString(buff);
                    d.put(key, read(buff));
                }
                yield d;
            }
            case LIST -> new ArrayList<>(Arrays.asList(readAll(buff)));
            case KEY -> new KeyValue(readAll(buff));
            default -> throw new IllegalStateException("unknown compact value type " + type + " at " + (buff.position() - 1));
        };
    }

    private static Object[] readAll(ByteBuffer buff) {
        Object[] values = new Object[DataUtils.readVarInt(buff)];
        for (int i = 0; i < values.length; i++) values[i] = read(buff);
        return values;
    }

    private static WriteBuffer putString(WriteBuffer buff, String s) {
        return buff.putVarInt(s.length()).putStringData(s, s.length());
    }
}
