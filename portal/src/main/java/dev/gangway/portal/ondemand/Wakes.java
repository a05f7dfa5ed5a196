package dev.gangway.portal.ondemand;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.Device;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceRepository;
import dev.gangway.portal.device.DeviceTunnelChanged;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.device.DeviceWakes;
import dev.gangway.portal.pki.CertificateAuthority;
import dev.gangway.portal.relay.TunnelDisconnector;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.sms.SmsResult;
import dev.gangway.portal.sms.SmsSender;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.tunnel.TunnelError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.PageRequest;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wake-ups of on-demand devices and sending them offline, for the web pages and the client API alike.
 *
 * <h2>A wake-up</h2> {@link #wake}: the user needs a right that uses the device's tunnel
 * ({@link DeviceWakes#CONNECT_RIGHTS}); the device must be on demand, not online, its key switch on, and have a phone
 * number. A wake-up still in progress is returned instead of sending another SMS. Otherwise a {@link DeviceWake} is
 * stored (under the device's row lock, so two Connects at once make one) with a wake time later than the device's
 * last one, and the signed SMS ({@link WakeSms}) is handed to {@link SmsSender} on a thread of this feature (the
 * gateway may take seconds); its answer is the "SMS sent" step or the failure "SMS gateway refused". The agent's
 * report ({@link WakeProgressController}) is the "dialling" step; the device's tunnel coming up
 * ({@link DeviceTunnelChanged}, and {@link #sweep} as a fallback) is "online". No tunnel within
 * {@link OnDemandSettings#answerTimeout} fails it ("no answer"). Every step is taken under the wake-up's row lock and
 * only moves forward.
 *
 * <h2>Send offline</h2> {@link #offline}: the same right; the relay closes the tunnel with a GOAWAY
 * {@link TunnelError#SENT_OFFLINE}, the agent then stays down until the next wake-up.
 *
 * <h2>Audit</h2> {@code device.wake} (the SMS sent or refused, by {@link SmsSender}; a refusal for lack of a phone
 * number; "no answer"), {@code device.offline} (who sent it offline), {@code device.hang-up} (an on-demand device's
 * tunnel went down, and why: idle timeout, sent offline, ...).
 *
 * <p>Thread-safe.
 */
@Service
public class Wakes implements DeviceWakes, DisposableBean {

    /** Where a wake-up was asked for. */
    public static final String WEB = "web";
    public static final String CLIENT = "client";

    private static final Logger log = LoggerFactory.getLogger(Wakes.class);
    private static final Set<String> IN_PROGRESS = Set.of(WakeState.SENDING.wire(), WakeState.SMS_SENT.wire(),
            WakeState.DIALLING.wire());
    /** SMS waiting to be handed to the gateway; more at once are refused in words. */
    static final int SMS_BACKLOG = 200;

    private final DeviceRegistry registry;
    private final DeviceRepository devices;
    private final DeviceTunnels tunnels;
    private final Access access;
    private final DeviceWakeRepository wakes;
    private final SmsSender sms;
    private final CertificateAuthority authority;
    private final ObjectProvider<TunnelDisconnector> relay;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final OnDemandSettings settings;
    private final Clock clock;
    private final ThreadPoolExecutor smsThreads;

    Wakes(DeviceRegistry registry, DeviceRepository devices, DeviceTunnels tunnels, Access access,
            DeviceWakeRepository wakes, SmsSender sms, CertificateAuthority authority,
            ObjectProvider<TunnelDisconnector> relay, AuditLog audit, TransactionTemplate transactions,
            OnDemandSettings settings, Clock clock) {
        this.registry = registry;
        this.devices = devices;
        this.tunnels = tunnels;
        this.access = access;
        this.wakes = wakes;
        this.sms = sms;
        this.authority = authority;
        this.relay = relay;
        this.audit = audit;
        this.transactions = transactions;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        this.smsThreads = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(SMS_BACKLOG), runnable -> {
                    Thread thread = new Thread(runnable, "gangway-wake-sms-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** What a Connect did. */
    public record Woken(WakeView wake, boolean started) {
    }

    /**
     * Wakes the device (Connect), or answers the wake-up already in progress, or that it is online.
     *
     * @param via {@link #WEB} or {@link #CLIENT}
     * @throws WakeRefused when it cannot be woken, saying why in words
     */
    public Woken wake(PortalUser user, String deviceId, String via) {
        Device device = connectable(user, deviceId);
        if (tunnels.isOnline(device.getId())) {
            return new Woken(latest(device)
                    .filter(w -> WakeState.ONLINE.wire().equals(w.state()) && w.endedAt() == null)
                    .orElseGet(() -> onlineWithoutWake(device)), false);
        }
        if (device.isSiteAccessDisabled()) {
            throw new WakeRefused(WakeRefused.Reason.SITE_DISABLED, device.getName() + ": remote access disabled on"
                    + " site. A wake-up cannot change that: someone at the machine must turn the key switch on.");
        }
        if (device.getPhoneNumber() == null) {
            audit.record("device.wake", "refused", user.getName(), device.getAccountId(), device.getId(),
                    "no phone number set (" + via + ")");
            throw new WakeRefused(WakeRefused.Reason.NO_PHONE_NUMBER, device.getName() + " has no phone number, so"
                    + " it cannot be woken: a device administrator enters the phone number of its SIM on the device"
                    + " page (Connection), then Connect sends the wake-up SMS.");
        }
        Instant now = clock.instant();
        Woken woken = transactions.execute(status -> {
            devices.findByIdForUpdate(device.getId()).orElseThrow(() -> notFound(deviceId));
            Optional<DeviceWake> last = wakes.findFirstByDeviceIdOrderByWakeTimeDesc(device.getId());
            if (last.isPresent() && last.get().state().inProgress() && !answerTimedOut(last.get(), now)) {
                return new Woken(view(last.get(), estimate(device.getId()), now), false);
            }
            if (last.isPresent() && now.isBefore(last.get().getRequestedAt().plus(settings.minBetweenWakes()))) {
                // a wake-up SMS costs money: a failed one is not re-sent at the speed of a clicking finger
                throw new WakeRefused(WakeRefused.Reason.TOO_SOON, device.getName() + " was woken less than "
                        + settings.minBetweenWakes().toSeconds() + " seconds ago: wait a moment before sending another"
                        + " wake-up SMS.");
            }
            long wakeTime = Math.max(now.getEpochSecond(), last.map(w -> w.getWakeTime() + 1).orElse(0L));
            DeviceWake wake = wakes.save(new DeviceWake(device.getAccountId(), device.getId(), user.getName(), via,
                    now, wakeTime));
            return new Woken(view(wake, estimate(device.getId()), now), true);
        });
        if (woken.started()) {
            log.info("{} wakes device {} ({})", user.getName(), device.getId(), via);
            sendLater(woken.wake().id(), device, user.getName(), via);
        }
        return woken;
    }

    /**
     * Closes the device's tunnel now; its agent stays down until the next wake-up.
     *
     * @throws WakeRefused when it cannot be done, saying why in words
     */
    public void offline(PortalUser user, String deviceId, String via) {
        Device device = connectable(user, deviceId);
        // ending everybody's sessions is for device managers, and for whoever woke the device (done with it)
        boolean manager = access.rightsOn(user, device.getId()).contains(Right.MANAGE_DEVICES);
        boolean wokeIt = wakes.findFirstByDeviceIdOrderByWakeTimeDesc(device.getId())
                .map(w -> w.getRequestedBy().equals(user.getName())).orElse(false);
        if (!manager && !wokeIt) {
            throw new WakeRefused(WakeRefused.Reason.NO_RIGHT, "Only the user who woke " + device.getName()
                    + " or a user with the right \"" + Right.MANAGE_DEVICES.label() + "\" may send it offline: it"
                    + " ends every session on it.");
        }
        if (!tunnels.isOnline(device.getId())) {
            throw new WakeRefused(WakeRefused.Reason.NOT_ONLINE, device.getName() + " is not online: there is no"
                    + " tunnel to close.");
        }
        TunnelDisconnector disconnector = relay.getIfAvailable();
        if (disconnector == null) {
            throw new WakeRefused(WakeRefused.Reason.RELAY_UNAVAILABLE, "the relay is not running: try again in a"
                    + " minute");
        }
        Instant now = clock.instant();
        String reason = "sent offline by " + user.getName() + " (" + via + ")";
        transactions.executeWithoutResult(status -> {
            audit.record("device.offline", "ok", user.getName(), device.getAccountId(), device.getId(), reason);
            wakes.findFirstByDeviceIdOrderByWakeTimeDesc(device.getId())
                    .flatMap(w -> wakes.findByIdForUpdate(w.getId()))
                    .ifPresent(w -> w.ended(now, reason));
        });
        if (!disconnector.disconnect(device.getId(), TunnelError.SENT_OFFLINE)) {
            throw new WakeRefused(WakeRefused.Reason.RELAY_UNAVAILABLE, "the relay is not running: try again in a"
                    + " minute");
        }
        log.info("{} sent device {} offline ({})", user.getName(), device.getId(), via);
    }

    /**
     * The device's latest wake-up (or, online without one, its being online), for a user who may see the device.
     *
     * @throws WakeRefused {@code NOT_FOUND} for a device the user may not see, {@code NOT_ON_DEMAND}
     */
    public Optional<WakeView> latest(PortalUser user, String deviceId) {
        Device device = visible(user, deviceId);
        if (!device.isOnDemand()) {
            throw notOnDemand(device);
        }
        Optional<WakeView> latest = latest(device);
        if (latest.isEmpty() && tunnels.isOnline(device.getId())) {
            return Optional.of(onlineWithoutWake(device));
        }
        return latest;
    }

    @Override
    public List<WakeView> recent(String accountId, String deviceId, int max) {
        Instant now = clock.instant();
        Estimate estimate = estimate(deviceId);
        return wakes.findByAccountIdAndDeviceIdOrderByWakeTimeDesc(accountId, deviceId, PageRequest.of(0, max))
                .stream().map(w -> view(w, estimate, now)).toList();
    }

    @Override
    public Estimate estimate(String accountId, String deviceId) {
        return registry.find(accountId, deviceId).map(d -> estimate(d.getId()))
                .orElse(new Estimate(settings.defaultEstimate().toSeconds(), 0));
    }

    /**
     * The agent reports a step of the wake-up whose SMS carried {@code wakeTime} (checked: its signed report).
     *
     * @return false when the device has no such wake-up
     */
    boolean dialling(String deviceId, long wakeTime) {
        Instant now = clock.instant();
        Boolean known = transactions.execute(status -> {
            Optional<DeviceWake> wake = wakes.findByDeviceIdAndWakeTime(deviceId, wakeTime)
                    .flatMap(w -> wakes.findByIdForUpdate(w.getId()));
            wake.ifPresent(w -> {
                if (w.dialling(now)) {
                    log.info("Device {} dialling in after its wake-up SMS", deviceId);
                }
            });
            return wake.isPresent();
        });
        return Boolean.TRUE.equals(known);
    }

    /** A device came online or went offline: the "online" step, or the end of the tunnel a wake-up brought up. */
    @EventListener
    void tunnelChanged(DeviceTunnelChanged event) {
        Instant now = clock.instant();
        if (event.online()) {
            transactions.executeWithoutResult(status -> wakes.findFirstByDeviceIdOrderByWakeTimeDesc(event.deviceId())
                    .filter(w -> w.state().inProgress())
                    .flatMap(w -> wakes.findByIdForUpdate(w.getId()))
                    .ifPresent(w -> w.online(now)));
            return;
        }
        transactions.executeWithoutResult(status -> {
            Optional<Device> device = devices.findById(event.deviceId());
            if (device.isEmpty() || !device.get().isOnDemand()) {
                return;
            }
            String reason = event.reason() == null ? "the tunnel went down" : event.reason();
            audit.record("device.hang-up", "ok", null, event.accountId(), event.deviceId(), "tunnel down: " + reason);
            wakes.findFirstByDeviceIdOrderByWakeTimeDesc(event.deviceId())
                    .flatMap(w -> wakes.findByIdForUpdate(w.getId()))
                    .ifPresent(w -> w.ended(now, reason));
        });
    }

    /**
     * Every 2 s: wake-ups in progress whose device is online now (should the tunnel event have been missed) come
     * online; those without a tunnel past the answer timeout fail with "no answer" (audited).
     */
    @Scheduled(fixedDelay = 2000, initialDelay = 2000)
    void sweep() {
        Instant now = clock.instant();
        for (DeviceWake pending : wakes.findByStateIn(IN_PROGRESS)) {
            boolean online = tunnels.isOnline(pending.getDeviceId());
            if (!online && !answerTimedOut(pending, now)) {
                continue;
            }
            transactions.executeWithoutResult(status -> wakes.findByIdForUpdate(pending.getId()).ifPresent(w -> {
                if (online) {
                    w.online(now);
                } else if (w.noAnswer()) {
                    audit.record("device.wake", "failed", null, w.getAccountId(), w.getDeviceId(), "no answer: not"
                            + " online within " + words(settings.answerTimeout()) + " of the request by "
                            + w.getRequestedBy() + (w.getDiallingAt() != null ? " (it reported dialling in)" : ""));
                }
            }));
        }
    }

    @Override
    public void destroy() {
        smsThreads.shutdownNow();
    }

    private void sendLater(String wakeId, Device device, String requestedBy, String via) {
        try {
            smsThreads.execute(() -> send(wakeId, device, requestedBy, via));
        } catch (RejectedExecutionException e) {
            log.warn("Wake-up SMS for device {} not sent: {} wait already", device.getId(), SMS_BACKLOG);
            smsAnswered(wakeId, SmsResult.failed("the portal has too many SMS waiting to be sent: try again in a"
                    + " minute"));
        }
    }

    private void send(String wakeId, Device device, String requestedBy, String via) {
        SmsResult result;
        try {
            long wakeTime = wakes.findById(wakeId).map(DeviceWake::getWakeTime).orElseThrow();
            String text = WakeSms.text(authority, device.getId(), wakeTime);
            result = sms.send(device.getPhoneNumber(), text, new SmsSender.Audit("device.wake",
                    device.getAccountId(), device.getId(), "wake-up SMS for " + device.getName() + ", asked by "
                            + requestedBy + " (" + via + ")"));
        } catch (RuntimeException e) {
            log.error("Cannot send the wake-up SMS for device {}", device.getId(), e);
            result = SmsResult.failed("the portal could not send it (" + e.getClass().getSimpleName() + ")");
            audit.record("device.wake", "failed", null, device.getAccountId(), device.getId(), "wake-up SMS for "
                    + device.getName() + ", asked by " + requestedBy + " (" + via + "): " + result.detail());
        }
        smsAnswered(wakeId, result);
    }

    private void smsAnswered(String wakeId, SmsResult result) {
        Instant now = clock.instant();
        transactions.executeWithoutResult(status -> wakes.findByIdForUpdate(wakeId)
                .ifPresent(w -> w.smsResult(result.sent(), result.detail(), now)));
    }

    private Optional<WakeView> latest(Device device) {
        Instant now = clock.instant();
        return wakes.findFirstByDeviceIdOrderByWakeTimeDesc(device.getId())
                .map(w -> view(w, estimate(device.getId()), now));
    }

    /** The median time from request to online of the device's last wake-ups, or the default before any. */
    Estimate estimate(String deviceId) {
        List<DeviceWake> measured = wakes.findByDeviceIdAndOnlineAtIsNotNullOrderByWakeTimeDesc(deviceId,
                PageRequest.of(0, settings.estimateSamples()));
        if (measured.isEmpty()) {
            return new Estimate(settings.defaultEstimate().toSeconds(), 0);
        }
        List<Long> seconds = new ArrayList<>();
        for (DeviceWake wake : measured) {
            seconds.add(Math.max(0, Duration.between(wake.getRequestedAt(), wake.getOnlineAt()).toSeconds()));
        }
        seconds.sort(null);
        int n = seconds.size();
        long median = n % 2 == 1 ? seconds.get(n / 2) : Math.round((seconds.get(n / 2 - 1) + seconds.get(n / 2))
                / 2.0);
        return new Estimate(Math.max(1, median), n);
    }

    private boolean answerTimedOut(DeviceWake wake, Instant now) {
        return wake.getRequestedAt().plus(settings.answerTimeout()).isBefore(now);
    }

    private WakeView view(DeviceWake wake, Estimate estimate, Instant now) {
        WakeState state = wake.state();
        long elapsed = Duration.between(wake.getRequestedAt(), wake.getOnlineAt() != null ? wake.getOnlineAt()
                : state.inProgress() ? now : wake.getRequestedAt()).toSeconds();
        return new WakeView(wake.getId(), state.wire(), state.inProgress(), wake.getRequestedAt(),
                wake.getRequestedBy(), wake.getRequestedVia(), wake.getSmsSentAt(), wake.getDiallingAt(),
                wake.getOnlineAt(), wake.getEndedAt(), wake.getEndReason(), wake.getFailure(), message(wake),
                estimate.seconds(), Math.max(0, elapsed));
    }

    private WakeView onlineWithoutWake(Device device) {
        return new WakeView(null, WakeState.ONLINE.wire(), false, null, null, null, null, null, null, null, null,
                null, device.getName() + " is online.", estimate(device.getId()).seconds(), 0);
    }

    private String message(DeviceWake wake) {
        return switch (wake.state()) {
            case SENDING -> "Sending the wake-up SMS…";
            case SMS_SENT -> "Wake-up SMS sent: waiting for the device to dial in.";
            case DIALLING -> "The device got the SMS and is dialling in.";
            case ONLINE -> wake.getEndedAt() == null ? "Online: its services can be opened."
                    : "Was online until " + wake.getEndedAt() + ": " + wake.getEndReason() + ".";
            case FAILED -> DeviceWake.SMS_REFUSED.equals(wake.getFailure())
                    ? "The wake-up SMS was not sent (" + wake.getSmsDetail() + "). Check the device's phone number"
                            + " and the portal's SMS gateway settings, then press Connect again."
                    : wake.getDiallingAt() != null
                            ? "No answer: the device reported dialling in at " + wake.getDiallingAt() + " but did not"
                                    + " come online within " + words(settings.answerTimeout()) + ". Check its mobile"
                                    + " data connection and its way to the relay (proxy), then press Connect again."
                            : "No answer after " + words(settings.answerTimeout()) + ": the device did not come"
                                    + " online. It may be switched off or out of coverage, or its agent may not read"
                                    + " SMS (its sms: and on-demand: settings). Press Connect to try again.";
        };
    }

    static String words(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 60 == 0) {
            long minutes = seconds / 60;
            return minutes == 1 ? "1 minute" : minutes + " minutes";
        }
        return seconds + " seconds";
    }

    /** The device if the user may see it, holds a connect right on it, and it is on demand. */
    private Device connectable(PortalUser user, String deviceId) {
        Device device = visible(user, deviceId);
        Set<Right> rights = access.rightsOn(user, device.getId());
        if (rights.stream().noneMatch(CONNECT_RIGHTS::contains)) {
            throw new WakeRefused(WakeRefused.Reason.NO_RIGHT, "You may see " + device.getName() + " but not connect"
                    + " to it: waking it or sending it offline needs one of the rights \"" + Right.OPEN_WEB_HMI.label()
                    + "\", \"" + Right.DESKTOP_VIEW.label() + "\", \"" + Right.CLIENT_FORWARD.label() + "\" or \""
                    + Right.MANAGE_DEVICES.label() + "\".");
        }
        if (!device.isOnDemand()) {
            throw notOnDemand(device);
        }
        return device;
    }

    private Device visible(PortalUser user, String deviceId) {
        if (deviceId == null || deviceId.isEmpty() || deviceId.length() > 36) {
            throw notFound(deviceId);
        }
        return registry.find(user.accountId(), deviceId).filter(d -> !access.rightsOn(user, d.getId()).isEmpty())
                .orElseThrow(() -> notFound(deviceId));
    }

    private static WakeRefused notOnDemand(Device device) {
        return new WakeRefused(WakeRefused.Reason.NOT_ON_DEMAND, device.getName() + " is always connected, not on"
                + " demand: there is nothing to wake or send offline");
    }

    private static WakeRefused notFound(String deviceId) {
        return new WakeRefused(WakeRefused.Reason.NOT_FOUND, "no such device");
    }
}
