package dev.gangway.portal.users;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.system.Mailer;
import dev.gangway.portal.system.PortalSettings;
import dev.gangway.portal.users.PasswordLinks.NewLink;
import dev.gangway.portal.users.UserAdministration.Created;
import dev.gangway.portal.users.UserAdministration.Manager;
import dev.gangway.portal.users.UserAdministration.NewUser;
import dev.gangway.portal.users.UserAdministration.Reset;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The users pages: the account's users, a new user with the invitation, and one user's page with its actions. The
 * rules (who may act on whom) live in {@link UserAdministration}; this class turns its answers into pages, and sends
 * the mails after the change is committed (a mail server that is down never undoes a change, and the link is
 * always shown to the administrator once, so it works without SMTP too).
 */
@Controller
class UsersController {

    private static final String REDIRECT_TO_USER = "redirect:/admin/users/{userId}";

    private final UserAdministration administration;
    private final Mailer mailer;
    private final PortalSettings portal;

    UsersController(UserAdministration administration, Mailer mailer, PortalSettings portal) {
        this.administration = administration;
        this.mailer = mailer;
        this.portal = portal;
    }

    @GetMapping("/admin/users")
    String list(@AuthenticationPrincipal PortalUser user, Model model) {
        model.addAttribute("users", administration.list(user));
        return "users/list";
    }

    @GetMapping("/admin/users/new")
    String newUser(@AuthenticationPrincipal PortalUser user, Model model) {
        Manager manager = administration.manager(user);
        return form(model, manager, new NewUser("", "", "", "", false, false), Map.of());
    }

    @PostMapping("/admin/users")
    String create(@AuthenticationPrincipal PortalUser user,
            @RequestParam(name = "username", required = false) String username,
            @RequestParam(name = "email", required = false) String email,
            @RequestParam(name = "phoneNumber", required = false) String phoneNumber,
            @RequestParam(name = "expiresAt", required = false) String expiresAt,
            @RequestParam(name = "accountAdmin", required = false) String accountAdmin,
            @RequestParam(name = "requireTwoFactor", required = false) String requireTwoFactor,
            Model model, RedirectAttributes redirect, HttpServletRequest request) {
        Manager manager = administration.manager(user);
        NewUser input = new NewUser(username, email, phoneNumber, expiresAt, checked(accountAdmin),
                checked(requireTwoFactor));
        Created created;
        try {
            created = administration.create(user, input);
        } catch (InvalidInput e) {
            // a name taken concurrently comes here too: create turns the database's refusal into InvalidInput
            return form(model, manager, input, e.errors());
        }
        String link = link(request, created.link());
        boolean mailed = mailer.send(List.of(created.email()), "Your Gangway access", """
                Hello %s,

                %s has created a Gangway user for you: account %s, user name %s.
                Set your password with this link. It works once, until %s (UTC):

                %s

                Then sign in at %s/login with the account, the user name and your new password.
                If you did not expect this mail, ignore it: without the link nobody can use the user.
                """.formatted(created.username(), user.getName(), user.accountName(), created.username(),
                created.link().expiresAt().truncatedTo(ChronoUnit.MINUTES), link, base(request)));
        redirect.addFlashAttribute("inviteLink", link);
        redirect.addFlashAttribute("linkExpires", created.link().expiresAt().truncatedTo(ChronoUnit.SECONDS));
        redirect.addFlashAttribute("linkMailed", mailed ? created.email() : null);
        return "redirect:/admin/users/" + created.userId();
    }

    @GetMapping("/admin/users/{userId}")
    String show(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId, Model model) {
        return page(user, userId, model, null, null);
    }

    @PostMapping("/admin/users/{userId}/disable")
    String disable(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            RedirectAttributes redirect) {
        return act(redirect, "The user is disabled: they cannot sign in, and their sessions end.",
                () -> administration.disable(user, userId));
    }

    @PostMapping("/admin/users/{userId}/enable")
    String enable(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            RedirectAttributes redirect) {
        return act(redirect, "The user is enabled.", () -> administration.enable(user, userId));
    }

    @PostMapping("/admin/users/{userId}/expiry")
    String expiry(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            @RequestParam(name = "expiresAt", required = false) String expiresAt, Model model,
            RedirectAttributes redirect) {
        try {
            return act(redirect, "Expiry date saved.", () -> administration.expiry(user, userId, expiresAt));
        } catch (InvalidInput e) {
            return page(user, userId, model, expiresAt, e.errors().get("expiresAt"));
        }
    }

    @PostMapping("/admin/users/{userId}/phone")
    String phone(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            @RequestParam(name = "phoneNumber", required = false) String phoneNumber, Model model,
            RedirectAttributes redirect) {
        try {
            return act(redirect, "Phone number saved.", () -> administration.phoneNumber(user, userId,
                    phoneNumber));
        } catch (InvalidInput e) {
            model.addAttribute("phoneValue", phoneNumber == null || phoneNumber.length() > 40 ? "" : phoneNumber);
            model.addAttribute("phoneError", e.errors().get("phoneNumber"));
            return page(user, userId, model, null, null);
        }
    }

