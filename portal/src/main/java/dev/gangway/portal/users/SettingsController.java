package dev.gangway.portal.users;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.PortalUser;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /admin/settings}: the account's password policy, lockout, session lifetimes and two-factor (admins). */
@Controller
class SettingsController {

    private static final List<Section> SECTIONS = List.of(new Section("password", "Password policy"),
            new Section("lockout", "Lockout after failed sign-ins"), new Section("session", "Sessions"),
            new Section("two-factor", "Two-factor sign-in"));

    private final AccountSettings settings;

    SettingsController(AccountSettings settings) {
        this.settings = settings;
    }

    record Section(String key, String title) {
    }

    /** One number field as the page shows it: the value typed (or saved) and the error next to it. */
    record FieldView(String property, String id, String label, String unit, int min, int max, String value,
            String error) {
    }

    @GetMapping("/admin/settings")
    String show(@AuthenticationPrincipal PortalUser user, Model model) {
        Account account = settings.load(user);
        return page(model, f -> String.valueOf(f.get(account)), account.isRequireTwoFactor(), Map.of());
    }

    @PostMapping("/admin/settings")
    String save(@AuthenticationPrincipal PortalUser user, @RequestParam Map<String, String> form, Model model,
            RedirectAttributes redirect) {
        boolean requireTwoFactor = "true".equals(form.get(AccountSettings.REQUIRE_TWO_FACTOR))
                || "on".equals(form.get(AccountSettings.REQUIRE_TWO_FACTOR));
        Map<String, String> typed = new HashMap<>();
        for (SettingField field : SettingField.values()) {
            typed.put(field.property(), form.get(field.property()));
        }
        try {
            List<String> changes = settings.save(user, typed, requireTwoFactor);
            redirect.addFlashAttribute("message", changes.isEmpty() ? "Nothing changed."
                    : "Settings saved: " + String.join("; ", changes) + ".");
        } catch (InvalidInput e) {
            return page(model, f -> typed.get(f.property()) == null ? "" : typed.get(f.property()), requireTwoFactor,
                    e.errors());
        }
        return "redirect:/admin/settings";
    }

    private static String page(Model model, Function<SettingField, String> value, boolean requireTwoFactor,
            Map<String, String> errors) {
        Map<String, List<FieldView>> fields = new HashMap<>();
        for (Section section : SECTIONS) {
            fields.put(section.key(), Arrays.stream(SettingField.values())
                    .filter(f -> f.section().equals(section.key()))
                    .map(f -> new FieldView(f.property(), f.id(), f.label(), f.unit(), f.min(), f.max(),
                            value.apply(f), errors.get(f.property())))
                    .toList());
        }
        model.addAttribute("sections", SECTIONS);
        model.addAttribute("fields", fields);
        model.addAttribute("requireTwoFactor", requireTwoFactor);
        model.addAttribute("hasErrors", !errors.isEmpty());
        return "settings/edit";
    }
}
