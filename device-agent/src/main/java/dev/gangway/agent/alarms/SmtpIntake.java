package dev.gangway.agent.alarms;

import dev.gangway.tunnel.Alarm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The SMTP listener on the agent's LAN side (SubEthaSMTP): HMIs and PLCs that can send mail send their alarms here.
 * Every sender and every recipient is accepted (no authentication, no relaying: a mail goes nowhere but into the
 * {@link AlarmQueue}); the subject and the text part become an alarm ({@link MailAlarm}), the envelope sender its
 * {@code from}. {@code 250} is answered only once the alarm is on disk; a queue that cannot write answers {@code 451}
 * (the sender retries).
 *
 * <h2>Limits</h2> At most {@value #MAX_CONNECTIONS} connections at once, {@value #TIMEOUT_SECONDS} s of silence per
 * connection, {@value #MAX_RECIPIENTS} recipients, a mail of at most {@value #MAX_MESSAGE_BYTES} bytes (more is refused
 * with {@code 552} and the connection closed); of that only the first {@value #KEPT_BYTES} bytes are parsed.
 *
 * <h2>Lifecycle</h2> {@link #start} binds and serves on threads of its own; {@link #close} stops.
 */
public final class SmtpIntake implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpIntake.class);
    static final int MAX_CONNECTIONS = 16;
    static final int TIMEOUT_SECONDS = 60;
    static final int MAX_RECIPIENTS = 100;
    static final int MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
    static final int KEPT_BYTES = 1024 * 1024;

    private final SMTPServer server;

    private SmtpIntake(SMTPServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code address} (port 0: any free port).
     *
     * @throws IOException when the address cannot be bound; the message says why
     */
    public static SmtpIntake start(InetSocketAddress address, AlarmQueue queue) throws IOException {
        InetAddress host = address.isUnresolved() ? InetAddress.getByName(address.getHostString()) : address.getAddress();
        SMTPServer server = SMTPServer.port(address.getPort())
                .bindAddress(host)
                .hostName(hostName())
                .softwareName("Gangway device agent")
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .maxRecipients(MAX_RECIPIENTS)
                .maxMessageSize(MAX_MESSAGE_BYTES)
                .messageHandlerFactory(context -> new Mail(context, queue))
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
        SmtpIntake intake = new SmtpIntake(server);
        log.info("alarm mail (SMTP) accepted on {}", intake.address());
        return intake;
    }

    /** The bound address. */
    public InetSocketAddress address() {
        InetAddress host = server.getBindAddress().orElse(InetAddress.getLoopbackAddress());
        return new InetSocketAddress(host, server.getPortAllocated());
    }

    @Override
    public void close() {
        server.stop();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "gangway-agent";
        }
    }

    /** One mail transaction. */
    private static final class Mail implements MessageHandler {
        private final MessageContext context;
        private final AlarmQueue queue;
        private String from = "";

        Mail(MessageContext context, AlarmQueue queue) {
            this.context = context;
            this.queue = queue;
        }

        @Override
        public void from(String sender) {
            from = sender == null ? "" : sender;
        }

        @Override
        public void recipient(String recipient) {
            // any recipient: the mail goes into the alarm queue, nowhere else
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] kept = readCapped(data);
            MailAlarm.Content content = MailAlarm.parse(kept);
            try {
                Alarm alarm = queue.add(Alarm.SOURCE_SMTP, from.isEmpty() ? client() : from, content.subject(),
                        content.text());
                log.debug("alarm mail from {} queued as {}", client(), alarm.id());
            } catch (IOException e) {
                log.warn("cannot queue an alarm mail from {}: {}", client(), e.getMessage());
                throw new RejectException(451, "4.3.0 the alarm cannot be saved right now; try again later");
            }
            return null;
        }

        private String client() {
            SocketAddress remote = context.getRemoteAddress();
            return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                    ? inet.getAddress().getHostAddress() : "";
        }

        @Override
        public void done() {
        }
    }

    /**
     * The first {@link #KEPT_BYTES} bytes; the rest is read and dropped, up to {@link #MAX_MESSAGE_BYTES}. A larger mail
     * is refused with {@code 552} and the connection closed (its unread lines must never be taken for commands).
     */
    static byte[] readCapped(InputStream data) throws IOException, DropConnectionException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = data.read(buffer)) > 0) {
            total += n;
            if (total > MAX_MESSAGE_BYTES) {
                throw new DropConnectionException(552, "5.3.4 the mail is larger than " + MAX_MESSAGE_BYTES + " bytes");
            }
            int keep = (int) Math.min(n, KEPT_BYTES - kept.size());
            if (keep > 0) {
                kept.write(buffer, 0, keep);
            }
        }
        return kept.toByteArray();
    }
}