    @PostMapping("/admin/users/{userId}/reset-password")
    String resetPassword(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            RedirectAttributes redirect, HttpServletRequest request) {
        Reset reset;
        try {
            reset = administration.resetPassword(user, userId);
        } catch (ActionRefused e) {
            redirect.addFlashAttribute("actionError", e.getMessage());
            return REDIRECT_TO_USER;
        }
        String link = link(request, reset.link());
        boolean mailed = mailer.send(List.of(reset.email() == null ? "" : reset.email()),
                "Your Gangway password was reset", """
                Hello %s,

                %s has reset your Gangway password (account %s, user name %s): your previous password no longer
                works. Set a new one with this link. It works once, until %s (UTC):

                %s

                If you did not expect this mail, tell an administrator of your account.
                """.formatted(reset.username(), user.getName(), user.accountName(), reset.username(),
                reset.link().expiresAt().truncatedTo(ChronoUnit.MINUTES), link));
        redirect.addFlashAttribute("resetLink", link);
        redirect.addFlashAttribute("linkExpires", reset.link().expiresAt().truncatedTo(ChronoUnit.SECONDS));
        redirect.addFlashAttribute("linkMailed", mailed ? reset.email() : null);
        return REDIRECT_TO_USER;
    }

    @PostMapping("/admin/users/{userId}/require-two-factor")
    String requireTwoFactor(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            @RequestParam(name = "required", required = false) String required, RedirectAttributes redirect) {
        boolean on = checked(required);
        return act(redirect, on ? "Two-factor sign-in is now required for this user."
                : "Two-factor sign-in is no longer required for this user (unless the account requires it).",
                () -> administration.requireTwoFactor(user, userId, on));
    }

    @PostMapping("/admin/users/{userId}/reset-two-factor")
    String resetTwoFactor(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            RedirectAttributes redirect) {
        return act(redirect, "Two-factor reset: the authenticator app, recovery codes and remembered browsers are "
                + "removed.", () -> administration.resetTwoFactor(user, userId));
    }

    @PostMapping("/admin/users/{userId}/unlock")
    String unlock(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            RedirectAttributes redirect) {
        return act(redirect, "The user is unlocked.", () -> administration.unlock(user, userId));
    }

    @PostMapping("/admin/users/{userId}/admin")
    String admin(@AuthenticationPrincipal PortalUser user, @PathVariable("userId") String userId,
            @RequestParam(name = "admin", required = false) String admin, RedirectAttributes redirect) {
        boolean on = checked(admin);
        return act(redirect, on ? "The user is now an administrator of the account."
                : "The user is no longer an administrator.", () -> administration.setAdmin(user, userId, on));
    }

    /** Runs an action; a refusal becomes the message on the user page. 403 and 404 pass through. */
    private static String act(RedirectAttributes redirect, String done, Runnable action) {
        try {
            action.run();
            redirect.addFlashAttribute("message", done);
        } catch (ActionRefused e) {
            redirect.addFlashAttribute("actionError", e.getMessage());
        }
        return REDIRECT_TO_USER;
    }

    private String page(PortalUser user, String userId, Model model, String typedExpiry, String expiryError) {
        Manager manager = administration.manager(user);
        UserRow target = administration.show(user, userId);
        boolean self = target.id().equals(user.userId());
        model.addAttribute("target", target);
        model.addAttribute("actorAdmin", manager.admin());
        model.addAttribute("self", self);
        model.addAttribute("mayAct", !self && (manager.admin() || !target.admin()));
        model.addAttribute("expiryValue", typedExpiry != null ? typedExpiry : target.expiresOn());
        model.addAttribute("expiryError", expiryError);
        if (!model.containsAttribute("phoneValue")) {
            model.addAttribute("phoneValue", target.phoneNumber());
        }
        return "users/show";
    }

    private static String form(Model model, Manager manager, NewUser input, Map<String, String> errors) {
        model.addAttribute("form", input);
        model.addAttribute("errors", errors);
        model.addAttribute("mayMakeAdmin", manager.admin());
        return "users/new";
    }

    /** A checkbox: ticked sends {@code true} (or a browser's {@code on}); anything else counts as not ticked. */
    private static boolean checked(String value) {
        return "true".equals(value) || "on".equals(value);
    }

    private String link(HttpServletRequest request, NewLink link) {
        return base(request) + PasswordLinks.PATH + "?token=" + link.token();
    }

    /** The portal's address: the configured public URL, else the address this request came to. */
    private String base(HttpServletRequest request) {
        return portal.publicUri().map(URI::toString)
                .orElseGet(() -> ServletUriComponentsBuilder.fromContextPath(request).build().toUriString());
    }
}
