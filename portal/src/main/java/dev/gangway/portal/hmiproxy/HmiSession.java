package dev.gangway.portal.hmiproxy;

import dev.gangway.tunnel.LanTarget;
import io.netty.channel.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One user's HMI session on one device service, served at its own origin. Read-only for other features (for
 * connection reports and the admin session list); the proxy alone changes it. Secrets never leave this package.
 */
public final class HmiSession {

    /** Why {@link #consumeEntryToken} refused or accepted a token. */
    enum Entry { ACCEPTED, UNKNOWN, USED, EXPIRED }

    private final String id;
    private final String account;
    private final String user;
    private final String deviceId;
    private final String serviceName;
    private final LanTarget target;
    private final boolean tls;
    private final String origin;
    private final String deviceAuthority;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final Duration idleTimeout;
    private final String cookieSecret;
    private final Instant entryTokenExpiresAt;

    private final AtomicLong bytesFromBrowser = new AtomicLong();
    private final AtomicLong bytesToBrowser = new AtomicLong();
    private final Set<Channel> connections = new HashSet<>();
    private String entryToken;
    private volatile Instant lastUsedAt;
    private volatile Instant endedAt;
    /** The session's row in the connection report, once recorded. */
    private volatile String recordId;

    HmiSession(String id, String account, String user, String deviceId, String serviceName, LanTarget target,
            boolean tls, String origin, Instant now, HmiProxySettings settings, String entryToken,
            String cookieSecret) {
        this.id = id;
        this.account = account;
        this.user = user;
        this.deviceId = deviceId;
        this.serviceName = serviceName;
        this.target = target;
        this.tls = tls;
        this.origin = origin;
        this.deviceAuthority = defaultPortOmitted(target, tls);
        this.createdAt = now;
        this.lastUsedAt = now;
        this.expiresAt = now.plus(settings.sessionAbsoluteTimeout());
        this.idleTimeout = settings.sessionIdleTimeout();
        this.entryToken = entryToken;
        this.entryTokenExpiresAt = now.plus(settings.entryTokenLifetime());
        this.cookieSecret = cookieSecret;
    }

    public String id() {
        return id;
    }

    public String account() {
        return account;
    }

    public String user() {
        return user;
    }

    public String deviceId() {
        return deviceId;
    }

    public String serviceName() {
        return serviceName;
    }

    public LanTarget target() {
        return target;
    }

    /** Whether the device's service speaks HTTPS (the agent originates the TLS). */
    public boolean tls() {
        return tls;
    }

    /** The browser-side origin of this session, e.g. {@code http://<id>.hmi.localhost:8081}. */
    public String origin() {
        return origin;
    }

    /** The device's own origin as its web server sees it, e.g. {@code http://198.19.0.2}. */
    public String deviceOrigin() {
        return (tls ? "https://" : "http://") + deviceAuthority;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    /** When the session ends at the latest (absolute timeout). */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** When the session ended, or {@code null} while it is live. */
    public Instant endedAt() {
        return endedAt;
    }

    public boolean isEnded() {
        return endedAt != null;
    }

    /** Bytes received from the browser on this session's connections (headers included). */
    public long bytesFromBrowser() {
        return bytesFromBrowser.get();
    }

    /** Bytes sent to the browser on this session's connections (headers included). */
    public long bytesToBrowser() {
        return bytesToBrowser.get();
    }

    /** Browser connections open now (HTTP keep-alive and WebSocket). */
    public synchronized int connectionCount() {
        return connections.size();
    }

    /** The id of the session's connection record, or null when none was written (no report, tests). */
    String recordId() {
        return recordId;
    }

    void recordedAs(String recordId) {
        this.recordId = recordId;
    }

    /** The {@code Host} value the device's web server expects. */
    String deviceAuthority() {
        return deviceAuthority;
    }

    String cookieSecret() {
        return cookieSecret;
    }

    boolean cookieMatches(String presented) {
        return Secrets.sameSecret(cookieSecret, presented);
    }

    /** Uses the one-time entry token: it works once, before it expires, and is forgotten afterwards. */
    synchronized Entry consumeEntryToken(String presented, Instant now) {
        if (entryToken == null) {
            return Entry.USED;
        }
        if (!Secrets.sameSecret(entryToken, presented)) {
            return Entry.UNKNOWN;
        }
        entryToken = null;
        return now.isAfter(entryTokenExpiresAt) ? Entry.EXPIRED : Entry.ACCEPTED;
    }

    void touch(Instant now) {
        lastUsedAt = now;
    }

    /** Whether the session is past its absolute lifetime, or idle with no connection for the idle timeout. */
    synchronized boolean expired(Instant now) {
        if (!now.isBefore(expiresAt)) {
            return true;
        }
        return connections.isEmpty() && now.isAfter(lastUsedAt.plus(idleTimeout));
    }

    /** Counts a browser connection against this session; refused when ended or at the limit. */
    synchronized boolean attach(Channel connection, int maxConnections) {
        if (endedAt != null || connections.size() >= maxConnections) {
            return false;
        }
        connections.add(connection);
        return true;
    }

    synchronized void detach(Channel connection, Instant now) {
        if (connections.remove(connection)) {
            lastUsedAt = now;
        }
    }

    /** Marks the session ended and closes its connections (HTTP and WebSocket alike). */
    void end(Instant now) {
        List<Channel> open;
        synchronized (this) {
            if (endedAt != null) {
                return;
            }
            endedAt = now;
            entryToken = null;
            open = new ArrayList<>(connections);
            connections.clear();
        }
        open.forEach(Channel::close);
    }

    void countFromBrowser(long bytes) {
        bytesFromBrowser.addAndGet(bytes);
    }

    void countToBrowser(long bytes) {
        bytesToBrowser.addAndGet(bytes);
    }

    private static String defaultPortOmitted(LanTarget target, boolean tls) {
        int defaultPort = tls ? 443 : 80;
        if (target.port() != defaultPort) {
            return target.authority();
        }
        return target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
    }

    @Override
    public String toString() {
        return "HMI session " + id + " (" + account + "/" + user + " on device " + deviceId + " service "
                + serviceName + ")";
    }
}
