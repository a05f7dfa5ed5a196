package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.desktop.web.DesktopAccess;
import dev.gangway.portal.desktop.web.DesktopMode;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.device.Device;
import dev.gangway.portal.rights.Access;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/**
 * The remote desktop viewer page, {@code GET /devices/{deviceId}/desktop/{service}} (template {@code desktop/viewer}).
 * Model: {@code device} ({@link Device}), {@code service} ({@link AgentService}), {@code viewOnly} (boolean),
 * {@code tunnelUrl} (the WebSocket's context-relative path, {@value DesktopTunnelConfiguration#PATH}),
 * {@code connectData} ({@code device=<id>&service=<name>}, URL-encoded; the page appends its display size) and
 * {@code unavailable} (why this desktop cannot be shown here, e.g. no converter for RDP, or null).
 *
 * <p>A device of another account, an unknown one, one the user holds no right on, an unknown service and a service
 * that is not a desktop answer 404, alike; a user who may see the device but holds no desktop right gets 403 naming
 * the rights. The WebSocket checks all of it again.
 */
@Controller
class DesktopViewerController {

    private final DesktopAccess desktops;
    private final Access access;
    private final DesktopConverters converters;

    DesktopViewerController(DesktopAccess desktops, Access access, DesktopConverters converters) {
        this.desktops = desktops;
        this.access = access;
        this.converters = converters;
    }

    @GetMapping("/devices/{deviceId}/desktop/{service}")
    String viewer(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @PathVariable("service") String serviceName, Model model) {
        Device device = desktops.device(user, deviceId).orElseThrow(DesktopViewerController::notFound);
        if (access.rightsOn(user, deviceId).isEmpty()) {
            throw notFound();
        }
        AgentService service = desktops.service(user, deviceId, serviceName)
                .orElseThrow(DesktopViewerController::notFound);
        DesktopMode mode = desktops.mode(user, deviceId).orElseThrow(() -> new AccessDeniedException(
                "You do not have the right \"Remote desktop: view only\" or \"Remote desktop: control\" on this"
                        + " device."));
        model.addAttribute("device", device);
        model.addAttribute("service", service);
        model.addAttribute("viewOnly", mode == DesktopMode.VIEW_ONLY);
        model.addAttribute("tunnelUrl", DesktopTunnelConfiguration.PATH);
        model.addAttribute("connectData", "device=" + encode(device.getId()) + "&service=" + encode(service.name()));
        model.addAttribute("unavailable", converters.choose(service.kind()).unavailableReason());
        return "desktop/viewer";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no such desktop");
    }
}
