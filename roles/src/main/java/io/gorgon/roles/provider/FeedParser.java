package io.gorgon.roles.provider;

import com.google.gson.JsonObject;
import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.SAXBuilder;
import com.rometools.rome.io.SyndFeedInput;
import com.rometools.rome.io.WireFeedInput;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jdom2.Document;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.xml.sax.InputSource;

/**
 * RSS 0.9x/1.0/2.0 and Atom 1.0 through Rome. Hostile documents are harmless: Rome is told to refuse any DOCTYPE
 * (so no external entity and no entity expansion, the "billion laughs", can exist), and whatever Rome or the XML
 * parser throws becomes a {@link Malformed} with the reason, recorded as the feed's error. Each entry becomes the
 * fields of an item, cut to the item limits (title 200 chars, body 16 KiB), with its dedupe key: the guid (Atom id),
 * else the link, else a hash of its content.
 */
final class FeedParser {
    static final int TITLE_MAX = 200;
    static final int BODY_MAX_BYTES = 16 * 1024;
    static final int URL_MAX = 2048;
    /**
     * Reused XML parsers: setting up a parser (Xerces' configuration) was most of a parse's CPU. A builder is used by
     * one parse at a time (polls run on virtual threads, so no thread-locals); one that failed is dropped, not reused.
     */
    private static final ConcurrentLinkedQueue<SAXBuilder> BUILDERS = new ConcurrentLinkedQueue<>();
    private static final int MAX_POOLED = 64;

    /** Rome's own hardened builder (no DOCTYPE, no external entities, entities not expanded), kept for reuse. */
    private static final class SecureBuilders extends WireFeedInput {
        SAXBuilder create() {
            setAllowDoctypes(false);
            SAXBuilder b = createSAXBuilder();
            b.setReuseParser(true);
            return b;
        }
    }

    /**
     * One entry, as the JSON that travels on provider_data: {@code {key, hash, title, body, url?, ts?}}; {@code hash}
     * covers what the item shows, so a changed entry is an edit. {@code ts} is the entry's own date; without one the
     * item takes the time it was first seen, and later fetches (which can't know that time) leave it alone.
     */
    static JsonObject entry(String key, String title, String body, String url, Long ts) {
        JsonObject e = new JsonObject();
        e.addProperty("key", key);
        e.addProperty("title", title);
        e.addProperty("body", body);
        if (url != null) e.addProperty("url", url);
        if (ts != null) e.addProperty("ts", ts);
        e.addProperty("hash", sha256(title + '\u0000' + body + '\u0000' + url + '\u0000' + ts));
        return e;
    }

    /** The feed's newest {@code maxEntries} entries (in document order, which feeds keep newest first). */
    static List<JsonObject> parse(byte[] body, int maxEntries) throws Malformed {
        SyndFeed feed;
        SAXBuilder builder = BUILDERS.poll();
        if (builder == null) builder = new SecureBuilders().create();
        try {
            Document doc = builder.build(new InputSource(new ByteArrayInputStream(body)));
            feed = new SyndFeedInput().build(doc);
            if (BUILDERS.size() < MAX_POOLED) BUILDERS.offer(builder);
        } catch (Exception | StackOverflowError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new Malformed("not a readable RSS/Atom feed: " + why.replaceAll("\\s+", " "));
        }
        List<JsonObject> out = new ArrayList<>();
        for (SyndEntry e : feed.getEntries()) {
            if (out.size() >= maxEntries) break;
            String link = url(e.getLink());
            String text = bodyOf(e);
            String title = clip(strip(e.getTitle()), TITLE_MAX);
            if (title.isBlank()) title = link != null ? clip(link, TITLE_MAX) : clip(text.isBlank() ? "(untitled)" : text, TITLE_MAX);
            Date d = e.getPublishedDate() != null ? e.getPublishedDate() : e.getUpdatedDate();
            Long ts = d != null && d.getTime() > 0 ? d.getTime() : null;
            String guid = strip(e.getUri());
            String key = !guid.isBlank() ? clip(guid, 1000) : link != null ? link : "sha256:" + sha256(title + '\u0000' + text);
            out.add(entry(key, title, text, link, ts));
        }
        return out;
    }

    private static String bodyOf(SyndEntry e) {
        String v = null;
        if (e.getContents() != null) for (SyndContent c : e.getContents()) if (c != null && c.getValue() != null) { v = c.getValue(); break; }
        if (v == null && e.getDescription() != null) v = e.getDescription().getValue();
        return clipBytes(v == null ? "" : v.strip(), BODY_MAX_BYTES);
    }

    private static String url(String s) {
        s = strip(s);
        if (s.length() > URL_MAX || !(s.startsWith("http://") || s.startsWith("https://"))) return null;
        try {
            new java.net.URI(s);
            return s;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }

    static String clip(String s, int chars) {
        if (s.length() <= chars) return s;
        int end = chars;
        if (Character.isHighSurrogate(s.charAt(end - 1))) end--;
        return s.substring(0, end);
    }

    static String clipBytes(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxBytes) return s;
        int end = maxBytes;
        while (end > 0 && (b[end] & 0xC0) == 0x80) end--; // don't cut a UTF-8 sequence
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A document that is not a feed we can read; the message is the feed's recorded error. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
