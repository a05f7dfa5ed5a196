package dev.gangway.agent.alarms;

import dev.gangway.agent.config.AlarmsConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * The agent's alarms, running: the queue on disk and the intakes configured for it (SMTP, HTTP).
 *
 * <h2>Lifecycle</h2> {@link #start} opens the queue and binds the listeners, all or nothing (a failure closes what was
 * started and throws {@link AlarmsSetupException}); {@link #close} stops taking alarms, then closes the queue. What
 * is queued stays on disk for the next start.
 */
public final class Alarms implements AutoCloseable {

    private final AlarmQueue queue;
    private final Optional<SmtpIntake> smtp;
    private final Optional<HttpIntake> http;

    private Alarms(AlarmQueue queue, Optional<SmtpIntake> smtp, Optional<HttpIntake> http) {
        this.queue = queue;
        this.smtp = smtp;
        this.http = http;
    }

    public static Alarms start(AlarmsConfig config, Clock clock) {
        AlarmQueue queue;
        try {
            queue = AlarmQueue.open(config.queueDir(), config.maxAlarms(), config.maxBytes(), clock);
        } catch (IOException e) {
            throw new AlarmsSetupException("alarms.queue.dir", "cannot use " + config.queueDir() + " for the alarm "
                    + "queue: " + e.getMessage() + "; give a directory the agent's user may write (alarms.queue.dir)", e);
        }
        Optional<SmtpIntake> smtp = Optional.empty();
        try {
            if (config.smtpListen().isPresent()) {
                InetSocketAddress listen = config.smtpListen().get();
                smtp = Optional.of(bind("alarms.smtp.listen", listen, () -> SmtpIntake.start(listen, queue)));
            }
            Optional<HttpIntake> http = Optional.empty();
            if (config.httpListen().isPresent()) {
                InetSocketAddress listen = config.httpListen().get();
                http = Optional.of(bind("alarms.http.listen", listen, () -> HttpIntake.start(listen, queue)));
            }
            return new Alarms(queue, smtp, http);
        } catch (RuntimeException e) {
            smtp.ifPresent(SmtpIntake::close);
            queue.close();
            throw e;
        }
    }

    private interface Starter<T> {
        T start() throws IOException;
    }

    private static <T> T bind(String field, InetSocketAddress listen, Starter<T> starter) {
        try {
            return starter.start();
        } catch (IOException e) {
            String where = listen.getHostString() + ":" + listen.getPort();
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String fix = listen.getPort() < 1024 && why.toLowerCase(java.util.Locale.ROOT).contains("permission")
                    ? "use a port above 1023, or give the agent the right to bind low ports (systemd: "
                            + "AmbientCapabilities=CAP_NET_BIND_SERVICE)"
                    : e instanceof BindException || why.contains("in use")
                            ? "is another program listening there? choose another port or address"
                            : "check that the address is one of this machine's";
            throw new AlarmsSetupException(field, "cannot listen on " + where + " (" + why + "); " + fix, e);
        }
    }

    /** The queue the tunnel serves to the relay. */
    public AlarmQueue queue() {
        return queue;
    }

    public Optional<InetSocketAddress> smtpAddress() {
        return smtp.map(SmtpIntake::address);
    }

    public Optional<InetSocketAddress> httpAddress() {
        return http.map(HttpIntake::address);
    }

    @Override
    public void close() {
        smtp.ifPresent(SmtpIntake::close);
        http.ifPresent(HttpIntake::close);
        queue.close();
    }
}
