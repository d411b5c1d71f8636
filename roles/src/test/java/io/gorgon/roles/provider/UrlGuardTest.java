package io.gorgon.roles.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class UrlGuardTest {
    final UrlGuard strict = new UrlGuard(false);

    @Test
    void privateLoopbackAndMetadataAddressesAreRefused() {
        for (String url : List.of("http://127.0.0.1/feed", "http://localhost:8080/", "http://10.1.2.3/", "http://192.168.0.1/",
                "http://172.16.5.5/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/",
                "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/", "http://100.64.0.1/", "http://[fe80::1]/")) {
            assertThrows(UrlGuard.Refused.class, () -> strict.check(url), url);
        }
    }

    @Test
    void onlyHttpUrlsWithoutCredentials() {
        for (String url : List.of("ftp://93.184.216.34/", "file:///etc/passwd", "gopher://x/", "http://user:pw@93.184.216.34/",
                "not a url", "", "http:///nohost", "http://93.184.216.34/" + "a".repeat(3000))) {
            assertThrows(UrlGuard.Refused.class, () -> strict.check(url), url);
        }
    }

    @Test
    void publicAddressesPassNormalised() throws Exception {
        assertEquals("https://93.184.216.34/rss?x=1", strict.check("HTTPS://93.184.216.34/rss?x=1#frag").toString());
        assertEquals("http://93.184.216.34/", strict.check("http://93.184.216.34").toString());
        assertEquals("http://127.0.0.1:9/f", new UrlGuard(true).check("http://127.0.0.1:9/f").toString(), "allowed by config");
    }
}
