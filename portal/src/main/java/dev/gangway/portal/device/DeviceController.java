package dev.gangway.portal.device;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.hmiproxy.HmiSessions;
import dev.gangway.portal.pki.DeviceCertificate;
import dev.gangway.portal.pki.DeviceCertificateRepository;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.system.PortalSettings;
import dev.gangway.tunnel.LanTarget;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.servlet.view.RedirectView;

/**
 * The device pages: list with live status, add device and its activation page, device page with services and the
 * "Open" action for web services. Every device is looked up within the signed-in user's account; another
 * account's device id answers 404 like an id that does not exist.
 */
@Controller
class DeviceController {

    private static final Logger log = LoggerFactory.getLogger(DeviceController.class);

    private final DeviceRegistry registry;
    private final DeviceTunnels tunnels;
    private final DeviceEvents events;
    private final DeviceCertificates certificates;
    private final DeviceCertificateRepository certificateRecords;
    private final ObjectProvider<HmiSessions> hmiSessions;
    private final PortalSettings portal;
    private final DeviceSettings settings;
    private final AuditLog audit;
    private final Clock clock;

    DeviceController(DeviceRegistry registry, DeviceTunnels tunnels, DeviceEvents events,
            DeviceCertificates certificates, DeviceCertificateRepository certificateRecords,
            ObjectProvider<HmiSessions> hmiSessions, PortalSettings portal, DeviceSettings settings, AuditLog audit,
            Clock clock) {
        this.registry = registry;
        this.tunnels = tunnels;
        this.events = events;
        this.certificates = certificates;
        this.certificateRecords = certificateRecords;
        this.hmiSessions = hmiSessions;
        this.portal = portal;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** One row of the device list. */
    record DeviceRow(String id, String name, String serial, boolean online, java.time.Instant lastSeenAt) {
    }

    @GetMapping("/")
    String home() {
        return "redirect:/devices";
    }

    @GetMapping("/devices")
    String list(@AuthenticationPrincipal PortalUser user, Model model) {
        List<DeviceRow> rows = registry.list(user.accountId()).stream()
                .map(d -> new DeviceRow(d.getId(), d.getName(), d.getSerial(), tunnels.isOnline(d.getId()),
                        d.getLastSeenAt()))
                .toList();
        model.addAttribute("devices", rows);
        return "devices/list";
    }

    @GetMapping(path = "/devices/events", produces = "text/event-stream")
    @ResponseBody
    SseEmitter events(@AuthenticationPrincipal PortalUser user) {
        Map<String, Boolean> snapshot = new LinkedHashMap<>();
        for (Device device : registry.list(user.accountId())) {
            snapshot.put(device.getId(), tunnels.isOnline(device.getId()));
        }
        return events.subscribe(user.accountId(), snapshot);
    }

    @GetMapping("/devices/new")
    String newDevice(@AuthenticationPrincipal PortalUser user, Model model) {
        model.addAttribute("name", "");
        return "devices/new";
    }

    @PostMapping("/devices")
    String create(@AuthenticationPrincipal PortalUser user, @RequestParam(name = "name", required = false) String name,
            Model model, RedirectAttributes redirect) {
        NewActivationKey key;
        try {
            key = registry.create(user.accountId(), name, user.getName());
        } catch (IllegalArgumentException e) {
                model.addAttribute("name", name == null ? "" : name);
            model.addAttribute("nameError", e.getMessage());
            return "devices/new";
        }
        redirect.addFlashAttribute("activationKey", key.key());
        redirect.addFlashAttribute("keyExpires", key.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        return "redirect:/devices/" + key.deviceId() + "/activation";
    }

    @GetMapping("/devices/{id}/activation")
    String activation(@AuthenticationPrincipal PortalUser user, @PathVariable("id") String id, Model model,
            HttpServletRequest request) {
        Device device = device(user, id);
        model.addAttribute("device", device);
        Object key = model.getAttribute("activationKey");
        if (key != null) {
            String portalUrl = portal.publicUri().map(URI::toString)
                    .orElseGet(() -> ServletUriComponentsBuilder.fromContextPath(request).build().toUriString());
            model.addAttribute("agentCommand", "java -jar " + settings.agentJar() + " register --portal "
                    + portalUrl + " --key " + key);
            model.addAttribute("runCommand", "java -jar " + settings.agentJar() + " run --config gangway-agent.yml");
        }
        return "devices/activation";
    }

    @PostMapping("/devices/{id}/activation-key")
    String newActivationKey(@AuthenticationPrincipal PortalUser user, @PathVariable("id") String id,
            RedirectAttributes redirect) {
        NewActivationKey key = registry.newActivationKey(user.accountId(), id, user.getName())
                .orElseThrow(DeviceController::notFound);
        redirect.addFlashAttribute("activationKey", key.key());
        redirect.addFlashAttribute("keyExpires", key.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        return "redirect:/devices/" + key.deviceId() + "/activation";
    }

    @GetMapping("/devices/{id}")
    String show(@AuthenticationPrincipal PortalUser user, @PathVariable("id") String id, Model model) {
        Device device = device(user, id);
        List<DeviceCertificate> certs = certificateRecords.findByDeviceIdOrderByIssuedAtDesc(device.getId());
        model.addAttribute("device", device);
        model.addAttribute("online", tunnels.isOnline(device.getId()));
        model.addAttribute("services", registry.services(device));
        model.addAttribute("certificate", certs.stream().filter(c -> c.isValidAt(clock.instant())).findFirst()
                .orElse(null));
        model.addAttribute("certificates", certs);
        return "devices/show";
    }

    @PostMapping("/devices/{id}/revoke")
    String revoke(@AuthenticationPrincipal PortalUser user, @PathVariable("id") String id,
            RedirectAttributes redirect) {
        Device device = device(user, id);
        int revoked = certificates.revokeDevice(user.accountId(), device.getId(), user.getName(),
                "revoked by " + user.getName());
        redirect.addFlashAttribute("message", revoked == 0 ? "The device holds no valid certificate."
                : "Certificate revoked: the device is disconnected and must be registered again.");
        return "redirect:/devices/" + device.getId();
    }

    @PostMapping("/devices/{id}/services/{name}/open")
    Object open(@AuthenticationPrincipal PortalUser user, @PathVariable("id") String id,
            @PathVariable("name") String name, RedirectAttributes redirect) {
        Device device = device(user, id);
        AgentService service = registry.service(device, name).orElseThrow(DeviceController::notFound);
        if (service.isHttpsWeb()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "service " + name
                    + " serves HTTPS only; opening HTTPS HMIs needs the per-service TLS policy, not available yet");
        }
        if (!service.isWeb()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "service " + name + " is " + service.kind() + ", not a web page: it cannot be opened here");
        }
        if (!tunnels.isOnline(device.getId())) {
            redirect.addFlashAttribute("openError", device.getName() + " is offline: its HMI cannot be opened now.");
            return "redirect:/devices/" + device.getId();
        }
        HmiSessions sessions = hmiSessions.getIfAvailable();
        if (sessions == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the HMI proxy is not running");
        }
        URI target = sessions.open(user.accountId(), user.username(), device.getId(), service.name(),
                new LanTarget(service.host(), service.port()), false);
        audit.record("hmi.open", "ok", user.getName(), user.accountId(), device.getId(), "service " + name);
        log.info("{} opened {} on device {}", user.getName(), name, device.getId());
        RedirectView view = new RedirectView(target.toString());
        view.setStatusCode(HttpStatus.SEE_OTHER);
        view.setExposeModelAttributes(false);
        return view;
    }

    @ExceptionHandler(DeviceEvents.TooManyStreamsException.class)
    @ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
    @ResponseBody
    String tooManyStreams(DeviceEvents.TooManyStreamsException e) {
        return e.getMessage();
    }

    private Device device(PortalUser user, String id) {
        return registry.find(user.accountId(), id).orElseThrow(DeviceController::notFound);
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such device");
    }
}
