package dev.gangway.portal.desktop.web;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.device.Device;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.Right;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The credentials page of a device's desktop service: users who manage the device store the VNC password or the RDP
 * user, password and domain, so that users of the desktop are not asked. The password is never shown back.
 */
@Controller
class DesktopCredentialsController {

    private final DesktopAccess desktops;
    private final DesktopCredentialStore store;
    private final Access access;

    DesktopCredentialsController(DesktopAccess desktops, DesktopCredentialStore store, Access access) {
        this.desktops = desktops;
        this.store = store;
        this.access = access;
    }

    @GetMapping("/devices/{deviceId}/services/{service}/credentials")
    String show(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @PathVariable("service") String serviceName, Model model) {
        Target target = target(user, deviceId, serviceName);
        DesktopCredentialStore.StoredCredentials stored = store.stored(target.device().getId(), serviceName);
        model.addAttribute("newUsername", stored == null || stored.username() == null ? "" : stored.username());
        model.addAttribute("newDomain", stored == null || stored.domain() == null ? "" : stored.domain());
        return page(target, stored, model);
    }

    @PostMapping("/devices/{deviceId}/services/{service}/credentials")
    String save(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @PathVariable("service") String serviceName,
            @RequestParam(name = "username", required = false) String username,
            @RequestParam(name = "password", required = false) String password,
            @RequestParam(name = "clearPassword", required = false) boolean clearPassword,
            @RequestParam(name = "domain", required = false) String domain, Model model,
            RedirectAttributes redirect) {
        Target target = target(user, deviceId, serviceName);
        try {
            store.save(user.accountId(), target.device().getId(), serviceName, username, password, clearPassword,
                    domain, user.getName());
        } catch (IllegalArgumentException e) {
            model.addAttribute("newUsername", username == null ? "" : username);
            model.addAttribute("newDomain", domain == null ? "" : domain);
            model.addAttribute("credentialsError", e.getMessage());
            return page(target, store.stored(target.device().getId(), serviceName), model);
        }
        redirect.addFlashAttribute("message", "Credentials of " + serviceName + " saved.");
        return "redirect:/devices/" + target.device().getId() + "/services/" + serviceName + "/credentials";
    }

    @PostMapping("/devices/{deviceId}/services/{service}/credentials/delete")
    String delete(@AuthenticationPrincipal PortalUser user, @PathVariable("deviceId") String deviceId,
            @PathVariable("service") String serviceName, RedirectAttributes redirect) {
        Target target = target(user, deviceId, serviceName);
        store.delete(user.accountId(), target.device().getId(), serviceName, user.getName());
        redirect.addFlashAttribute("message", "Stored credentials of " + serviceName + " removed.");
        return "redirect:/devices/" + target.device().getId() + "/services/" + serviceName + "/credentials";
    }

    private String page(Target target, DesktopCredentialStore.StoredCredentials stored, Model model) {
        model.addAttribute("device", target.device());
        model.addAttribute("service", target.service());
        model.addAttribute("stored", stored);
        return "devices/desktop-credentials";
    }

    /** The device and its desktop service: 404 for anything not in the account, 403 without "Manage devices". */
    private Target target(PortalUser user, String deviceId, String serviceName) {
        Device device = desktops.device(user, deviceId).filter(d -> !access.rightsOn(user, d.getId()).isEmpty())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such device"));
        AgentService service = desktops.service(user, deviceId, serviceName)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such desktop service"));
        if (!access.can(user, device.getId(), Right.MANAGE_DEVICES)) {
            throw new AccessDeniedException("You do not have the right \"" + Right.MANAGE_DEVICES.label()
                    + "\" on this device.");
        }
        return new Target(device, service);
    }

    private record Target(Device device, AgentService service) {
    }
}
