package io.gorgon.roles.infra;

import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;

/**
 * H2's {@link ObjectDataType} with the values of one class written in {@link CompactValues}' form behind a
 * tag of its own, which H2 does not use (its tags are 0-19, 32-49 and 64-119). What was stored H2's way reads as
 * before, and a value with a part the compact form lacks is still written H2's way. Older versions of Gorgon cannot
 * read a value written compact.
 */
class CompactDataType extends ObjectDataType {
    private final byte tag;
    private final Class<?> compacted;

    CompactDataType(byte tag, Class<?> compacted) {
        this.tag = tag;
        this.compacted = compacted;
    }

    /** After a value was written compact in {@code bytes}. */
    void written(int bytes) {}

    @Override
    public void write(WriteBuffer buff, Object obj) {
        if (compacted.isInstance(obj)) {
            int start = buff.position();
            if (CompactValues.write(buff.put(tag), obj)) {
                written(buff.position() - start);
                return;
            }
            buff.position(start); // rewinds what was written before the part without a compact form
        }
        super.write(buff, obj);
    }

    @Override
    public Object read(ByteBuffer buff) {
        if (buff.get(buff.position()) != tag) return super.read(buff);
        buff.get();
        return CompactValues.read(buff);
    }
}
