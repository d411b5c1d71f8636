package io.gorgon.roles.notify;

import io.gorgon.roles.config.GorgonConfig;
import java.time.Clock;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What a client's frames do. A subscribe with {@code lastEventId} registers for live events first and then reads
 * the missed ones in one snapshot ({@link EventLog#history}); live events arriving meanwhile are held by the session
 * and sent after the history, duplicates dropped by id — no gap and no repeat at the seam. Answers: the events,
 * {@code {"op":"subscribed","users":[…],"resumed":true|false}} (resumed only with a lastEventId; false means some
 * events may be missing: older than the retention window), {@code {"op":"unsubscribed","users":[…]}} and
 * {@code {"op":"error","message":…}} for a bad frame, after which the socket keeps working.
 */
final class ClientProtocol {
    private static final Logger log = LoggerFactory.getLogger(ClientProtocol.class);
    static final long RESUME_WAIT_MS = 2_000;

    private final EventLog events;
    private final Hub hub;
    private final Clock clock;
    private final long maxResumeBytes;
    /** Resumes read at once: a storm of reconnects waits here instead of each holding a history in memory. */
    private final Semaphore resumes;

    ClientProtocol(EventLog events, Hub hub, Clock clock, GorgonConfig.Notify limits) {
        this.events = events;
        this.hub = hub;
        this.clock = clock;
        this.maxResumeBytes = limits.maxResumeBytes();
        this.resumes = new Semaphore(limits.maxConcurrentResumes());
    }

    void handle(Session s, String text) {
        ClientFrame f;
        try {
            f = ClientFrame.parse(text);
        } catch (IllegalArgumentException e) {
            s.send(Session.error(e.getMessage()));
            return;
        }
        if (ClientFrame.UNSUBSCRIBE.equals(f.op())) {
            s.unfollow(f.users());
            hub.unfollow(s, f.users());
            s.send(Session.ack("unsubscribed", f.users(), null));
            return;
        }
        List<Long> added = new ArrayList<>(f.users());
        added.removeAll(s.users());
        if (s.userCount() + added.size() > Session.MAX_USERS) {
            s.send(Session.error("at most " + Session.MAX_USERS + " users per connection"));
            return;
        }
        try {
            // Before following: the events of a user are recorded (and fanned out) only while someone watches them.
            events.watch(f.users());
        } catch (JedisException e) {
            log.warn("event=notify_watch_failed user={} cause=\"{}\"", s.principal(), FanoutReader.oneLine(e.getMessage()));
            s.send(Session.error("cannot subscribe now (events store unavailable); subscribe again shortly"));
            return;
        }
        if (f.lastEventId() == null) {
            s.follow(f.users(), null);
            hub.follow(s, f.users());
            s.send(Session.ack("subscribed", f.users(), null));
            return;
        }
        s.follow(f.users(), f.lastEventId());
        hub.follow(s, f.users());
        boolean permitted = false;
        try {
            permitted = resumes.tryAcquire(RESUME_WAIT_MS, TimeUnit.MILLISECONDS);
            if (!permitted) {
                s.send(Session.error("too many resumes at once; subscribed to live events only, resume again shortly"));
                s.finishResume(List.of(), Session.ack("subscribed", f.users(), false));
                return;
            }
            EventLog.History h = events.history(f.users(), f.lastEventId(), clock.millis(), maxResumeBytes);
            s.finishResume(h.events(), Session.ack("subscribed", f.users(), h.complete()));
        } catch (JedisException e) {
            log.warn("event=notify_resume_failed user={} cause=\"{}\"", s.principal(), FanoutReader.oneLine(e.getMessage()));
            s.send(Session.error("missed events could not be read; subscribed to live events only"));
            s.finishResume(List.of(), Session.ack("subscribed", f.users(), false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.finishResume(List.of(), Session.ack("subscribed", f.users(), false));
        } finally {
            if (permitted) resumes.release();
        }
    }
}
