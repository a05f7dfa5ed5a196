package dev.gangway.portal.device;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.alarm.AlarmService;
import dev.gangway.portal.hmiproxy.HmiSessions;
import dev.gangway.portal.pki.DeviceCertificate;
import dev.gangway.portal.pki.DeviceCertificateRepository;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.AccessService;
import dev.gangway.portal.rights.DevicePool;
import dev.gangway.portal.rights.Pools;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.system.PortalSettings;
import dev.gangway.tunnel.LanTarget;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
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
 * The device pages: list with live status, add device and its activation page, device page with services, the
 * "Open" action for web services, the device's last alarms, and for on-demand devices the wake-up steps and report
 * ({@link DeviceWakes}; Connect and Send offline are the on-demand feature's routes) and the connection setting.
 *
 * <p>Every device is looked up within the signed-in user's account and needs a right on it ({@link Access}, read
 * from the database at each request): a device of another account, or one the user holds no right on, answers 404
 * like an id that does not exist. Holding some right but not the one an action needs answers 403 with a page that
 * names the right.
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
    private final AccessService access;
    private final Pools pools;
    private final PortalSettings portal;
    private final DeviceSettings settings;
    private final AlarmService alarms;
    private final OnDemandSetting onDemand;
    private final ObjectProvider<DeviceWakes> wakes;
    private final Clock clock;

    /** Wake-ups the device page reports. */
    static final int WAKES_SHOWN = 10;

    DeviceController(DeviceRegistry registry, DeviceTunnels tunnels, DeviceEvents events,
            DeviceCertificates certificates, DeviceCertificateRepository certificateRecords,
            ObjectProvider<HmiSessions> hmiSessions, AccessService access, Pools pools, PortalSettings portal,
            DeviceSettings settings, AlarmService alarms, OnDemandSetting onDemand,
            ObjectProvider<DeviceWakes> wakes, Clock clock) {
        this.alarms = alarms;
        this.onDemand = onDemand;
        this.wakes = wakes;
        this.registry = registry;
        this.tunnels = tunnels;
        this.events = events;
        this.certificates = certificates;
        this.certificateRecords = certificateRecords;
        this.hmiSessions = hmiSessions;
        this.access = access;
        this.pools = pools;
        this.portal = portal;
        this.settings = settings;
        this.clock = clock;
    }

    /** One row of the device list. */
    record DeviceRow(String id, String name, String serial, DeviceStatus status, java.time.Instant lastSeenAt,
            boolean onDemand) {
    }

    @GetMapping("/")
    String home() {
        return "redirect:/devices";
    }

    @GetMapping("/devices")
    String list(@AuthenticationPrincipal PortalUser user, Model model) {
        Set<String> visible = access.visibleDeviceIds(user);
        List<DeviceRow> rows = registry.list(user.accountId()).stream()
                .filter(d -> visible.contains(d.getId()))
                .map(d -> new DeviceRow(d.getId(), d.getName(), d.getSerial(), tunnels.status(d), d.getLastSeenAt(),
                        d.isOnDemand()))
                .toList();
        model.addAttribute("devices", rows);
        model.addAttribute("mayAddDevices", access.holdsAnywhere(user, Right.MANAGE_DEVICES));
        return "devices/list";
    }

    @GetMapping(path = "/devices/events", produces = "text/event-stream")
    @ResponseBody
    SseEmitter events(@AuthenticationPrincipal PortalUser user) {
        Set<String> visible = access.visibleDeviceIds(user);
        Map<String, DeviceStatus> snapshot = new LinkedHashMap<>();
        for (Device device : registry.list(user.accountId())) {
            if (visible.contains(device.getId())) {
                snapshot.put(device.getId(), tunnels.status(device));
            }
        }
        return events.subscribe(user, snapshot);
    }

    @GetMapping("/devices/new")
    String newDevice(@AuthenticationPrincipal PortalUser user, Model model) {
        access.requireAnywhere(user, Right.MANAGE_DEVICES);
        return newDevicePage(user, model, "", null, null, null);
    }

    @PostMapping("/devices")
    String create(@AuthenticationPrincipal PortalUser user, @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "pool", required = false) String pool, Model model, RedirectAttributes redirect) {
        access.requireAnywhere(user, Right.MANAGE_DEVICES);
        String poolId = pool == null || pool.isBlank() ? null : pool;
        String nameError = null;
        String poolError = null;
        try {
            DeviceRegistry.checkName(name);
        } catch (IllegalArgumentException e) {
            nameError = e.getMessage();
        }
        if (poolId == null && !access.isAdmin(user)) {
            poolError = "Choose the pool the device goes into: you manage the devices of these pools.";
        } else if (poolId != null && !access.poolsWhere(user, Right.MANAGE_DEVICES).contains(poolId)) {
            poolError = "Choose one of the listed pools.";
            poolId = null;
        }
        if (nameError != null || poolError != null) {
            return newDevicePage(user, model, name, poolId, nameError, poolError);
        }
        NewActivationKey key = registry.create(user, name, poolId);
        redirect.addFlashAttribute("activationKey", key.key());
        redirect.addFlashAttribute("keyExpires", key.expiresAt().truncatedTo(ChronoUnit.SECONDS));
        return "redirect:/devices/" + key.deviceId() + "/activation";
    }

    @GetMapping("/devices/{deviceId}/activation")
    String activation(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            Model model, HttpServletRequest request) {
        Device device = device(user, deviceId, Right.MANAGE_DEVICES);
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

    @PostMapping("/devices/{deviceId}/activation-key")
    String newActivationKey(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            RedirectAttributes redirect) {
        Device device = device(user, deviceId, Right.MANAGE_DEVICES);
        NewActivationKey key = registry.newActivationKey(user.accountId(), device.getId(), user.getName())
                .orElseThrow(DeviceController::notFound);
        redirect.addFlashAttribute("activationKey", key.key());
        redirect.addFlashAttribute("keyExpires", key.expiresAt().truncatedTo(ChronoUnit.SECONDS));
        return "redirect:/devices/" + key.deviceId() + "/activation";
    }

    @GetMapping("/devices/{deviceId}")
    String show(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId, Model model) {
        Set<Right> rights = access.rightsOn(user, deviceId);
        Device device = visible(user, deviceId, rights);
        return devicePage(user, device, rights, model);
    }

    @PostMapping("/devices/{deviceId}/rename")
    String rename(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @RequestParam(name = "name", required = false) String name, Model model, RedirectAttributes redirect) {
        Device device = device(user, deviceId, Right.MANAGE_DEVICES);
        try {
            registry.rename(user.accountId(), device.getId(), name, user.getName());
        } catch (IllegalArgumentException e) {
            model.addAttribute("newName", name == null ? "" : name);
            model.addAttribute("nameError", e.getMessage());
            return devicePage(user, device, access.rightsOn(user, deviceId), model);
        }
        redirect.addFlashAttribute("message", "Device renamed.");
        return "redirect:/devices/" + device.getId();
    }

    /** Always connected, or on demand with the phone number of the device's SIM (for the wake-up SMS). */
    @PostMapping("/devices/{deviceId}/on-demand")
    String onDemand(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @RequestParam(name = "onDemand", required = false) String onDemandBox,
            @RequestParam(name = "phoneNumber", required = false) String phoneNumber, Model model,
            RedirectAttributes redirect) {
        Device device = device(user, deviceId, Right.MANAGE_DEVICES);
        boolean wanted = onDemandBox != null && !onDemandBox.isBlank() && !"false".equals(onDemandBox);
        try {
            onDemand.change(user.accountId(), device.getId(), wanted, phoneNumber, user.getName());
        } catch (IllegalArgumentException e) {
            model.addAttribute("newOnDemand", wanted);
            model.addAttribute("newPhoneNumber", phoneNumber == null ? "" : phoneNumber);
            model.addAttribute("phoneNumberError", e.getMessage());
            return devicePage(user, device, access.rightsOn(user, deviceId), model);
        }
        redirect.addFlashAttribute("message", wanted ? "Saved: the device connects on demand, woken by an SMS."
                : "Saved: the device is always connected.");
        return "redirect:/devices/" + device.getId();
    }

    @PostMapping("/devices/{deviceId}/revoke")
    String revoke(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            RedirectAttributes redirect) {
        Device device = device(user, deviceId, Right.MANAGE_DEVICES);
        int revoked = certificates.revokeDevice(user.accountId(), device.getId(), user.getName(),
                "revoked by " + user.getName());
        redirect.addFlashAttribute("message", revoked == 0 ? "The device holds no valid certificate."
                : "Certificate revoked: the device is disconnected and must be registered again.");
        return "redirect:/devices/" + device.getId();
    }

    @PostMapping("/devices/{deviceId}/services/{serviceName}/open")
    Object open(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @PathVariable("serviceName") String serviceName, RedirectAttributes redirect) {
        Set<Right> rights = access.rightsOn(user, deviceId);
        Device device = visible(user, deviceId, rights);
        if (!rights.contains(Right.OPEN_WEB_HMI)) {
            throw new AccessDeniedException("You do not have the right to open web HMIs on this device ("
                    + device.getName() + ").");
        }
        AgentService service = registry.service(device, serviceName).orElseThrow(DeviceController::notFound);
        if (service.isHttpsWeb()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "service " + serviceName
                    + " serves HTTPS only; opening HTTPS HMIs needs the per-service TLS policy, not available yet");
        }
        if (!service.isWeb()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "service " + serviceName + " is " + service.kind() + ", not a web page: it cannot be opened here");
        }
        DeviceStatus status = tunnels.status(device);
        if (!status.isOnline()) {
            redirect.addFlashAttribute("openError", switch (status) {
                case SITE_DISABLED -> device.getName() + ": remote access disabled on site. Its HMI cannot be opened"
                        + " until someone at the machine turns the key switch on.";
                case ASLEEP -> device.getName() + " is asleep (on demand): press Connect to wake it, then open its"
                        + " HMI once it is online.";
                default -> device.getName() + " is offline: its HMI cannot be opened now.";
            });
            return "redirect:/devices/" + device.getId();
        }
        HmiSessions sessions = hmiSessions.getIfAvailable();
        if (sessions == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the HMI proxy is not running");
        }
        URI target = sessions.open(user.accountId(), user.username(), device.getId(), service.name(),
                new LanTarget(service.host(), service.port()), false);
        // audited by the HMI proxy as connection.open, in the transaction that creates the session
        log.info("{} opened {} on device {}", user.getName(), serviceName, device.getId());
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

    private String newDevicePage(PortalUser user, Model model, String name, String poolId, String nameError,
            String poolError) {
        Set<String> allowed = access.poolsWhere(user, Right.MANAGE_DEVICES);
        List<DevicePool> choices = pools.list(user.accountId()).stream().filter(p -> allowed.contains(p.getId()))
                .toList();
        boolean admin = access.isAdmin(user);
        model.addAttribute("name", name == null ? "" : name);
        model.addAttribute("pools", choices);
        // a manager of a single pool has no choice to make
        model.addAttribute("pool", poolId != null ? poolId : !admin && choices.size() == 1
                ? choices.get(0).getId() : "");
        model.addAttribute("poolOptional", admin);
        model.addAttribute("nameError", nameError);
        model.addAttribute("poolError", poolError);
        return "devices/new";
    }

    private String devicePage(PortalUser user, Device device, Set<Right> rights, Model model) {
        List<DeviceCertificate> certs = certificateRecords.findByDeviceIdOrderByIssuedAtDesc(device.getId());
        boolean admin = access.isAdmin(user);
        DeviceStatus status = tunnels.status(device);
        model.addAttribute("device", device);
        model.addAttribute("online", status.isOnline());
        model.addAttribute("status", status);
        model.addAttribute("services", registry.services(device));
        model.addAttribute("certificate", certs.stream().filter(c -> c.isValidAt(clock.instant())).findFirst()
                .orElse(null));
        model.addAttribute("certificates", certs);
        model.addAttribute("rights", rights);
        model.addAttribute("admin", admin);
        model.addAttribute("mayOpen", rights.contains(Right.OPEN_WEB_HMI));
        // the remote desktop buttons of vnc/rdp services: "CONTROL" (Open desktop), "VIEW_ONLY" (View desktop) or
        // null (none); the names of desktop.web.DesktopMode, which this package cannot see
        model.addAttribute("desktopMode", rights.contains(Right.DESKTOP_CONTROL) ? "CONTROL"
                : rights.contains(Right.DESKTOP_VIEW) ? "VIEW_ONLY" : null);
        model.addAttribute("mayManage", rights.contains(Right.MANAGE_DEVICES));
        model.addAttribute("pools", admin ? pools.holding(user.accountId(), device.getId()) : List.of());
        model.addAttribute("alarms", alarms.latest(user.accountId(), device.getId()));
        model.addAttribute("alarmsShown", AlarmService.SHOWN_ON_DEVICE_PAGE);
        if (!model.containsAttribute("newName")) {
            model.addAttribute("newName", device.getName());
        }
        onDemandModel(user, device, rights, model);
        return "devices/show";
    }

    /** The connection setting, and for on-demand devices the wake-up steps, estimate and report. */
    private void onDemandModel(PortalUser user, Device device, Set<Right> rights, Model model) {
        DeviceWakes source = wakes.getIfAvailable();
        boolean mayConnect = rights.stream().anyMatch(DeviceWakes.CONNECT_RIGHTS::contains);
        List<DeviceWakes.WakeView> recent = source == null || !device.isOnDemand() ? List.of()
                : source.recent(user.accountId(), device.getId(), WAKES_SHOWN);
        model.addAttribute("mayConnect", mayConnect);
        model.addAttribute("wakes", recent);
        model.addAttribute("wake", recent.isEmpty() ? null : recent.get(0));
        model.addAttribute("estimate", source == null || !device.isOnDemand() ? null
                : source.estimate(user.accountId(), device.getId()));
        if (!model.containsAttribute("newOnDemand")) {
            model.addAttribute("newOnDemand", device.isOnDemand());
            model.addAttribute("newPhoneNumber", device.getPhoneNumber() == null ? "" : device.getPhoneNumber());
        }
    }

    /** The device if the user holds any right on it, else 404; 403 if they lack {@code needed}. */
    private Device device(PortalUser user, String deviceId, Right needed) {
        Set<Right> rights = access.rightsOn(user, deviceId);
        Device device = visible(user, deviceId, rights);
        if (!rights.contains(needed)) {
            throw new AccessDeniedException("You do not have the right \"" + needed.label() + "\" on this device.");
        }
        return device;
    }

    private Device visible(PortalUser user, String deviceId, Set<Right> rights) {
        if (rights.isEmpty()) {
            throw notFound();
        }
        return registry.find(user.accountId(), deviceId).orElseThrow(DeviceController::notFound);
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such device");
    }
}
