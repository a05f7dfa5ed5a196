package dev.gangway.portal.users;

import dev.gangway.portal.account.PasswordRejectedException;
import dev.gangway.portal.account.Passwords;
import dev.gangway.portal.users.PasswordSetting.InvalidLink;
import dev.gangway.portal.users.PasswordSetting.Link;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code /password/set?token=…}, the page an invitation or reset link opens (no sign-in needed: the link is the
 * proof). A link that does not work any more gets one page whatever the reason, so the page tells nobody whether a
 * token ever existed.
 */
@Controller
class PasswordSetController {

    private final PasswordSetting setting;

    PasswordSetController(PasswordSetting setting) {
        this.setting = setting;
    }

    @GetMapping(PasswordLinks.PATH)
    ModelAndView form(@RequestParam(name = "token", required = false) String token) {
        Optional<Link> link = setting.find(token);
        return link.map(l -> form(l, token, null)).orElseGet(PasswordSetController::invalid);
    }

    @PostMapping(PasswordLinks.PATH)
    ModelAndView set(@RequestParam(name = "token", required = false) String token,
            @RequestParam(name = "newPassword", required = false) String newPassword,
            @RequestParam(name = "repeatPassword", required = false) String repeatPassword) {
        Optional<Link> link = setting.find(token);
        if (link.isEmpty()) {
            return invalid();
        }
        // empty and too long are the policy's to say (Passwords.check), in the same words everywhere
        String raw = newPassword == null ? "" : newPassword;
        if (!raw.isEmpty() && !raw.equals(repeatPassword)) {
            return form(link.get(), token, "The two passwords differ: type the same password twice.");
        }
        try {
            setting.set(token, raw);
        } catch (PasswordRejectedException e) {
            return form(link.get(), token, e.getMessage());
        } catch (InvalidLink e) {
            return invalid();
        }
        return new ModelAndView("redirect:/login?password-set");
    }

    private static ModelAndView form(Link link, String token, String error) {
        ModelAndView page = new ModelAndView("password/set");
        page.addObject("username", link.user().getUsername());
        page.addObject("accountName", link.account().getName());
        page.addObject("token", token);
        page.addObject("passwordError", error);
        page.addObject("minLength", link.account().getPasswordMinLength());
        page.addObject("minClasses", link.account().getPasswordMinClasses());
        page.addObject("maxLength", Passwords.MAX_LENGTH);
        return page;
    }

    private static ModelAndView invalid() {
        ModelAndView page = new ModelAndView("password/invalid");
        page.setStatus(HttpStatus.GONE);
        return page;
    }
}
