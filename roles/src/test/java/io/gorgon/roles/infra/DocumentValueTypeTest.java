package io.gorgon.roles.infra;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Documents and index keys in the compact form read back as they were written, and the old form still reads. */
class DocumentValueTypeTest {
    @Test
    void everyFieldTypeOfOurCollectionsRoundTrips() {
        Document nested = new Document("a", 1).append("b", new ArrayList<>(List.of("x", 2L, 3.5)));
        Document doc = new Document("_id", 1_234_567_890_123_456_789L)
                .append("userid", 42L).append("int", Integer.MIN_VALUE).append("max", Long.MAX_VALUE)
                .append("neg", -7L).append("d", -0.0).append("nan", Double.NaN).append("inf", Double.NEGATIVE_INFINITY)
                .append("t", true).append("f", false).append("none", null).append("empty", "")
                .append("text", "héllo \u0000 wörld 🎉 " + "x".repeat(5_000))
                .append("ts", Instant.ofEpochMilli(1_764_000_000_123L)).append("at", Instant.ofEpochSecond(-5, 999_999_999))
                .append("nested", nested).append("emptyDoc", new Document()).append("emptyList", new ArrayList<>())
                .append("lists", new ArrayList<>(List.of(new ArrayList<>(List.of(1, 2)), new Document("k", "v"))));

        ByteBuffer bytes = written(new DocumentValueType(), doc);
        assertEquals(DocumentValueType.TAG, bytes.get(0), "written compact");
        Document back = (Document) new DocumentValueType().read(bytes);
        assertEquals(doc, back);
        assertEquals(List.copyOf(doc.keySet()), List.copyOf(back.keySet()), "field order");
        assertSameTypes(doc, back);
        assertEquals(0, bytes.remaining(), "read exactly what was written");
    }

    @Test
    void aDocumentWithAnotherTypeIsWrittenTheOldWayAndReadsBack() {
        Document doc = new Document("_id", new ObjectId()).append("n", 1).append("deep", new Document("bin", new byte[] {1, 2}));
        ByteBuffer bytes = written(new DocumentValueType(), doc);
        assertNotEquals(DocumentValueType.TAG, bytes.get(0));
        Document back = (Document) new DocumentValueType().read(bytes);
        assertEquals(doc.get("_id"), back.get("_id"));
        assertEquals(1, back.get("n"));
        assertEquals(0, bytes.remaining());
    }

    @Test
    void documentsStoredBeforeStillRead() {
        Document doc = new Document("_id", 7L).append("text", "stored by H2's own format");
        ByteBuffer old = written(new ObjectDataType(), doc);
        assertEquals(doc, new DocumentValueType().read(old));
    }

    @Test
    void indexKeysRoundTripCompactOrTheOldWay() {
        for (KeyValue key : List.of(new KeyValue(5L), new KeyValue(9.007199254740993E15), new KeyValue(3),
                new KeyValue("user-1"), new KeyValue((Object) null), new KeyValue(1L, "two"))) {
            ByteBuffer bytes = written(new IndexKeyType(), key);
            assertEquals(IndexKeyType.TAG, bytes.get(0), key.toString());
            KeyValue back = (KeyValue) new IndexKeyType().read(bytes);
            assertEquals(key, back);
            for (int i = 0; i < key.size(); i++) assertEquals(cls(key.get(i)), cls(back.get(i)), key.toString());
        }
        KeyValue other = new KeyValue(new ObjectId());
        ByteBuffer bytes = written(new IndexKeyType(), other);
        assertNotEquals(IndexKeyType.TAG, bytes.get(0));
        assertEquals(other, new IndexKeyType().read(bytes));
        assertEquals(new KeyValue(5L), new IndexKeyType().read(written(new ObjectDataType(), new KeyValue(5L))));
    }

    private static ByteBuffer written(ObjectDataType type, Object value) {
        WriteBuffer buff = new WriteBuffer();
        type.write(buff, value);
        ByteBuffer b = buff.getBuffer();
        b.flip();
        return b;
    }

    private static void assertSameTypes(Object a, Object b) {
        assertEquals(cls(a), cls(b), String.valueOf(a));
        if (a instanceof Map<?, ?> m) m.forEach((k, v) -> assertSameTypes(v, ((Map<?, ?>) b).get(k)));
        if (a instanceof List<?> l) for (int i = 0; i < l.size(); i++) assertSameTypes(l.get(i), ((List<?>) b).get(i));
    }

    private static Class<?> cls(Object o) {
        return o == null ? null : o.getClass();
    }
}
