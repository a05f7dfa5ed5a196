package dev.gangway.portal.directory;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.Device;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.DevicePool;
import dev.gangway.portal.rights.Pools;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
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
 * The pools pages (account admins only): list and create ({@code /admin/pools}), a pool's devices, rename and delete
 * ({@code /admin/pools/{poolId}}). A form error re-renders the page with the message next to its field and changes
 * nothing.
 */
@Controller
class PoolController {

    private final Pools pools;
    private final DeviceRegistry devices;
    private final Access access;

    PoolController(Pools pools, DeviceRegistry devices, Access access) {
        this.pools = pools;
        this.devices = devices;
        this.access = access;
    }

    /** One row of the pool list. */
    record PoolRow(String id, String name, int devices) {
    }

    @GetMapping("/admin/pools")
    String list(@AuthenticationPrincipal PortalUser user, Model model) {
        return listPage(user, model, "", null);
    }

    @PostMapping("/admin/pools")
    String create(@AuthenticationPrincipal PortalUser user, @RequestParam(name = "name", required = false) String name,
            Model model, RedirectAttributes redirect) {
        DevicePool pool;
        try {
            pool = pools.create(user, name);
        } catch (IllegalArgumentException e) {
            return listPage(user, model, name, e.getMessage());
        }
        redirect.addFlashAttribute("message", "Pool created. Add its devices here.");
        return "redirect:/admin/pools/" + pool.getId();
    }

    @GetMapping("/admin/pools/{poolId}")
    String show(@AuthenticationPrincipal PortalUser user, @PathVariable("poolId") String poolId, Model model) {
        return poolPage(user, poolId, model);
    }

    @PostMapping("/admin/pools/{poolId}/rename")
    String rename(@AuthenticationPrincipal PortalUser user, @PathVariable("poolId") String poolId,
            @RequestParam(name = "name", required = false) String name, Model model, RedirectAttributes redirect) {
        try {
            pools.rename(user, poolId, name);
        } catch (IllegalArgumentException e) {
            model.addAttribute("newName", name == null ? "" : name);
            model.addAttribute("nameError", e.getMessage());
            return poolPage(user, poolId, model);
        }
        redirect.addFlashAttribute("message", "Pool renamed.");
        return "redirect:/admin/pools/" + poolId;
    }

    @PostMapping("/admin/pools/{poolId}/delete")
    String delete(@AuthenticationPrincipal PortalUser user, @PathVariable("poolId") String poolId,
            RedirectAttributes redirect) {
        pools.delete(user, poolId);
        redirect.addFlashAttribute("message", "Pool deleted.");
        return "redirect:/admin/pools";
    }

    @PostMapping("/admin/pools/{poolId}/devices")
    String addDevice(@AuthenticationPrincipal PortalUser user, @PathVariable("poolId") String poolId,
            @RequestParam(name = "deviceId", required = false) String deviceId, Model model,
            RedirectAttributes redirect) {
        try {
            pools.addDevice(user, poolId, deviceId);
        } catch (IllegalArgumentException e) {
            model.addAttribute("deviceError", e.getMessage());
            return poolPage(user, poolId, model);
        }
        redirect.addFlashAttribute("message", "Device added.");
        return "redirect:/admin/pools/" + poolId;
    }

    @PostMapping("/admin/pools/{poolId}/devices/{deviceId}/remove")
    String removeDevice(@AuthenticationPrincipal PortalUser user, @PathVariable("poolId") String poolId,
            @PathVariable("deviceId") String deviceId, RedirectAttributes redirect) {
        pools.removeDevice(user, poolId, deviceId);
        redirect.addFlashAttribute("message", "Device removed from the pool.");
        return "redirect:/admin/pools/" + poolId;
    }

    private String listPage(PortalUser user, Model model, String name, String nameError) {
        access.requireAdmin(user);
        List<PoolRow> rows = pools.list(user.accountId()).stream()
                .map(p -> new PoolRow(p.getId(), p.getName(), pools.deviceIds(user.accountId(), p.getId()).size()))
                .toList();
        model.addAttribute("pools", rows);
        model.addAttribute("name", name == null ? "" : name);
        model.addAttribute("nameError", nameError);
        return "directory/pools";
    }

    private String poolPage(PortalUser user, String poolId, Model model) {
        access.requireAdmin(user);
        DevicePool pool = pools.find(user.accountId(), poolId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such pool"));
        Set<String> inPool = Set.copyOf(pools.deviceIds(user.accountId(), pool.getId()));
        List<Device> all = devices.list(user.accountId());
        model.addAttribute("pool", pool);
        model.addAttribute("devices", all.stream().filter(d -> inPool.contains(d.getId())).toList());
        model.addAttribute("candidates", all.stream().filter(d -> !inPool.contains(d.getId())).toList());
        model.addAttribute("grants", pools.grantsOn(user.accountId(), pool.getId()));
        if (!model.containsAttribute("newName")) {
            model.addAttribute("newName", pool.getName());
        }
        return "directory/pool";
    }
}
