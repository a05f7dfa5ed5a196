package dev.gangway.portal.device;

import dev.gangway.portal.account.PhoneNumbers;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.rights.AccessService;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.sms.SmsResult;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.system.PortalSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The activation page's two ways of handing the key to a device without typing it on the machine: the
 * <b>Easy Setup file</b> ({@code POST /devices/{id}/easy-setup}: answers {@code gangway-setup.json} as a download)
 * and <b>the key by SMS</b> ({@code POST /devices/{id}/activation-sms}). Both take the key the page shows back from the
 * form — the portal keeps only its hash — and act only if it is still the device's current key (unused, unexpired, not
 * replaced by a newer one); otherwise the page says to create a new one.
 *
 * <p>Like the other device pages: the device must be in the user's account and visible to them (else 404) and they
 * need "Manage devices" on it (else 403). Both are audited ({@code activation-key.easy-setup},
 * {@value ActivationSms#AUDIT_ACTION}); neither the key nor a proxy password is ever logged.
 */
@Controller
class ActivationPageController {

    private static final Logger log = LoggerFactory.getLogger(ActivationPageController.class);
    static final String KEY_GONE = "This activation key can no longer be used: it was used, it expired, or a newer key "
            + "replaced it. Create a new activation key.";

    private final DeviceRegistry registry;
    private final ActivationKeyRepository keys;
    private final AccessService access;
    private final EasySetupFiles files;
    private final ActivationSms sms;
    private final PortalSettings portal;
    private final AuditLog audit;
    private final Clock clock;

    ActivationPageController(DeviceRegistry registry, ActivationKeyRepository keys, AccessService access,
            EasySetupFiles files, ActivationSms sms, PortalSettings portal, AuditLog audit, Clock clock) {
        this.registry = registry;
        this.keys = keys;
        this.access = access;
        this.files = files;
        this.sms = sms;
        this.portal = portal;
        this.audit = audit;
        this.clock = clock;
    }

    @PostMapping("/devices/{deviceId}/easy-setup")
    Object easySetup(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @RequestParam(name = "key", required = false) String key,
            @RequestParam(name = "proxyHost", required = false) String proxyHost,
            @RequestParam(name = "proxyPort", required = false) String proxyPort,
            @RequestParam(name = "proxyAuth", required = false) String proxyAuth,
            @RequestParam(name = "proxyUser", required = false) String proxyUser,
            @RequestParam(name = "proxyPassword", required = false) String proxyPassword,
            @RequestParam(name = "proxyDomain", required = false) String proxyDomain,
            HttpServletRequest request, RedirectAttributes redirect) {
        Device device = manageable(user, deviceId);
        Instant now = clock.instant();
        Optional<ActivationKey> current = ActivationKeys.current(keys, device.getId(), key, now);
        if (current.isEmpty()) {
            redirect.addFlashAttribute("activationError", KEY_GONE);
            return "redirect:/devices/" + device.getId() + "/activation";
        }
        Optional<EasySetupFiles.Proxy> proxy;
        try {
            proxy = EasySetupFiles.Proxy.fromForm(proxyHost, proxyPort, proxyAuth, proxyUser, proxyPassword,
                    proxyDomain);
        } catch (IllegalArgumentException e) {
            keepKey(redirect, key, current.get());
            redirect.addFlashAttribute("easySetupError", e.getMessage());
            redirect.addFlashAttribute("proxyHost", proxyHost);
            redirect.addFlashAttribute("proxyPort", proxyPort);
            redirect.addFlashAttribute("proxyAuth", proxyAuth);
            redirect.addFlashAttribute("proxyUser", proxyUser);
            redirect.addFlashAttribute("proxyDomain", proxyDomain);
            return "redirect:/devices/" + device.getId() + "/activation";
        }
        byte[] file = files.make(device, key, current.get().getExpiresAt(), portalUrl(request), proxy, now);
        audit.record("activation-key.easy-setup", "ok", user.getName(), device.getAccountId(), device.getId(),
                "Easy Setup file for " + device.getName() + ", key expires "
                        + current.get().getExpiresAt().truncatedTo(ChronoUnit.SECONDS)
                        + proxy.map(p -> ", proxy " + p.describe()).orElse(", no proxy"));
        log.info("{} downloaded an Easy Setup file for device {}", user.getName(), device.getId());
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(EasySetupFiles.FILE_NAME).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(file);
    }

    @PostMapping("/devices/{deviceId}/activation-sms")
    String activationSms(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @RequestParam(name = "key", required = false) String key,
            @RequestParam(name = "phone", required = false) String phone, HttpServletRequest request,
            RedirectAttributes redirect) {
        Device device = manageable(user, deviceId);
        String back = "redirect:/devices/" + device.getId() + "/activation";
        Optional<ActivationKey> current = ActivationKeys.current(keys, device.getId(), key, clock.instant());
        if (current.isEmpty()) {
            redirect.addFlashAttribute("activationError", KEY_GONE);
            return back;
        }
        keepKey(redirect, key, current.get());
        redirect.addFlashAttribute("smsPhone", phone);
        String number;
        try {
            number = PhoneNumbers.normalise(phone).orElseThrow(() -> new IllegalArgumentException(
                    "Enter the phone number of the device's SIM. " + PhoneNumbers.HELP));
        } catch (IllegalArgumentException e) {
            redirect.addFlashAttribute("smsError", e.getMessage());
            return back;
        }
        SmsResult result = sms.send(device, key, portalUrl(request), number, user.getName());
        if (result.sent()) {
            redirect.addFlashAttribute("smsMessage", "The activation key was sent by SMS to " + number + ". An agent "
                    + "that reads its SMS registers by itself within a minute.");
        } else {
            redirect.addFlashAttribute("smsError", "The SMS to " + number + " could not be sent: " + result.detail());
        }
        return back;
    }

    /** The key stays on the page after the redirect (it is still the current one). */
    private static void keepKey(RedirectAttributes redirect, String key, ActivationKey current) {
        redirect.addFlashAttribute("activationKey", EasySetupFiles.display(ActivationKeys.normalise(key)));
        redirect.addFlashAttribute("keyExpires", current.getExpiresAt().truncatedTo(ChronoUnit.SECONDS));
    }

    /** The address agents reach the portal at, as on the activation page. */
    private String portalUrl(HttpServletRequest request) {
        return portal.publicUri().map(URI::toString)
                .orElseGet(() -> ServletUriComponentsBuilder.fromContextPath(request).build().toUriString());
    }

    /** The device if the user holds any right on it (else 404) and "Manage devices" (else 403). */
    private Device manageable(PortalUser user, String deviceId) {
        Set<Right> rights = access.rightsOn(user, deviceId);
        if (rights.isEmpty()) {
            throw notFound();
        }
        Device device = registry.find(user.accountId(), deviceId).orElseThrow(ActivationPageController::notFound);
        if (!rights.contains(Right.MANAGE_DEVICES)) {
            throw new AccessDeniedException("You do not have the right \"" + Right.MANAGE_DEVICES.label()
                    + "\" on this device.");
        }
        return device;
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such device");
    }
}
