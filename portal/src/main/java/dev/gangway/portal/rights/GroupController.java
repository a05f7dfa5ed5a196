package dev.gangway.portal.rights;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The groups pages: list and create ({@code /admin/groups}), a group's members, rename and delete
 * ({@code /admin/groups/{groupId}}). Who may do what is decided in {@link Groups}; a form error re-renders the page
 * with the message next to its field and changes nothing.
 */
@Controller
class GroupController {

    private final Groups groups;
    private final GroupMemberRepository members;
    private final PoolRightRepository grants;
    private final DevicePoolRepository pools;
    private final AppUserRepository users;
    private final Access access;

    GroupController(Groups groups, GroupMemberRepository members, PoolRightRepository grants,
            DevicePoolRepository pools, AppUserRepository users, Access access) {
        this.groups = groups;
        this.members = members;
        this.grants = grants;
        this.pools = pools;
        this.users = users;
        this.access = access;
    }

    /** One row of the group list. */
    record GroupRow(String id, String name, int members, int rights) {
    }

    /** One right of a group, in words. */
    record GrantRow(String pool, String right) {
    }

    @GetMapping("/admin/groups")
    String list(@AuthenticationPrincipal PortalUser user, Model model) {
        return listPage(user, model, "", null);
    }

    @PostMapping("/admin/groups")
    String create(@AuthenticationPrincipal PortalUser user, @RequestParam(name = "name", required = false) String name,
            Model model, RedirectAttributes redirect) {
        UserGroup group;
        try {
            group = groups.create(user, name);
        } catch (IllegalArgumentException e) {
            return listPage(user, model, name, e.getMessage());
        }
        redirect.addFlashAttribute("message", "Group created. Add its members here; an administrator grants its "
                + "rights on the Rights page.");
        return "redirect:/admin/groups/" + group.getId();
    }

    @GetMapping("/admin/groups/{groupId}")
    String show(@AuthenticationPrincipal PortalUser user, @PathVariable("groupId") String groupId, Model model) {
        return groupPage(user, groups.find(user, groupId), model);
    }

    @PostMapping("/admin/groups/{groupId}/rename")
    String rename(@AuthenticationPrincipal PortalUser user, @PathVariable("groupId") String groupId,
            @RequestParam(name = "name", required = false) String name, Model model, RedirectAttributes redirect) {
        try {
            groups.rename(user, groupId, name);
        } catch (IllegalArgumentException e) {
            model.addAttribute("newName", name == null ? "" : name);
            model.addAttribute("nameError", e.getMessage());
            return groupPage(user, groups.find(user, groupId), model);
        }
        redirect.addFlashAttribute("message", "Group renamed.");
        return "redirect:/admin/groups/" + groupId;
    }

    @PostMapping("/admin/groups/{groupId}/delete")
    String delete(@AuthenticationPrincipal PortalUser user, @PathVariable("groupId") String groupId,
            RedirectAttributes redirect) {
        groups.delete(user, groupId);
        redirect.addFlashAttribute("message", "Group deleted.");
        return "redirect:/admin/groups";
    }

    @PostMapping("/admin/groups/{groupId}/members")
    String addMember(@AuthenticationPrincipal PortalUser user, @PathVariable("groupId") String groupId,
            @RequestParam(name = "userId", required = false) String userId, Model model,
            RedirectAttributes redirect) {
        try {
            groups.addMember(user, groupId, userId);
        } catch (IllegalArgumentException e) {
            model.addAttribute("memberError", e.getMessage());
            return groupPage(user, groups.find(user, groupId), model);
        }
        redirect.addFlashAttribute("message", "Member added.");
        return "redirect:/admin/groups/" + groupId;
    }

    @PostMapping("/admin/groups/{groupId}/members/{userId}/remove")
    String removeMember(@AuthenticationPrincipal PortalUser user, @PathVariable("groupId") String groupId,
            @PathVariable("userId") String userId, RedirectAttributes redirect) {
        groups.removeMember(user, groupId, userId);
        redirect.addFlashAttribute("message", "Member removed.");
        return "redirect:/admin/groups/" + groupId;
    }

    private String listPage(PortalUser user, Model model, String name, String nameError) {
        List<GroupRow> rows = groups.list(user).stream()
                .map(g -> new GroupRow(g.getId(), g.getName(), members.findByGroup(g.getId()).size(),
                        grants.findByGroup(g.getId()).size()))
                .toList();
        model.addAttribute("groups", rows);
        model.addAttribute("name", name == null ? "" : name);
        model.addAttribute("nameError", nameError);
        return "rights/groups";
    }

    private String groupPage(PortalUser user, UserGroup group, Model model) {
        List<AppUser> current = groups.members(group);
        Set<String> memberIds = current.stream().map(AppUser::getId).collect(Collectors.toSet());
        Map<String, DevicePool> poolsById = pools.findByAccountIdOrderByName(user.accountId()).stream()
                .collect(Collectors.toMap(DevicePool::getId, Function.identity()));
        List<GrantRow> grantRows = groups.grants(group).stream()
                .filter(g -> poolsById.containsKey(g.poolId()))
                .map(g -> new GrantRow(poolsById.get(g.poolId()).getName(), g.right().label()))
                .sorted((a, b) -> (a.pool() + a.right()).compareTo(b.pool() + b.right()))
                .toList();
        model.addAttribute("group", group);
        model.addAttribute("members", current);
        model.addAttribute("candidates", users.findByAccountIdOrderByUsername(user.accountId()).stream()
                .filter(u -> !memberIds.contains(u.getId())).toList());
        model.addAttribute("grants", grantRows);
        model.addAttribute("mayChangeMembers", groups.mayChangeMembers(user, group));
        model.addAttribute("mayDelete", grantRows.isEmpty() || access.isAdmin(user));
        if (!model.containsAttribute("newName")) {
            model.addAttribute("newName", group.getName());
        }
        return "rights/group";
    }
}
