package dev.gangway.portal.rights;

import dev.gangway.portal.account.PortalUser;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;

/**
 * Puts {@link Nav} into every page's model, from the database at each request (a right removed hides its links on
 * the next page), and turns a refused action ({@link AccessDeniedException} from {@link Access}) into a 403 page
 * that says which right is missing, rather than a bare "Forbidden".
 */
@ControllerAdvice
class NavAdvice {

    private final Access access;

    NavAdvice(Access access) {
        this.access = access;
    }

    @ModelAttribute("nav")
    Nav nav() {
        PortalUser user = signedIn();
        return user == null ? Nav.NONE
                : new Nav(access.isAdmin(user), access.holdsAnywhere(user, Right.MANAGE_USERS));
    }

    @ExceptionHandler(AccessDeniedException.class)
    ModelAndView refused(AccessDeniedException e) {
        ModelAndView page = new ModelAndView("rights/refused", HttpStatus.FORBIDDEN);
        page.addObject("message", e.getMessage());
        page.addObject("user", signedIn());
        page.addObject("nav", nav());
        return page;
    }

    private static PortalUser signedIn() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof PortalUser user ? user : null;
    }
}
