package io.gorgon.roles.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedParserTest {
    static List<JsonObject> parse(String xml) throws FeedParser.Malformed {
        return FeedParser.parse(xml.getBytes(StandardCharsets.UTF_8), 500);
    }

    @Test
    void rss2EntriesBecomeItemFieldsKeyedByGuid() throws Exception {
        List<JsonObject> e = parse("""
                <?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x/</link><description>d</description>
                <item><title>First</title><link>http://x/1</link><guid>urn:1</guid><description>one</description>
                  <pubDate>Tue, 01 Dec 2026 05:00:00 GMT</pubDate></item>
                <item><title></title><link>http://x/2</link><description>two</description></item>
                </channel></rss>""");
        assertEquals(2, e.size());
        assertEquals("urn:1", e.get(0).get("key").getAsString());
        assertEquals("First", e.get(0).get("title").getAsString());
        assertEquals("one", e.get(0).get("body").getAsString());
        assertEquals("http://x/1", e.get(0).get("url").getAsString());
        assertEquals(java.time.Instant.parse("2026-12-01T05:00:00Z").toEpochMilli(), e.get(0).get("ts").getAsLong());
        assertEquals("http://x/2", e.get(1).get("key").getAsString(), "no guid: the link");
        assertEquals("http://x/2", e.get(1).get("title").getAsString(), "no title: the link");
        assertTrue(!e.get(1).has("ts"), "no date: none (the item takes the time it is first seen)");
    }

    @Test
    void atomAndRss1AreRead() throws Exception {
        List<JsonObject> atom = parse("""
                <?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>a</title><id>urn:f</id>
                <updated>2026-12-01T05:00:00Z</updated>
                <entry><title>A1</title><id>urn:a1</id><link href="https://a/1"/><updated>2026-12-01T05:00:00Z</updated>
                <content type="text">body a1</content></entry></feed>""");
        assertEquals("urn:a1", atom.get(0).get("key").getAsString());
        assertEquals("body a1", atom.get(0).get("body").getAsString());
        assertEquals("https://a/1", atom.get(0).get("url").getAsString());
        List<JsonObject> rdf = parse("""
                <?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
                <channel rdf:about="http://r/"><title>r</title><link>http://r/</link><description>d</description></channel>
                <item rdf:about="http://r/1"><title>R1</title><link>http://r/1</link></item></rdf:RDF>""");
        assertEquals("R1", rdf.get(0).get("title").getAsString());
    }

    @Test
    void aChangedEntryKeepsItsKeyButNotItsHash() throws Exception {
        String feed = "<rss version=\"2.0\"><channel><title>t</title><link>http://x/</link><description>d</description>"
                + "<item><title>T</title><guid>g1</guid><description>%s</description></item></channel></rss>";
        JsonObject a = parse(feed.formatted("v1")).get(0), b = parse(feed.formatted("v2")).get(0);
        assertEquals(a.get("key"), b.get("key"));
        assertNotEquals(a.get("hash"), b.get("hash"));
        assertEquals(a.get("hash"), parse(feed.formatted("v1")).get(0).get("hash"), "stable for the same content");
    }

    @Test
    void externalEntitiesAreNeverRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<rss version=\"2.0\"><channel><title>&x;</title><link>http://x/</link><description>d</description>"
                + "<item><title>&x;</title><guid>g</guid></item></channel></rss>";
        FeedParser.Malformed m = assertThrows(FeedParser.Malformed.class, () -> parse(xxe));
        assertTrue(!m.getMessage().contains("TOP-SECRET"), m.getMessage());
    }

    @Test
    void entityExpansionIsRefused() {
        StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        lol.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
        for (int i = 2; i <= 9; i++) lol.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        lol.append("]><rss version=\"2.0\"><channel><title>&lol9;</title><link>http://x/</link><description>d</description></channel></rss>");
        assertThrows(FeedParser.Malformed.class, () -> parse(lol.toString()));
    }

    @Test
    void garbageIsMalformedNotACrash() {
        for (String bad : List.of("", "not xml", "<html><body>hi</body></html>", "<rss version=\"2.0\"><channel>", "\u0000\u0001")) {
            assertThrows(FeedParser.Malformed.class, () -> parse(bad), bad);
        }
    }

    @Test
    void longFieldsAreCutToTheItemLimitsAndEntriesToTheMaximum() throws Exception {
        StringBuilder xml = new StringBuilder("<rss version=\"2.0\"><channel><title>t</title><link>http://x/</link><description>d</description>");
        for (int i = 0; i < 20; i++) {
            xml.append("<item><title>").append("T".repeat(500)).append("</title><guid>g").append(i).append("</guid><description>")
                    .append("é".repeat(20_000)).append("</description></item>");
        }
        List<JsonObject> e = FeedParser.parse(xml.append("</channel></rss>").toString().getBytes(StandardCharsets.UTF_8), 5);
        assertEquals(5, e.size());
        assertEquals(FeedParser.TITLE_MAX, e.get(0).get("title").getAsString().length());
        assertTrue(e.get(0).get("body").getAsString().getBytes(StandardCharsets.UTF_8).length <= FeedParser.BODY_MAX_BYTES);
    }
}
