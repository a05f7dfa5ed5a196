package dev.gangway.portal.device;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.rights.Access;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server-sent events of device status, per account: event {@code device}, data {@code {"id":"…","online":true}};
 * a device whose site's key switch is off, or an on-demand device without a tunnel, adds what to show instead of
 * "offline": {@code {"id":"…","online":false,"status":"site-disabled","label":"remote access disabled on site"}},
 * {@code {"id":"…","online":false,"status":"asleep","label":"asleep (on demand)"}} ({@link DeviceStatus}).
 * A browser only ever receives events of devices of its own account on which its user holds a right now: each
 * event is checked against {@link Access} when it is sent, so a right removed stops the events at once. A comment
 * every 25 s finds dead connections.
 */
@Component
class DeviceEvents {

    /** Open event streams one account may hold, so a runaway page cannot exhaust the portal's threads. */
    static final int MAX_STREAMS_PER_ACCOUNT = 200;

    /** Open event streams one user may hold, so one user (many tabs, a runaway script) cannot use up the account's. */
    static final int MAX_STREAMS_PER_USER = 10;

    private static final long STREAM_TIMEOUT_MS = 30 * 60 * 1000L;

    private final Map<String, Set<SseEmitter>> byAccount = new ConcurrentHashMap<>();
    /** Open streams by account id and user id; changed together with {@link #byAccount} under {@link #limits}. */
    private final Map<String, Set<SseEmitter>> byUser = new ConcurrentHashMap<>();
    private final Map<SseEmitter, PortalUser> subscribers = new ConcurrentHashMap<>();
    /** Makes counting and adding one step, so concurrent subscriptions cannot pass a limit together. */
    private final Object limits = new Object();
    private final JsonMapper json;
    private final Access access;

    DeviceEvents(JsonMapper json, Access access) {
        this.json = json;
        this.access = access;
    }

    /** A new stream for a user, starting with the given current status of the devices they may see. */
    SseEmitter subscribe(PortalUser user, Map<String, DeviceStatus> snapshot) {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT_MS);
        synchronized (limits) {
            Set<SseEmitter> streams = byAccount.computeIfAbsent(user.accountId(),
                    k -> ConcurrentHashMap.newKeySet());
            Set<SseEmitter> own = byUser.computeIfAbsent(userKey(user), k -> ConcurrentHashMap.newKeySet());
            if (own.size() >= MAX_STREAMS_PER_USER) {
                throw new TooManyStreamsException("too many open device status streams for your user (at most "
                        + MAX_STREAMS_PER_USER + "): close some portal tabs");
            }
            if (streams.size() >= MAX_STREAMS_PER_ACCOUNT) {
                throw new TooManyStreamsException("too many open device status streams for this account: close some"
                        + " portal tabs");
            }
            subscribers.put(emitter, user);
            streams.add(emitter);
            own.add(emitter);
        }
        Runnable remove = () -> remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        try {
            emitter.send(SseEmitter.event().comment("device status"));
            for (Map.Entry<String, DeviceStatus> e : snapshot.entrySet()) {
                emitter.send(event(e.getKey(), e.getValue()));
            }
        } catch (IOException | IllegalStateException e) {
            remove.run();
            emitter.completeWithError(e);
        }
        return emitter;
    }

    /** Forgets a stream (ended, timed out, broken); idempotent. */
    private void remove(SseEmitter emitter) {
        synchronized (limits) {
            PortalUser user = subscribers.remove(emitter);
            if (user == null) {
                return;
            }
            Set<SseEmitter> streams = byAccount.get(user.accountId());
            if (streams != null) {
                streams.remove(emitter);
            }
            String key = userKey(user);
            Set<SseEmitter> own = byUser.get(key);
            if (own != null) {
                own.remove(emitter);
                if (own.isEmpty()) {
                    byUser.remove(key);
                }
            }
        }
    }

    private static String userKey(PortalUser user) {
        return user.accountId() + "/" + user.userId();
    }

    /** Tells every open stream of the account whose user may see the device its new status. */
    void publish(String accountId, String deviceId, DeviceStatus status) {
        Set<SseEmitter> streams = byAccount.get(accountId);
        if (streams == null) {
            return;
        }
        Map<String, Boolean> maySee = new HashMap<>();
        for (SseEmitter emitter : streams) {
            PortalUser user = subscribers.get(emitter);
            if (user == null || !maySee.computeIfAbsent(user.userId(),
                    id -> !access.rightsOn(user, deviceId).isEmpty())) {
                continue;
            }
            try {
                emitter.send(event(deviceId, status));
            } catch (IOException | IllegalStateException e) {
                remove(emitter);
                emitter.completeWithError(e);
            }
        }
    }

    /**
     * Ends every open stream when the portal stops (before the web server's graceful shutdown, which would otherwise
     * wait its whole timeout for these never-ending requests); the browsers reconnect to the next start.
     */
    @EventListener(ContextClosedEvent.class)
    void closeAll() {
        for (SseEmitter emitter : subscribers.keySet()) {
            remove(emitter);
            emitter.complete();
        }
    }

    @Scheduled(fixedDelay = 25_000, initialDelay = 25_000)
    void heartbeat() {
        for (Set<SseEmitter> streams : byAccount.values()) {
            for (SseEmitter emitter : streams) {
                try {
                    emitter.send(SseEmitter.event().comment("keepalive"));
                } catch (IOException | IllegalStateException e) {
                    remove(emitter);
                    emitter.completeWithError(e);
                }
            }
        }
    }

    private SseEmitter.SseEventBuilder event(String deviceId, DeviceStatus status) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", deviceId);
        data.put("online", status.isOnline());
        if (status != DeviceStatus.ONLINE && status != DeviceStatus.OFFLINE) {
            data.put("status", status.wire());
            data.put("label", status.label());
        }
        return SseEmitter.event().name("device").data(json.writeValueAsString(data), MediaType.TEXT_PLAIN);
    }

    /** More open streams than {@link #MAX_STREAMS_PER_USER} or {@link #MAX_STREAMS_PER_ACCOUNT} (503). */
    static final class TooManyStreamsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyStreamsException(String message) {
            super(message);
        }
    }
}
