package dev.gangway.client.connect;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.portal.IssuedCertificate;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.PortalException;
import dev.gangway.client.portal.Ticket;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.ProxySettings;
import dev.gangway.tunnel.StreamClient;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The client's side of the tunnel for one device: a client certificate (a new EC key in memory, signed by the
 * portal), the relay connection made with it, and a ticket from the portal for every stream.
 *
 * <h2>Lifecycle</h2> {@link #start()} gets the certificate and connects to the relay (failures end the command).
 * Each {@link #open} asks the portal for a ticket bound to the current certificate, without blocking, and opens
 * a stream with it on the relay connection, which is dialled again if it was lost ({@link RelayLink}). At 2/3 of
 * the certificate's life a new key and certificate are obtained and a new relay connection is made; new streams
 * use it, the old connection closes when its last stream ends, and its link is forgotten then (so renewals do not
 * pile links up). The portal saying the session ended is fatal
 * (exit code 3), reported to {@code fatal}. {@link #close()} closes every relay connection.
 *
 * <h2>Threading</h2> Thread-safe. Renewal and connection closing run on one internal thread.
 */
public final class ClientTunnel implements StreamSource, AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RENEWAL_RETRY = Duration.ofSeconds(30);
    private static final Duration MIN_RENEWAL = Duration.ofSeconds(10);
    private static final Duration BACKOFF_MIN = Duration.ofMillis(500);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    /** How streams reach the relay (tests replace it). */
    @FunctionalInterface
    interface RelayDialer {
        CompletableFuture<RelayLink.Connection> dial(InetSocketAddress relay, SslContext tls,
                Optional<ProxySettings> proxy);
    }

    private record Credential(String fingerprint, InetSocketAddress relay, Instant expiresAt, Duration renewIn,
            RelayLink link) {
    }

    private final PortalClient portal;
    private final String token;
    private final String deviceId;
    private final Optional<ProxySettings> proxy;
    private final Consumer<String> warnings;
    private final Consumer<ClientException> fatal;
    private final RelayDialer dialer;
    private final ScheduledExecutorService scheduler;
    private final Set<RelayLink> links = ConcurrentHashMap.newKeySet();

    private volatile Credential current;
    private volatile boolean closed;
    private CompletableFuture<Credential> renewing;
    private ScheduledFuture<?> renewal;

    /**
     * @param warnings receives one sentence per problem worth telling the user (a failed renewal)
     * @param fatal    receives the reason the command must end (the session ended)
     */
    public ClientTunnel(PortalClient portal, String token, String deviceId, Optional<ProxySettings> proxy,
            Consumer<String> warnings, Consumer<ClientException> fatal) {
        this(portal, token, deviceId, proxy, warnings, fatal, ClientTunnel::dialStreamClient);
    }

    ClientTunnel(PortalClient portal, String token, String deviceId, Optional<ProxySettings> proxy,
            Consumer<String> warnings, Consumer<ClientException> fatal, RelayDialer dialer) {
        this.portal = portal;
        this.token = token;
        this.deviceId = deviceId;
        this.proxy = proxy;
        this.warnings = warnings;
        this.fatal = fatal;
        this.dialer = dialer;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gangway-client-tunnel");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Gets the first certificate and connects to the relay.
     *
     * @throws ClientException exit code 7 when the relay (or the proxy) cannot be reached, else the portal's
     */
    public void start() {
        Credential first = issue();
        current = first;
        try {
            first.link().connection().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ClientException(ExitCode.UNREACHABLE, "cannot connect to the relay " + where(first.relay())
                    + ": " + describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new ClientException(ExitCode.UNREACHABLE, "no connection to the relay " + where(first.relay())
                    + " within " + START_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCode.UNEXPECTED, "interrupted while connecting to the relay");
        }
        scheduleRenewal(first.renewIn());
    }

    /** Relay links not closed yet: the current one and those still carrying streams (for tests). */
    int links() {
        return links.size();
    }

    /** The relay the current certificate was issued for. */
    public InetSocketAddress relay() {
        return current.relay();
    }

    /** When the current certificate expires. */
    public Instant certificateExpiresAt() {
        return current.expiresAt();
    }

    @Override
    public CompletableFuture<Channel> open(LanTarget target) {
        return open(target, true);
    }

    private CompletableFuture<Channel> open(LanTarget target, boolean mayRenew) {
        Credential c = current;
        boolean reserved = false;
        // a renewal may drain (and close) the link just read: then the new current one takes the stream
        while (c != null && !closed) {
            if (c.link().reserve()) {
                reserved = true;
                break;
            }
            Credential now = current;
            c = now == c ? null : now;
        }
        if (!reserved) {
            return CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE, "the client is stopping"));
        }
        CompletableFuture<String> ticket;
        try {
            ticket = portal.ticket(token, deviceId, target, c.fingerprint()).thenApply(Ticket::token);
        } catch (RuntimeException e) {
            ticket = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Channel> stream = c.link().openReserved(ticket);
        return stream.handle((channel, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(channel);
            }
            Throwable cause = SocksReplies.unwrap(error);
            if (cause instanceof PortalException p && p.exitCode() == ExitCode.NOT_SIGNED_IN) {
                fatal.accept(p);
            } else if (cause instanceof PortalException p && p.is("no-certificate") && mayRenew && !closed) {
                // the certificate expired or was ended: get a new one and try once more
                return renewNow().thenCompose(fresh -> open(target, false));
            }
            return CompletableFuture.<Channel>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    // ---- certificates -----------------------------------------------------------------------------------------

    private Credential issue() {
        KeyPair keys = ClientKeys.newKeyPair();
        IssuedCertificate issued = portal.certificate(token, ClientKeys.csrPem(keys));
        X509Certificate certificate = issued.certificate();
        if (!ClientKeys.matches(certificate, keys)) {
            throw new ClientException(ExitCode.UNEXPECTED, "the portal returned a certificate for another key;"
                    + " is the portal of the same version as this client?");
        }
        SslContext tls;
        try {
            tls = TunnelTls.forStreamClient(keys.getPrivate(), new X509Certificate[] {certificate},
                    List.of(issued.ca()));
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCode.UNEXPECTED, "cannot set up TLS with the client certificate: "
                    + e.getMessage(), e);
        }
        InetSocketAddress relay = issued.relay();
        RelayLink link = new RelayLink(() -> dialer.dial(relay, tls, proxy), scheduler, BACKOFF_MIN, BACKOFF_MAX);
        links.add(link);
        // a drained link (the certificate was renewed, its last stream ended) is closed: forget it
        link.drained().whenComplete((done, error) -> links.remove(link));
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (issued.expiresAt() != null && issued.expiresAt().isBefore(notAfter)) {
            notAfter = issued.expiresAt();
        }
        Duration life = Duration.between(certificate.getNotBefore().toInstant(), notAfter);
        Duration left = Duration.between(Instant.now(), notAfter);
        Duration shorter = life.compareTo(left) < 0 ? life : left;
        Duration renewIn = shorter.multipliedBy(2).dividedBy(3);
        if (renewIn.compareTo(MIN_RENEWAL) < 0) {
            renewIn = MIN_RENEWAL;
        }
        return new Credential(Tickets.fingerprint(certificate), relay, notAfter, renewIn, link);
    }

    private synchronized void scheduleRenewal(Duration delay) {
        if (closed) {
            return;
        }
        if (renewal != null) {
            renewal.cancel(false);
        }
        try {
            renewal = scheduler.schedule(this::renewNow, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** Renews now, or joins the renewal under way. */
    private synchronized CompletableFuture<Credential> renewNow() {
        if (renewing != null && !renewing.isDone()) {
            return renewing;
        }
        CompletableFuture<Credential> result = new CompletableFuture<>();
        renewing = result;
        try {
            scheduler.execute(() -> renew(result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(TunnelException.of(TunnelError.DEVICE_OFFLINE, "the client is stopping"));
        }
        return result;
    }

    private void renew(CompletableFuture<Credential> result) {
        if (closed) {
            result.completeExceptionally(TunnelException.of(TunnelError.DEVICE_OFFLINE, "the client is stopping"));
            return;
        }
        try {
            Credential next = issue();
            next.link().connection(); // dial now, so the next stream need not wait
            Credential old = current;
            current = next;
            if (old != null) {
                old.link().drain();
            }
            scheduleRenewal(next.renewIn());
            result.complete(next);
        } catch (ClientException e) {
            result.completeExceptionally(e);
            if (e.exitCode() == ExitCode.NOT_SIGNED_IN) {
                fatal.accept(e);
                return;
            }
            warnings.accept("cannot renew the client certificate (" + e.getMessage() + "); trying again in "
                    + RENEWAL_RETRY.toSeconds() + " s");
            scheduleRenewal(RENEWAL_RETRY);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            warnings.accept("cannot renew the client certificate (" + e + "); trying again in "
                    + RENEWAL_RETRY.toSeconds() + " s");
            scheduleRenewal(RENEWAL_RETRY);
        }
    }

    // ---- relay ------------------------------------------------------------------------------------------------

    private static CompletableFuture<RelayLink.Connection> dialStreamClient(InetSocketAddress relay, SslContext tls,
            Optional<ProxySettings> proxy) {
        CompletableFuture<StreamClient> connected = StreamClient.connect(relay, tls, proxy.orElse(null));
        return connected.thenApply(StreamClientConnection::new);
    }

    /** A {@link StreamClient} as a {@link RelayLink.Connection}. */
    private record StreamClientConnection(StreamClient client) implements RelayLink.Connection {
        @Override
        public CompletableFuture<Channel> openStream(String ticket) {
            return client.openStream(ticket);
        }

        @Override
        public boolean isActive() {
            return client.isActive();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** The sentence for a failed stream or connection. */
    public static String describe(Throwable failure) {
        Throwable cause = SocksReplies.unwrap(failure);
        if (cause instanceof ClientException || cause instanceof TunnelException) {
            return String.valueOf(cause.getMessage());
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static String where(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Closes every relay connection (blocks a few seconds at most per connection). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (renewal != null) {
                renewal.cancel(false);
            }
        }
        scheduler.shutdownNow();
        for (RelayLink link : links) {
            link.close();
        }
    }
}
