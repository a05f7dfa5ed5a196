package dev.gangway.portal.users;

import static dev.gangway.portal.users.UsersTestData.GOOD_PASSWORD;
import static dev.gangway.portal.users.UsersTestData.fromOwnAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.Passwords;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.UserAccessEnded;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

/**
 * Invitations and password resets end to end through the pages, with a real SMTP server (GreenMail): the link that
 * arrives by mail sets a password under the account's policy, works once and not after its end, and never signs in.
 */
@SpringBootTest
@AutoConfigureMockMvc
@RecordApplicationEvents
class InvitationAndResetTest extends PortalTestSupport {

    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mailServer(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> mail.getSmtp().getPort());
    }

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
    void anInvitedUserSetsAPasswordWithTheMailedLinkOnceAndThenSignsIn() throws Exception {
        String email = "tech-" + UUID.randomUUID() + "@example.test";
        MvcResult created = mvc.perform(post("/admin/users").with(TestData.signedIn(admin)).with(csrf())
                        .param("username", "tech").param("email", email))
                .andExpect(status().isFound())
                .andExpect(redirectedUrlPattern("/admin/users/*"))
                .andReturn();
        String userId = created.getResponse().getRedirectedUrl().substring("/admin/users/".length());
        String link = (String) created.getFlashMap().get("inviteLink");
        assertThat(link).startsWith("http://localhost/password/set?token=");

        // shown once to the admin, and mailed
        mvc.perform(get("/admin/users/" + userId).with(TestData.signedIn(admin)).flashAttrs(created.getFlashMap()))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"invite-link\">" + link + "<")))
                .andExpect(content().string(containsString("Also mailed to " + email)));
        mvc.perform(get("/admin/users/" + userId).with(TestData.signedIn(admin)))
                .andExpect(content().string(not(containsString("invite-link"))));
        assertThat(mailTo(email).getContent().toString()).contains(link);

        // only the hash is stored, purpose invite, valid 72 hours
        String token = UsersTestData.token(link);
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        var row = jdbc.queryForMap("select token_hash, purpose, created_at, expires_at from password_token"
                + " where user_id = ?", userId);
        assertThat(row.get("token_hash")).isEqualTo(PasswordLinks.hash(token)).isNotEqualTo(token);
        assertThat(row.get("purpose")).isEqualTo("invite");
        assertThat(Duration.between(instant(row.get("created_at")), instant(row.get("expires_at"))))
                .isEqualTo(Duration.ofHours(72));
        AppUser invited = data.reload(userId);
        assertThat(invited.getPasswordHash()).isEqualTo(Passwords.NO_PASSWORD);
        assertThat(invited.getEmail()).isEqualTo(email);
        assertThat(data.auditCount(admin.accountId(), "user.create")).isEqualTo(1);
        assertThat(data.auditCount(admin.accountId(), "user.invite")).isEqualTo(1);
        assertThat(data.auditDetail(admin.accountId(), "user.invite")).doesNotContain(token);

        // the link, anonymously: the form names the user
        mvc.perform(get("/password/set").param("token", token))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"password-username\">tech<")))
                .andExpect(content().string(containsString("id=\"new-password\"")))
                .andExpect(content().string(containsString("id=\"set-password\"")));
        mvc.perform(post("/password/set").with(csrf()).param("token", token)
                        .param("newPassword", "Pier-Seven-Lantern").param("repeatPassword", "Pier-Seven-Lantern"))
                .andExpect(redirectedUrl("/login?password-set"))
                .andExpect(unauthenticated());
        assertThat(data.auditCount(admin.accountId(), "password.set")).isEqualTo(1);
        assertThat(jdbc.queryForObject("select used_at from password_token where token_hash = ?", Object.class,
                PasswordLinks.hash(token))).as("the link is marked used").isNotNull();

        signIn("tech", "Pier-Seven-Lantern").andExpect(redirectedUrl("/devices")).andExpect(authenticated());

        // once only
        mvc.perform(get("/password/set").param("token", token))
                .andExpect(status().isGone())
                .andExpect(content().string(containsString("not valid any more")))
                .andExpect(content().string(not(containsString("new-password"))));
        mvc.perform(post("/password/set").with(csrf()).param("token", token)
                        .param("newPassword", "Another-Pass-1234").param("repeatPassword", "Another-Pass-1234"))
                .andExpect(status().isGone());
        assertThat(encoder.matches("Pier-Seven-Lantern", data.reload(userId).getPasswordHash())).isTrue();
    }

    @Test
    void anExpiredOrUnknownLinkGetsTheSamePageAndSetsNothing() throws Exception {
        String link = invite("late");
        String token = UsersTestData.token(link);
        jdbc.update("update password_token set expires_at = ? where token_hash = ?",
                Timestamp.from(Instant.now().minusSeconds(60)), PasswordLinks.hash(token));

        String expired = mvc.perform(get("/password/set").param("token", token))
                .andExpect(status().isGone()).andReturn().getResponse().getContentAsString();
        mvc.perform(post("/password/set").with(csrf()).param("token", token)
                        .param("newPassword", GOOD_PASSWORD).param("repeatPassword", GOOD_PASSWORD))
                .andExpect(status().isGone());
        assertThat(data.reload(userIdOf("late")).getPasswordHash()).isEqualTo(Passwords.NO_PASSWORD);

        String unknown = mvc.perform(get("/password/set").param("token", "A".repeat(43)))
                .andExpect(status().isGone()).andReturn().getResponse().getContentAsString();
        String garbage = mvc.perform(get("/password/set").param("token", "<script>alert(1)</script>"))
                .andExpect(status().isGone()).andReturn().getResponse().getContentAsString();
        String none = mvc.perform(get("/password/set")).andExpect(status().isGone())
                .andReturn().getResponse().getContentAsString();
        assertThat(expired).contains("ask an administrator").isEqualTo(unknown).isEqualTo(garbage).isEqualTo(none);
    }

    @Test
    void aPasswordThePolicyRefusesShowsWhyAndLeavesTheLinkWorking() throws Exception {
        String token = UsersTestData.token(invite("picky"));
        String userId = userIdOf("picky");

        setPassword(token, "Short-1", "Short-1").andExpect(status().isOk())
                .andExpect(content().string(containsString("too short: at least 12 characters")));
        setPassword(token, "alllowercaseletters", "alllowercaseletters").andExpect(status().isOk())
                .andExpect(content().string(containsString("must mix at least 3 of")));
        setPassword(token, GOOD_PASSWORD, GOOD_PASSWORD + "x").andExpect(status().isOk())
                .andExpect(content().string(containsString("The two passwords differ")));
        setPassword(token, "", "").andExpect(status().isOk())
                .andExpect(content().string(containsString("Enter a password.")));
        setPassword(token, "Aa1-" + "x".repeat(200), "Aa1-" + "x".repeat(200)).andExpect(status().isOk())
                .andExpect(content().string(containsString("too long")));

        assertThat(data.reload(userId).getPasswordHash()).isEqualTo(Passwords.NO_PASSWORD);
        assertThat(data.auditCount(admin.accountId(), "password.set")).isZero();
        mvc.perform(get("/password/set").param("token", token)).andExpect(status().isOk());
        setPassword(token, GOOD_PASSWORD, GOOD_PASSWORD).andExpect(redirectedUrl("/login?password-set"));
    }

    @Test
    void aResetEndsTheOldPasswordAndLiveSessionsAndItsLinkSetsANewOne() throws Exception {
        PortalUser worker = data.plainUser(admin, "worker", "Old-Password-123");
        MockHttpSession session = (MockHttpSession) signIn("worker", "Old-Password-123").andExpect(authenticated())
                .andReturn().getRequest().getSession();
        mvc.perform(get("/devices").session(session)).andExpect(status().isOk());

        MvcResult first = reset(worker);
        MvcResult second = reset(worker);
        String firstLink = (String) first.getFlashMap().get("resetLink");
        String link = (String) second.getFlashMap().get("resetLink");
        assertThat(link).isNotEqualTo(firstLink);
        mvc.perform(get("/admin/users/" + worker.userId()).with(TestData.signedIn(admin))
                        .flashAttrs(second.getFlashMap()))
                .andExpect(content().string(containsString("id=\"reset-link\">" + link + "<")));
        assertThat(mailTo("worker@example.test").getContent().toString()).contains(link);

        // decided: the old password stops at once; live HMI sessions are told to end
        signIn("worker", "Old-Password-123").andExpect(unauthenticated());
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrlPattern("/login*"));
        assertThat(events.stream(UserAccessEnded.class).filter(e -> e.userId().equals(worker.userId())).count())
                .isEqualTo(2);
        assertThat(data.auditCount(admin.accountId(), "user.password-reset")).isEqualTo(2);
        var purpose = jdbc.queryForObject("select purpose from password_token where token_hash = ?", String.class,
                PasswordLinks.hash(UsersTestData.token(link)));
        assertThat(purpose).isEqualTo("reset");

        // the older link ended with the newer one
        mvc.perform(get("/password/set").param("token", UsersTestData.token(firstLink))).andExpect(status().isGone());
        // the old password is in the history: refused again
        setPassword(UsersTestData.token(link), "Old-Password-123", "Old-Password-123").andExpect(status().isOk())
                .andExpect(content().string(containsString("used before")));
        setPassword(UsersTestData.token(link), "New-Password-456", "New-Password-456")
                .andExpect(redirectedUrl("/login?password-set"));
        signIn("worker", "New-Password-456").andExpect(redirectedUrl("/devices")).andExpect(authenticated());
    }

    @Test
    void settingThePasswordLiftsALockoutButNeverSkipsTheSecondFactorSetUp() throws Exception {
        PortalUser locked = data.plainUser(admin, "locked", "Old-Password-123");
        AppUser user = data.reload(locked.userId());
        user.setFailedAttempts(9);
        user.setLockedUntil(Instant.now().plus(Duration.ofHours(1)));
        users.save(user);
        String link = (String) reset(locked).getFlashMap().get("resetLink");

        setPassword(UsersTestData.token(link), "New-Password-456", "New-Password-456")
                .andExpect(redirectedUrl("/login?password-set")).andExpect(unauthenticated());
        AppUser after = data.reload(locked.userId());
        assertThat(after.getFailedAttempts()).isZero();
        assertThat(after.getLockedUntil()).isNull();
        assertThat(after.getTotpSecret()).isNull();
        signIn("locked", "New-Password-456").andExpect(authenticated());
    }

    private String invite(String username) throws Exception {
        MvcResult created = mvc.perform(post("/admin/users").with(TestData.signedIn(admin)).with(csrf())
                        .param("username", username).param("email", username + "@example.test"))
                .andExpect(status().isFound()).andReturn();
        return (String) created.getFlashMap().get("inviteLink");
    }

    private MvcResult reset(PortalUser user) throws Exception {
        return mvc.perform(post("/admin/users/" + user.userId() + "/reset-password").with(TestData.signedIn(admin))
                        .with(csrf()))
                .andExpect(redirectedUrl("/admin/users/" + user.userId())).andReturn();
    }

    private String userIdOf(String username) {
        return users.findByAccountIdAndUsername(admin.accountId(), username).orElseThrow().getId();
    }

    private ResultActions setPassword(String token, String password, String repeat) throws Exception {
        return mvc.perform(post("/password/set").with(csrf()).param("token", token).param("newPassword", password)
                .param("repeatPassword", repeat));
    }

    private ResultActions signIn(String username, String password) throws Exception {
        return mvc.perform(post("/login").with(csrf()).with(fromOwnAddress()).param("account", admin.accountName())
                .param("username", username).param("password", password));
    }

    /** The newest mail to this address (mails are sent before the request returns). */
    private static MimeMessage mailTo(String address) throws Exception {
        List<MimeMessage> found = List.of();
        for (int i = 0; i < 50 && found.isEmpty(); i++) {
            found = Arrays.stream(mail.getReceivedMessages()).filter(m -> {
                try {
                    return Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                            .anyMatch(a -> a.toString().equals(address));
                } catch (Exception e) {
                    return false;
                }
            }).toList();
            if (found.isEmpty()) {
                Thread.sleep(100);
            }
        }
        assertThat(found).as("mail to " + address).isNotEmpty();
        return found.get(found.size() - 1);
    }

    private static Instant instant(Object timestamp) {
        if (timestamp instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        return ((Timestamp) timestamp).toInstant();
    }
}
