package dev.gangway.portal.system;

import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Sends the portal's e-mails (lockout notices, invitations, password resets) through the SMTP server set with
 * {@code spring.mail.host} ({@code SPRING_MAIL_HOST}, port, user name, password). Without one, mails are not sent:
 * the log names recipient and subject only, never the body (it may hold a one-time link).
 */
@Component
public class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private final ObjectProvider<JavaMailSender> sender;
    private final String from;

    Mailer(ObjectProvider<JavaMailSender> sender, @Value("${gangway.mail.from:gangway@localhost}") String from) {
        this.sender = sender;
        this.from = from;
    }

    /** Whether an SMTP server is configured, so mails actually leave. */
    public boolean isConfigured() {
        return sender.getIfAvailable() != null;
    }

    /**
     * Sends one plain-text mail to each address (addresses that are null or blank are skipped). Returns whether it
     * was handed to the SMTP server; a failure is logged and returned as false, never thrown: a mail server that is
     * down must not break a sign-in or an admin action.
     */
    public boolean send(Collection<String> to, String subject, String body) {
        List<String> recipients = to.stream().filter(a -> a != null && !a.isBlank()).distinct().toList();
        if (recipients.isEmpty()) {
            return false;
        }
        JavaMailSender mail = sender.getIfAvailable();
        if (mail == null) {
            log.info("Mail not sent (no SMTP server configured, set spring.mail.host): to {} subject \"{}\"",
                    recipients, subject);
            return false;
        }
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(recipients.toArray(String[]::new));
        message.setSubject(subject);
        message.setText(body);
        try {
            mail.send(message);
            return true;
        } catch (MailException e) {
            log.warn("Mail to {} (\"{}\") failed: {}", recipients, subject, e.getMessage());
            return false;
        }
    }
}
