package dev.gangway.portal.alarm;

import dev.gangway.portal.alarm.AlarmRecipients.Recipient;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.sms.SmsSender;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.system.Mailer;
import dev.gangway.portal.system.PortalSettings;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends stored alarms to their recipients ({@link AlarmRecipients}): a mail to each one's e-mail address through
 * {@link Mailer}, an SMS to each one's phone number through {@link SmsSender}; every result is audited as
 * {@code alarm.mail} or {@code alarm.sms} ({@code ok} or {@code failed}, with the recipient).
 *
 * <p>One thread of its own sends, in the order the alarms were stored (a device's alarms arrive in the agent's
 * order), so slow mail or SMS servers never hold up the relay or a web request. An alarm is claimed in the database
 * before it is sent ({@link AlarmTable#claim}), so it goes out once however often it is queued. What is stored but
 * never claimed (the portal stopped first, or more than {@value #BACKLOG} alarms were waiting) is picked up by
 * {@link #sweep}, every minute and shortly after the start. A failed mail or SMS is not retried: the alarm stays
 * stored and shown on the device page, and the audit log says who did not get it.
 */
@Component
class AlarmDispatcher implements DisposableBean {

    static final int BACKLOG = 10_000;
    private static final int SWEEP_BATCH = 100;
    private static final Logger log = LoggerFactory.getLogger(AlarmDispatcher.class);

    private final AlarmTable table;
    private final AlarmRecipients recipients;
    private final Mailer mailer;
    private final SmsSender sms;
    private final AuditLog audit;
    private final PortalSettings portal;
    private final Clock clock;
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(BACKLOG), runnable -> {
                Thread thread = new Thread(runnable, "gangway-alarm-dispatch");
                thread.setDaemon(true);
                return thread;
            });

    AlarmDispatcher(AlarmTable table, AlarmRecipients recipients, Mailer mailer, SmsSender sms, AuditLog audit,
            PortalSettings portal, Clock clock) {
        this.table = table;
        this.recipients = recipients;
        this.mailer = mailer;
        this.sms = sms;
        this.audit = audit;
        this.portal = portal;
        this.clock = clock;
    }

    /** Queues committed alarms for sending, in this order. */
    void dispatch(List<String> alarmIds) {
        for (String id : alarmIds) {
            try {
                executor.execute(() -> send(id));
            } catch (RejectedExecutionException e) {
                log.warn("Alarm {} waits for the next sweep: {} alarms are queued already, or the portal stops", id,
                        BACKLOG);
            }
        }
    }

    /** Queues the alarms that were stored but never sent. */
    @Scheduled(fixedDelay = 60_000, initialDelay = 10_000)
    void sweep() {
        List<String> waiting = table.undispatched(SWEEP_BATCH);
        if (!waiting.isEmpty()) {
            log.info("{} stored alarm(s) not sent yet: sending them now", waiting.size());
            dispatch(waiting);
        }
    }

    private void send(String id) {
        try {
            if (!table.claim(id, clock.instant())) {
                return;
            }
            StoredAlarm alarm = table.find(id).orElse(null);
            if (alarm == null) {
                return;
            }
            List<Recipient> to = recipients.of(alarm.accountId(), alarm.deviceId());
            if (to.isEmpty()) {
                audit.record("alarm.mail", "failed", null, alarm.accountId(), alarm.deviceId(),
                        AlarmMessages.describe(alarm) + ": nobody holds the right \"" + Right.SEND_ALARMS.label()
                                + "\" on this device");
                return;
            }
            for (Recipient recipient : to) {
                mail(alarm, recipient);
                if (recipient.phoneNumber() != null) {
                    sms.send(recipient.phoneNumber(), AlarmMessages.sms(alarm), new SmsSender.Audit("alarm.sms",
                            alarm.accountId(), alarm.deviceId(), AlarmMessages.describe(alarm) + " for "
                                    + recipient.username()));
                }
            }
        } catch (RuntimeException e) {
            log.error("Cannot send alarm {}", id, e);
        }
    }

    private void mail(StoredAlarm alarm, Recipient recipient) {
        String about = AlarmMessages.describe(alarm) + " for " + recipient.username();
        if (recipient.email() == null || recipient.email().isBlank()) {
            audit.record("alarm.mail", "failed", null, alarm.accountId(), alarm.deviceId(), about
                    + ": the user has no e-mail address");
            return;
        }
        boolean sent = mailer.send(List.of(recipient.email()), AlarmMessages.mailSubject(alarm),
                AlarmMessages.mailBody(alarm, portal.publicUri()));
        String result = sent ? "handed to the mail server"
                : mailer.isConfigured() ? "the mail server could not be reached or refused it (see the portal log)"
                : "not sent: no mail server is configured (spring.mail.host)";
        audit.record("alarm.mail", sent ? "ok" : "failed", null, alarm.accountId(), alarm.deviceId(), about
                + ", to " + recipient.email() + ": " + result);
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
