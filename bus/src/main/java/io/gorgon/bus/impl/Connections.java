package io.gorgon.bus.impl;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/** Opens single Redis connections from a redis:// or rediss:// URI (password, user, database, TLS). */
final class Connections {
    private final HostAndPort address;
    private final JedisClientConfig config;

    Connections(String uri, String clientName) {
        URI u = URI.create(uri);
        String scheme = u.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("redis URI must start with redis:// or rediss://, got " + uri);
        }
        if (u.getHost() == null) throw new IllegalArgumentException("redis URI has no host: " + uri);
        this.address = new HostAndPort(u.getHost(), u.getPort() == -1 ? 6379 : u.getPort());
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .resp2() // plain Jedis connections speak RESP2; saying so avoids a per-connection negotiation warning
                .connectionTimeoutMillis(2000)
                .socketTimeoutMillis(5000)
                .clientName(clientName)
                .ssl("rediss".equals(scheme));
        String info = u.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            String user = colon < 0 ? null : decode(info.substring(0, colon));
            String password = decode(colon < 0 ? info : info.substring(colon + 1));
            if (user != null && !user.isEmpty()) b.user(user);
            if (!password.isEmpty()) b.password(password);
        }
        String path = u.getPath();
        if (path != null && path.length() > 1) b.database(Integer.parseInt(path.substring(1)));
        this.config = b.build();
    }

    Jedis open() {
        Jedis j = new Jedis(address, config);
        j.ping(); // connect now, so failures surface here and not on the first command
        return j;
    }

    HostAndPort address() {
        return address;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
