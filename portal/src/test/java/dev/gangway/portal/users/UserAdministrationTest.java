package dev.gangway.portal.users;

import static dev.gangway.portal.users.UsersTestData.GOOD_PASSWORD;
import static dev.gangway.portal.users.UsersTestData.fromOwnAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.UserAccessEnded;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.hamcrest.Matcher;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The users pages: who sees them, what each action does, and what it refuses. */
@SpringBootTest
@AutoConfigureMockMvc
@RecordApplicationEvents
class UserAdministrationTest extends PortalTestSupport {

    private static final List<String> ACTIONS = List.of("disable", "enable", "expiry", "reset-password",
            "require-two-factor", "reset-two-factor", "unlock", "admin");

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApplicationEvents events;

    UsersTestData data;
    PortalUser admin;

    @BeforeEach
    void anAccountWithItsAdmin() {
        data = new UsersTestData(jdbc, users, encoder);
        admin = TestData.newUser(accounts, users, encoder, GOOD_PASSWORD);
    }

    @Test
    void theListShowsEveryUserWithStateTwoFactorExpiryAndGroupsToAdminsAndUserManagersOnly() throws Exception {
        PortalUser manager = data.userManager(admin, "manager");
        PortalUser plain = data.plainUser(admin, "plain", GOOD_PASSWORD);
        data.plainUser(admin, "invited", null);
        AppUser locked = data.reload(data.plainUser(admin, "locked", GOOD_PASSWORD).userId());
        locked.setLockedUntil(Instant.now().plus(Duration.ofHours(1)));
        locked.setTotpSecret("secret");
        users.save(locked);
        AppUser temp = data.reload(data.plainUser(admin, "temp", GOOD_PASSWORD).userId());
        temp.setExpiresAt(LocalDate.of(2031, 3, 1).atStartOfDay(ZoneOffset.UTC).toInstant());
        temp.setRequireTwoFactor(true);
        users.save(temp);
        AppUser gone = data.reload(data.plainUser(admin, "gone", GOOD_PASSWORD).userId());
        gone.setExpiresAt(Instant.now().minusSeconds(5));
        users.save(gone);
        AppUser off = data.reload(data.plainUser(admin, "off", GOOD_PASSWORD).userId());
        off.setEnabled(false);
        users.save(off);
        PortalUser other = TestData.newUser(accounts, users, encoder, GOOD_PASSWORD);
        data.plainUser(other, "stranger", GOOD_PASSWORD);

        for (PortalUser viewer : List.of(admin, manager)) {
            mvc.perform(get("/admin/users").with(TestData.signedIn(viewer)))
                    .andExpect(status().isOk())
                    .andExpect(content().string(allOf(containsString("id=\"user-list\""),
                            containsString("id=\"new-user\""),
                            row("user", "active"), row("manager", "active"), row("invited", "invited"),
                            row("locked", "locked"), row("gone", "expired"), row("off", "disabled"),
                            containsString("2031-03-01"), containsString("Managers manager"),
                            not(containsString("stranger")))));
        }
        mvc.perform(get("/admin/users").with(TestData.signedIn(plain))).andExpect(status().isForbidden());
        mvc.perform(get("/admin/users/new").with(TestData.signedIn(plain))).andExpect(status().isForbidden());
        mvc.perform(get("/admin/users/" + admin.userId()).with(TestData.signedIn(plain)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/admin/users").with(TestData.signedIn(plain)).with(csrf()).param("username", "x")
                .param("email", "x@example.test")).andExpect(status().isForbidden());
        assertThat(users.findByAccountIdAndUsername(admin.accountId(), "x")).isEmpty();
    }

    @Test
    void aDisabledUserCannotSignInAndTheirSessionsEndUntilEnabledAgain() throws Exception {
        PortalUser worker = data.plainUser(admin, "worker", GOOD_PASSWORD);
        MockHttpSession session = (MockHttpSession) signIn("worker", GOOD_PASSWORD).andExpect(authenticated())
                .andReturn().getRequest().getSession();

        act(admin, worker, "disable").andExpect(flash().attribute("message", containsString("disabled")));
        assertThat(data.reload(worker.userId()).isEnabled()).isFalse();
        signIn("worker", GOOD_PASSWORD).andExpect(unauthenticated());
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrlPattern("/login*"));
        assertThat(ended(worker)).isEqualTo(1);
        assertThat(data.auditDetail(admin.accountId(), "user.disable")).isEqualTo("user worker");
        mvc.perform(get("/admin/users/" + worker.userId()).with(TestData.signedIn(admin)))
                .andExpect(content().string(allOf(containsString("id=\"enable-user\""),
                        not(containsString("id=\"disable-user\"")))));

        act(admin, worker, "enable");
        assertThat(data.reload(worker.userId()).isEnabled()).isTrue();
        assertThat(data.auditCount(admin.accountId(), "user.enable")).isEqualTo(1);
        signIn("worker", GOOD_PASSWORD).andExpect(authenticated());
    }

