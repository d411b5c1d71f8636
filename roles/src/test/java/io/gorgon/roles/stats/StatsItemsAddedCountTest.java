package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import io.gorgon.bus.Message;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** stats counts an items.added from its leading n, and copes with a body that does not lead with it. */
class StatsItemsAddedCountTest {
    private static Message withBody(String json) {
        return (Message) Proxy.newProxyInstance(Message.class.getClassLoader(), new Class<?>[] {Message.class}, (p, method, args) ->
                switch (method.getName()) {
                    case "bodyJson" -> json;
                    case "body" -> JsonParser.parseString(json);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void countsFromTheLeadingNOrFromTheArray() {
        assertEquals(3, StatsRole.addedCount(withBody("{\"n\":3,\"items\":[{},{},{}]}")));
        assertEquals(2, StatsRole.addedCount(withBody("{\"items\":[{},{}],\"n\":7}")), "n not first: the array counts");
        assertEquals(0, StatsRole.addedCount(withBody("{\"items\":5}")));
        assertEquals(0, StatsRole.addedCount(withBody("[1,2]")));
        assertEquals(0, StatsRole.addedCount(withBody("null")));
        assertEquals(0, StatsRole.addedCount(withBody("{\"n\":-4}")));
    }
}
