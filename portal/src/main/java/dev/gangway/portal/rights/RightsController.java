package dev.gangway.portal.rights;

import dev.gangway.portal.account.PortalUser;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The rights matrix ({@code /admin/rights}, admins only): for each group a table of pools × rights. The form posts
 * every checked cell; what is not posted is removed.
 *
 * <p>The form ends with a hidden {@code complete} field: a servlet container that stops reading parameters at its
 * limit would otherwise hand over a truncated set, and saving it would silently remove rights.
 */
@Controller
class RightsController {

    private final RightsMatrix matrix;
    private final UserGroupRepository groups;
    private final DevicePoolRepository pools;
    private final Access access;

    RightsController(RightsMatrix matrix, UserGroupRepository groups, DevicePoolRepository pools, Access access) {
        this.matrix = matrix;
        this.groups = groups;
        this.pools = pools;
        this.access = access;
    }

    @GetMapping("/admin/rights")
    String show(@AuthenticationPrincipal PortalUser user, Model model) {
        access.requireAdmin(user);
        model.addAttribute("groups", groups.findByAccountIdOrderByName(user.accountId()));
        model.addAttribute("pools", pools.findByAccountIdOrderByName(user.accountId()));
        model.addAttribute("rights", List.of(Right.values()));
        Set<String> checked = matrix.grants(user.accountId()).stream().map(Grant::formValue)
                .collect(Collectors.toSet());
        model.addAttribute("checked", checked);
        return "rights/matrix";
    }

    @PostMapping("/admin/rights")
    String save(@AuthenticationPrincipal PortalUser user,
            @RequestParam(name = "grant", required = false) List<String> grant,
            @RequestParam(name = "complete", required = false) String complete, RedirectAttributes redirect) {
        access.requireAdmin(user);
        if (!"1".equals(complete)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "The form arrived incomplete: nothing was "
                    + "changed. Reload the page and save again.");
        }
        RightsMatrix.Change change = matrix.replace(user, grant == null ? List.of() : grant);
        redirect.addFlashAttribute("message", change.isEmpty() ? "No change."
                : "Rights saved: " + change.added().size() + " added, " + change.removed().size() + " removed.");
        return "redirect:/admin/rights";
    }
}