    @Test
    void aUserManagerManagesPlainUsersButNeverAdministrators() throws Exception {
        PortalUser manager = data.userManager(admin, "manager");
        PortalUser worker = data.plainUser(admin, "worker", GOOD_PASSWORD);
        int before = data.userCount(admin.accountId());

        // creates plain users, never administrators
        mvc.perform(get("/admin/users/new").with(TestData.signedIn(manager)))
                .andExpect(status().isOk()).andExpect(content().string(not(containsString("account-admin"))));
        mvc.perform(post("/admin/users").with(TestData.signedIn(manager)).with(csrf()).param("username", "boss")
                        .param("email", "boss@example.test").param("accountAdmin", "true"))
                .andExpect(status().isForbidden());
        assertThat(data.userCount(admin.accountId())).isEqualTo(before);
        mvc.perform(post("/admin/users").with(TestData.signedIn(manager)).with(csrf()).param("username", "helper")
                .param("email", "helper@example.test")).andExpect(status().isFound());
        assertThat(users.findByAccountIdAndUsername(admin.accountId(), "helper").orElseThrow().isAccountAdmin())
                .isFalse();

        // acts on plain users
        act(manager, worker, "disable");
        act(manager, worker, "enable");
        act(manager, worker, "require-two-factor", "required", "true");
        assertThat(data.reload(worker.userId()).isRequireTwoFactor()).isTrue();

        // never on an administrator, and never makes one
        mvc.perform(get("/admin/users/" + admin.userId()).with(TestData.signedIn(manager)))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(not(containsString("id=\"disable-user\"")),
                        not(containsString("id=\"reset-password\"")), containsString("Only administrators"))));
        for (String action : ACTIONS) {
            mvc.perform(post("/admin/users/" + admin.userId() + "/" + action).with(TestData.signedIn(manager))
                    .with(csrf()).param("expiresAt", "2030-01-01").param("required", "true")
                    .param("admin", "false")).andExpect(status().isForbidden());
        }
        mvc.perform(post("/admin/users/" + worker.userId() + "/admin").with(TestData.signedIn(manager)).with(csrf())
                .param("admin", "true")).andExpect(status().isForbidden());
        AppUser adminAfter = data.reload(admin.userId());
        assertThat(adminAfter.isEnabled()).isTrue();
        assertThat(adminAfter.isAccountAdmin()).isTrue();
        assertThat(adminAfter.getExpiresAt()).isNull();
        assertThat(data.reload(worker.userId()).isAccountAdmin()).isFalse();
        assertThat(data.auditCount(admin.accountId(), "user.admin")).isZero();
    }

    @Test
    void aUserManagerCannotTakeOverAUserWhoHoldsRightsTheManagerLacks() throws Exception {
        PortalUser manager = data.userManager(admin, "manager");
        PortalUser engineer = data.plainUser(admin, "engineer", GOOD_PASSWORD);
        String group = UUID.randomUUID().toString();
        String pool = UUID.randomUUID().toString();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("insert into user_group (id, account_id, name, created_at) values (?, ?, ?, ?)", group,
                admin.accountId(), "Engineers", now);
        jdbc.update("insert into group_member (group_id, user_id) values (?, ?)", group, engineer.userId());
        jdbc.update("insert into device_pool (id, account_id, name, created_at) values (?, ?, ?, ?)", pool,
                admin.accountId(), "Presses", now);
        jdbc.update("insert into pool_right (group_id, pool_id, right_name) values (?, ?, 'OPEN_WEB_HMI')", group,
                pool);
        String hashBefore = data.reload(engineer.userId()).getPasswordHash();
        int tokensBefore = data.tokenCount(admin.accountId());

        // a reset link would let the manager become the engineer, with rights the manager does not hold
        for (String action : List.of("reset-password", "reset-two-factor")) {
            mvc.perform(post("/admin/users/" + engineer.userId() + "/" + action).with(TestData.signedIn(manager))
                    .with(csrf())).andExpect(status().isForbidden());
        }
        assertThat(data.reload(engineer.userId()).getPasswordHash()).isEqualTo(hashBefore);
        assertThat(data.tokenCount(admin.accountId())).isEqualTo(tokensBefore);
        assertThat(data.auditCount(admin.accountId(), "user.password-reset")).isZero();

        // once the manager holds the same right on the same pool, the reset is no escalation
        String managers = jdbc.queryForObject("select group_id from group_member where user_id = ?", String.class,
                manager.userId());
        jdbc.update("insert into pool_right (group_id, pool_id, right_name) values (?, ?, 'OPEN_WEB_HMI')",
                managers, pool);
        mvc.perform(post("/admin/users/" + engineer.userId() + "/reset-password").with(TestData.signedIn(manager))
                .with(csrf())).andExpect(status().isFound());
        assertThat(data.reload(engineer.userId()).getPasswordHash()).isNotEqualTo(hashBefore);
    }

    @Test
    void theLastPermanentAdministratorIsNeverDisabledDemotedOrGivenAnExpiry() throws Exception {
        // alone: the admin cannot disable or demote themselves
        act(admin, admin, "disable").andExpect(flash().attribute("actionError", containsString("yourself")));
        act(admin, admin, "admin", "admin", "false")
                .andExpect(flash().attribute("actionError", containsString("your own administrator rights")));

        // a temporary admin cannot remove the one permanent admin
        mvc.perform(post("/admin/users").with(TestData.signedIn(admin)).with(csrf()).param("username", "temp-admin")
                .param("email", "temp@example.test").param("accountAdmin", "true")
                .param("expiresAt", LocalDate.now(ZoneOffset.UTC).plusDays(30).toString()))
                .andExpect(status().isFound());
        AppUser temp = users.findByAccountIdAndUsername(admin.accountId(), "temp-admin").orElseThrow();
        assertThat(temp.isAccountAdmin()).isTrue();
        PortalUser tempAdmin = new PortalUser(temp.getId(), temp.getUsername(), admin.accountId(),
                admin.accountName());
        act(tempAdmin, admin, "disable").andExpect(flash().attribute("actionError",
                containsString("last enabled administrator without an expiry date")));
        act(tempAdmin, admin, "admin", "admin", "false").andExpect(flash().attribute("actionError",
                containsString("last enabled administrator")));
        act(tempAdmin, admin, "expiry", "expiresAt", "2031-01-01").andExpect(flash().attribute("actionError",
                containsString("last enabled administrator")));
        AppUser after = data.reload(admin.userId());
        assertThat(after.isEnabled()).isTrue();
        assertThat(after.isAccountAdmin()).isTrue();
        assertThat(after.getExpiresAt()).isNull();
        assertThat(data.auditCount(admin.accountId(), "user.disable")).isZero();
        assertThat(data.auditCount(admin.accountId(), "user.expiry")).isZero();

        // with a second permanent admin, either may be demoted by the other
        act(admin, temp.getId(), "expiry", "expiresAt", "").andExpect(flash().attribute("message",
                containsString("saved")));
        act(tempAdmin, admin, "admin", "admin", "false").andExpect(flash().attribute("message",
                containsString("no longer an administrator")));
        assertThat(data.reload(admin.userId()).isAccountAdmin()).isFalse();
        assertThat(data.auditDetail(admin.accountId(), "user.admin")).isEqualTo("user user, admin false");
        act(tempAdmin, admin, "admin", "admin", "true");
        assertThat(data.reload(admin.userId()).isAccountAdmin()).isTrue();
    }

    @Test
    void anotherAccountsUserOrAnUnknownIdIsNotFoundOnEveryPath() throws Exception {
        PortalUser other = TestData.newUser(accounts, users, encoder, GOOD_PASSWORD);
        PortalUser stranger = data.plainUser(other, "stranger", GOOD_PASSWORD);
        for (String id : List.of(stranger.userId(), other.userId(), UUID.randomUUID().toString(), "x")) {
            var notFound = mvc.perform(get("/admin/users/" + id).with(TestData.signedIn(admin)))
                    .andExpect(status().isNotFound()).andReturn().getResponse();
            // MockMvc does not render the error page; the message it would show is the same for every id
            assertThat(notFound.getErrorMessage()).isEqualTo("no such user");
            assertThat(notFound.getContentAsString()).doesNotContain("stranger");
            for (String action : ACTIONS) {
                mvc.perform(post("/admin/users/" + id + "/" + action).with(TestData.signedIn(admin)).with(csrf())
                        .param("expiresAt", "2000-01-01").param("required", "true").param("admin", "false"))
                        .andExpect(status().isNotFound());
            }
        }
        AppUser untouched = data.reload(stranger.userId());
        assertThat(untouched.isEnabled()).isTrue();
        assertThat(untouched.getExpiresAt()).isNull();
        assertThat(untouched.isRequireTwoFactor()).isFalse();
        assertThat(encoder.matches(GOOD_PASSWORD, untouched.getPasswordHash())).isTrue();
        assertThat(data.reload(other.userId()).isAccountAdmin()).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where account_id in (?, ?) and action like"
                + " 'user.%'", Integer.class, admin.accountId(), other.accountId())).isZero();
    }

    @Test
    void resettingTwoFactorRemovesTheAppRecoveryCodesAndRememberedBrowsers() throws Exception {
        PortalUser worker = data.plainUser(admin, "worker", GOOD_PASSWORD);
        AppUser user = data.reload(worker.userId());
        user.setTotpSecret("encrypted-secret");
        user.setTotpEnabledAt(Instant.now());
        users.save(user);
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("insert into recovery_code (id, user_id, code_hash, created_at) values (?, ?, ?, ?)",
                UUID.randomUUID().toString(), worker.userId(), "a".repeat(64), now);
        jdbc.update("insert into trusted_browser (id, user_id, token_hash, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?)", UUID.randomUUID().toString(), worker.userId(), "b".repeat(64), now,
                Timestamp.from(Instant.now().plus(Duration.ofDays(30))));

        act(admin, worker, "reset-two-factor").andExpect(flash().attribute("message", containsString("reset")));

        AppUser after = data.reload(worker.userId());
        assertThat(after.getTotpSecret()).isNull();
        assertThat(after.getTotpEnabledAt()).isNull();
        assertThat(jdbc.queryForObject("select count(*) from recovery_code where user_id = ?", Integer.class,
                worker.userId())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from trusted_browser where user_id = ?", Integer.class,
                worker.userId())).isZero();
        assertThat(ended(worker)).isEqualTo(1);
        assertThat(data.auditCount(admin.accountId(), "user.two-factor.reset")).isEqualTo(1);
    }

    @Test
    void requireTwoFactorUnlockAndExpiryChangeTheUserAndAreAudited() throws Exception {
        PortalUser worker = data.plainUser(admin, "worker", GOOD_PASSWORD);
        AppUser user = data.reload(worker.userId());
        user.setFailedAttempts(10);
        user.setLockedUntil(Instant.now().plus(Duration.ofMinutes(15)));
        users.save(user);
        mvc.perform(get("/admin/users/" + worker.userId()).with(TestData.signedIn(admin)))
                .andExpect(content().string(allOf(containsString("id=\"unlock-user\""),
                        containsString("id=\"require-two-factor-toggle\""), containsString("id=\"save-expiry\""),
                        containsString("id=\"reset-two-factor\""), containsString("id=\"make-admin\""))));

        act(admin, worker, "unlock");
        act(admin, worker, "require-two-factor", "required", "true");
        AppUser after = data.reload(worker.userId());
        assertThat(after.getLockedUntil()).isNull();
        assertThat(after.getFailedAttempts()).isZero();
        assertThat(after.isRequireTwoFactor()).isTrue();
        assertThat(data.auditDetail(admin.accountId(), "user.two-factor.require"))
                .isEqualTo("user worker, required true");
        assertThat(data.auditCount(admin.accountId(), "user.unlock")).isEqualTo(1);
        act(admin, worker, "require-two-factor", "required", "false");
        assertThat(data.reload(worker.userId()).isRequireTwoFactor()).isFalse();

        // a future date: access ends then; sessions go on
        act(admin, worker, "expiry", "expiresAt", "2030-06-30");
        assertThat(data.reload(worker.userId()).getExpiresAt()).isEqualTo(Instant.parse("2030-06-30T00:00:00Z"));
        assertThat(data.auditDetail(admin.accountId(), "user.expiry")).isEqualTo("user worker, access ends 2030-06-30");
        assertThat(ended(worker)).isZero();
        mvc.perform(get("/admin/users/" + worker.userId()).with(TestData.signedIn(admin)))
                .andExpect(content().string(containsString("value=\"2030-06-30\"")));
        // a day already begun: access ends now
        act(admin, worker, "expiry", "expiresAt", LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(ended(worker)).isEqualTo(1);
        signIn("worker", GOOD_PASSWORD).andExpect(unauthenticated());
        // empty: no end
        act(admin, worker, "expiry", "expiresAt", "");
        assertThat(data.reload(worker.userId()).getExpiresAt()).isNull();
        signIn("worker", GOOD_PASSWORD).andExpect(authenticated());
    }

    private ResultActions act(PortalUser actor, PortalUser target, String action, String... params) throws Exception {
        return act(actor, target.userId(), action, params);
    }

    private ResultActions act(PortalUser actor, String targetId, String action, String... params) throws Exception {
        MockHttpServletRequestBuilder request = post("/admin/users/" + targetId + "/" + action)
                .with(TestData.signedIn(actor)).with(csrf());
        for (int i = 0; i < params.length; i += 2) {
            request.param(params[i], params[i + 1]);
        }
        return mvc.perform(request).andExpect(redirectedUrl("/admin/users/" + targetId));
    }

    private ResultActions signIn(String username, String password) throws Exception {
        return mvc.perform(post("/login").with(csrf()).with(fromOwnAddress()).param("account", admin.accountName())
                .param("username", username).param("password", password));
    }

    private long ended(PortalUser user) {
        return events.stream(UserAccessEnded.class).filter(e -> e.userId().equals(user.userId())).count();
    }

    /** A row of the user list with this user name and state. */
    private static Matcher<String> row(String username, String state) {
        return Matchers.matchesPattern("(?s).*data-username=\"" + username
                + "\"((?!</tr>).)*data-state=\"" + state + "\".*");
    }
}
