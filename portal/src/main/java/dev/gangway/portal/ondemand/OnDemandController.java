package dev.gangway.portal.ondemand;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceStatus;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.device.DeviceWakes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The device page's on-demand actions: Connect ({@code POST /devices/{id}/wake}), Send offline
 * ({@code POST /devices/{id}/offline}), both back to the device page with a message, and the wake-up's progress as
 * JSON ({@code GET /devices/{id}/wake}) that the page polls while a wake-up is in progress ({@code assets/wake.js}).
 * Rights as in {@link Wakes}: a device the user may not see answers 404, one they may see but not connect to 403.
 */
@Controller
class OnDemandController {

    private final Wakes wakes;
    private final DeviceRegistry registry;
    private final DeviceTunnels tunnels;

    OnDemandController(Wakes wakes, DeviceRegistry registry, DeviceTunnels tunnels) {
        this.wakes = wakes;
        this.registry = registry;
        this.tunnels = tunnels;
    }

    @PostMapping("/devices/{deviceId}/wake")
    String wake(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            RedirectAttributes redirect) {
        try {
            Wakes.Woken woken = wakes.wake(user, deviceId, Wakes.WEB);
            if (!woken.started() && WakeState.ONLINE.wire().equals(woken.wake().state())) {
                redirect.addFlashAttribute("message", "The device is online: open its services below.");
            }
        } catch (WakeRefused e) {
            redirect.addFlashAttribute("wakeError", refusal(e));
        }
        return "redirect:/devices/" + deviceId;
    }

    @PostMapping("/devices/{deviceId}/offline")
    String offline(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            RedirectAttributes redirect) {
        try {
            wakes.offline(user, deviceId, Wakes.WEB);
            redirect.addFlashAttribute("message", "Sent offline: its tunnel is closed, and it stays asleep until the"
                    + " next Connect.");
        } catch (WakeRefused e) {
            redirect.addFlashAttribute("wakeError", refusal(e));
        }
        return "redirect:/devices/" + deviceId;
    }

    /** {@code {"status","statusLabel","wake":{...}|null}}, for the device page's live steps. */
    @GetMapping(path = "/devices/{deviceId}/wake", produces = "application/json")
    @ResponseBody
    Map<String, Object> progress(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId) {
        DeviceWakes.WakeView wake;
        try {
            wake = wakes.latest(user, deviceId).orElse(null);
        } catch (WakeRefused e) {
            throw refusalStatus(e);
        }
        DeviceStatus status = registry.find(user.accountId(), deviceId).map(tunnels::status)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such device"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", status.wire());
        answer.put("statusLabel", status.label());
        answer.put("wake", wake);
        return answer;
    }

    /** The words for the page; a device the user may not see or connect to is 404 or 403, as elsewhere. */
    private static String refusal(WakeRefused e) {
        if (e.reason() == WakeRefused.Reason.NOT_FOUND || e.reason() == WakeRefused.Reason.NO_RIGHT) {
            throw refusalStatus(e);
        }
        return e.getMessage();
    }

    private static RuntimeException refusalStatus(WakeRefused e) {
        return switch (e.reason()) {
            case NO_RIGHT -> new AccessDeniedException(e.getMessage());
            case NOT_FOUND -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such device");
            default -> new ResponseStatusException(HttpStatus.valueOf(e.reason().status()), e.getMessage());
        };
    }
}
