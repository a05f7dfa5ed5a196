package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.JsonNode;

/**
 * Passkeys as the second factor, through the portal's endpoints with a software authenticator: registration on My
 * account, the second step with a passkey (same outcome as a code), SECURITY 8 (an assertion made on another origin
 * is refused), another user's passkey refused, what a half-done or finished sign-in can reach, deleting with the
 * password, and an admin's reset removing passkeys.
 */
class PasskeySignInTest extends SignInTestSupport {

    private static final String PASSWORD = "Right-password-1";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PasskeyRelyingParty relyingParty;
    @Autowired
    TwoFactor twoFactor;

    @Test
    void registerOnMyAccountThenSignInWithThePasskeyInsteadOfACode() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        MockHttpSession session = signIn(user);
        SoftAuthenticator key = new SoftAuthenticator();

        String options = json(session, "/account/passkeys/options", "{\"label\":\"Desk key\"}").andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        JsonNode parsed = SoftAuthenticator.JSON.readTree(options);
        assertThat(parsed.get("rp").get("id").asString()).isEqualTo("localhost");
        assertThat(parsed.get("user").get("name").asString()).as("the app_user id, unique in the portal")
                .isEqualTo(user.getId());
        assertThat(parsed.get("user").get("displayName").asString()).isEqualTo(accountOf(user).getName() + "/"
                + user.getUsername());
        json(session, "/account/passkeys", key.registration(options, origin(), "Desk key"))
                .andExpect(status().isOk()).andExpect(result -> assertThat(result.getResponse().getContentAsString())
                        .contains("\"redirect\":\"/account?passkey-added\""));
        assertThat(jdbc.queryForList("select label from passkey where user_id = ?", String.class, user.getId()))
                .containsExactly("Desk key");
        assertThat(audits("passkey.register", "ok", user)).isEqualTo(1);
        String page = mvc.perform(get("/account").session(session)).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(page).contains("id=\"passkey-list\"", "Desk key", "never", "/assets/passkeys.js");

        // the passkey alone makes the user enrolled: the password now leads to the second step, passkey only
        MockHttpSession next = new MockHttpSession();
        enterPassword(next, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        String step = mvc.perform(get("/login/two-factor").session(next)).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(step).contains("id=\"use-passkey\"", "id=\"passkey-sign-in\"", "/assets/passkeys.js")
                .doesNotContain("id=\"code\"").doesNotContain("<script>");
        String request = json(next, "/login/passkey/options", "{}").andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        JsonNode allowed = SoftAuthenticator.JSON.readTree(request).get("allowCredentials");
        assertThat(allowed).hasSize(1);
        assertThat(allowed.get(0).get("id").asString()).isEqualTo(key.credentialId());
        String before = next.getId();
        json(next, "/login/passkey", key.assertion(request, origin(), null)).andExpect(status().isOk())
                .andExpect(result -> assertThat(result.getResponse().getContentAsString())
                        .contains("\"redirect\":\"/devices\""));
        assertThat(next.getId()).as("new session id after the second factor").isNotEqualTo(before);
        mvc.perform(get("/devices").session(next)).andExpect(status().isOk())
                .andExpect(authenticated().withAuthorities(List.of(new SimpleGrantedAuthority("ROLE_USER"))));
        assertThat(audits("signin.passkey", "ok", user)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin' and result = 'ok' "
                + "and account_id = ? and detail = 'password + passkey'", Integer.class, user.getAccountId()))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("select last_used_at from passkey where user_id = ?", Timestamp.class,
                user.getId())).isNotNull();
    }

    @Test
    void anAssertionMadeOnAnotherOriginIsRefused() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        SoftAuthenticator key = register(user, "Phished key");
        MockHttpSession pending = new MockHttpSession();
        enterPassword(pending, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));

        String request = json(pending, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
        json(pending, "/login/passkey", key.assertion(request, "https://gangway-login.example", null))
                .andExpect(status().isBadRequest()).andExpect(result -> assertThat(result.getResponse()
                        .getContentAsString()).contains(PasskeySignInController.NOT_ACCEPTED));
        assertThat(audits("signin.passkey", "refused", user)).isEqualTo(1);
        mvc.perform(get("/devices").session(pending)).andExpect(redirectedUrl("/login/two-factor"));

        // also a look-alike of the portal's own origin (other port, other scheme)
        for (String near : List.of("http://localhost:1", "https://localhost:" + port(), "http://127.0.0.1:" + port())) {
            request = json(pending, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
            json(pending, "/login/passkey", key.assertion(request, near, null)).andExpect(status().isBadRequest());
        }
        // the same authenticator on the portal's origin is accepted (the refusals above were the origin's)
        request = json(pending, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
        json(pending, "/login/passkey", key.assertion(request, origin(), null)).andExpect(status().isOk());
        mvc.perform(get("/devices").session(pending)).andExpect(status().isOk());
    }

    @Test
    void registrationOnAnotherOriginIsRefused() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        MockHttpSession session = signIn(user);
        String options = json(session, "/account/passkeys/options", "{\"label\":\"x\"}").andReturn().getResponse()
                .getContentAsString();
        json(session, "/account/passkeys", new SoftAuthenticator().registration(options, "https://evil.example", "x"))
                .andExpect(status().isBadRequest());
        assertThat(jdbc.queryForObject("select count(*) from passkey where user_id = ?", Integer.class,
                user.getId())).isZero();
        assertThat(audits("passkey.register", "refused", user)).isEqualTo(1);
    }

    @Test
    void anotherUsersPasskeyIsRefusedEvenWithAValidSignature() throws Exception {
        AppUser alice = newUser(PASSWORD, null);
        AppUser mallory = newUser(PASSWORD, null);
        register(alice, "Alice's key");
        SoftAuthenticator malloryKey = register(mallory, "Mallory's key");
        byte[] malloryHandle = Base64.getUrlDecoder().decode(jdbc.queryForObject(
                "select handle from passkey_user where user_id = ?", String.class, mallory.getId()));

        MockHttpSession pending = new MockHttpSession();
        enterPassword(pending, alice, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        String request = json(pending, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
        assertThat(request).doesNotContain(malloryKey.credentialId());
        json(pending, "/login/passkey", malloryKey.assertion(request, origin(), malloryHandle))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/devices").session(pending)).andExpect(redirectedUrl("/login/two-factor"));
        assertThat(jdbc.queryForObject("select detail from audit_event where action = 'signin.passkey' and "
                + "account_id = ?", String.class, alice.getAccountId())).isEqualTo("not a passkey of this user");
        assertThat(jdbc.queryForObject("select last_used_at from passkey where user_id = ?", Timestamp.class,
                mallory.getId())).as("Mallory's passkey untouched").isNull();
    }

    @Test
    void onlyTheSecondStepOfAHalfDoneSignInReachesThePasskeyEndpoints() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        SoftAuthenticator key = register(user, "Key");

        // nobody signed in
        MockHttpSession anonymous = new MockHttpSession();
        json(anonymous, "/login/passkey/options", "{}").andExpect(redirectedUrl("/login"));
        json(anonymous, "/login/passkey", "{}").andExpect(redirectedUrl("/login"));
        // signed in for real: not a second step
        MockHttpSession full = new MockHttpSession();
        enterPassword(full, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        String request = json(full, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
        json(full, "/login/passkey", key.assertion(request, origin(), null)).andExpect(status().isOk());
        json(full, "/login/passkey/options", "{}").andExpect(status().isForbidden());
        // a half-done sign-in reaches nothing else, and the account's passkey pages are not its step
        MockHttpSession pending = new MockHttpSession();
        enterPassword(pending, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        json(pending, "/account/passkeys/options", "{\"label\":\"x\"}").andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(post("/account/passkeys/delete").session(pending).with(csrf())
                .param("credentialId", key.credentialId()).param("currentPassword", PASSWORD))
                .andExpect(redirectedUrl("/login/two-factor"));
        // an assertion is good for its own challenge once: replaying it, or skipping the options, is refused
        request = json(pending, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
        String answer = key.assertion(request, origin(), null);
        json(pending, "/login/passkey", answer).andExpect(status().isOk());
        MockHttpSession replay = new MockHttpSession();
        enterPassword(replay, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        json(replay, "/login/passkey", answer).andExpect(status().isBadRequest());
        json(replay, "/login/passkey/options", "{}").andExpect(status().isOk());
        json(replay, "/login/passkey", answer).andExpect(status().isBadRequest());
        mvc.perform(get("/devices").session(replay)).andExpect(redirectedUrl("/login/two-factor"));
        // a passkey without the CSRF token gets nowhere either
        mvc.perform(post("/login/passkey/options").session(replay).contentType(MediaType.APPLICATION_JSON)
                .content("{}").with(from(address))).andExpect(status().isForbidden());
    }

    @Test
    void fiveRefusedPasskeysEndTheHalfDoneSignIn() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        SoftAuthenticator key = register(user, "Key");
        MockHttpSession pending = new MockHttpSession();
        enterPassword(pending, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String request = json(pending, "/login/passkey/options", "{}").andReturn().getResponse()
                    .getContentAsString();
            answers.add(json(pending, "/login/passkey", key.assertion(request, "https://evil.example", null))
                    .andReturn().getResponse().getContentAsString());
        }
        assertThat(answers.get(3)).contains("\"error\"");
        assertThat(answers.get(4)).contains("\"redirect\":\"/login?error\"");
        mvc.perform(get("/login/two-factor").session(pending)).andExpect(redirectedUrl("/login"));
        assertThat(reload(user).getFailedAttempts()).as("refused passkeys count towards the lockout").isEqualTo(5);
    }

    @Test
    void deletingAPasskeyNeedsThePasswordAndOnlyReachesOnesOwn() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        AppUser other = newUser(PASSWORD, null);
        SoftAuthenticator otherKey = register(other, "Other's key");
        SoftAuthenticator key = register(user, "Mine");
        MockHttpSession session = signInWithPasskey(user, key);
        MockHttpSession elsewhere = signInWithPasskey(user, key);

        mvc.perform(post("/account/passkeys/delete").session(session).with(csrf())
                .param("credentialId", key.credentialId()).param("currentPassword", "wrong"))
                .andExpect(status().isOk()).andExpect(result -> assertThat(result.getResponse().getContentAsString())
                        .contains("id=\"passkey-delete-error\"", "The current password is not correct."));
        mvc.perform(post("/account/passkeys/delete").session(session).with(csrf())
                .param("credentialId", otherKey.credentialId()).param("currentPassword", PASSWORD))
                .andExpect(status().isOk()).andExpect(result -> assertThat(result.getResponse().getContentAsString())
                        .contains("This passkey does not exist"));
        assertThat(jdbc.queryForObject("select count(*) from passkey where user_id in (?, ?)", Integer.class,
                user.getId(), other.getId())).isEqualTo(2);
        assertThat(audits("passkey.delete", "refused", user)).isEqualTo(2);

        mvc.perform(post("/account/passkeys/delete").session(session).with(csrf())
                .param("credentialId", key.credentialId()).param("currentPassword", PASSWORD))
                .andExpect(redirectedUrl("/account?passkey-deleted"));
        assertThat(jdbc.queryForObject("select count(*) from passkey where user_id = ?", Integer.class,
                user.getId())).isZero();
        assertThat(audits("passkey.delete", "ok", user)).isEqualTo(1);
        mvc.perform(get("/account").session(session)).andExpect(status().isOk());
        mvc.perform(get("/devices").session(elsewhere)).andExpect(redirectedUrl("/login?ended"));
        // without a second factor left, the password alone signs in again
        enterPassword(new MockHttpSession(), user, PASSWORD).andExpect(redirectedUrl("/devices"));
    }

    @Test
    void anAdminsResetRemovesThePasskeysAndEndsTheSessions() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        SoftAuthenticator key = register(user, "Lost key");
        MockHttpSession session = signInWithPasskey(user, key);
        twoFactor.reset(reload(user));
        assertThat(jdbc.queryForObject("select count(*) from passkey where user_id = ?", Integer.class,
                user.getId())).isZero();
        assertThat(jdbc.queryForObject("select count(*) from passkey_user where user_id = ?", Integer.class,
                user.getId())).isZero();
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login?ended"));
    }

    @Test
    void aPasskeySatisfiesRequiredTwoFactor() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        SoftAuthenticator key = register(user, "Key");
        AppUser required = reload(user);
        required.setRequireTwoFactor(true);
        users.save(required);
        MockHttpSession pending = new MockHttpSession();
        enterPassword(pending, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        String request = json(pending, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
        json(pending, "/login/passkey", key.assertion(request, origin(), null)).andExpect(status().isOk());
        mvc.perform(get("/devices").session(pending)).andExpect(status().isOk());
    }

    @Test
    void badNamesAreRefusedBeforeTheBrowserIsAsked() throws Exception {
        AppUser user = newUser(PASSWORD, null);
        MockHttpSession session = signIn(user);
        for (String body : List.of("{\"label\":\"\"}", "{\"label\":\"" + "x".repeat(65) + "\"}", "{}", "not json",
                "{\"label\":\"a\\u0007b\"}")) {
            json(session, "/account/passkeys/options", body).andExpect(status().isBadRequest())
                    .andExpect(result -> assertThat(result.getResponse().getContentAsString()).contains("\"error\""));
        }
        // a name with markup is stored as typed and shown escaped
        String options = json(session, "/account/passkeys/options", "{\"label\":\"<script>x</script>\"}")
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        json(session, "/account/passkeys", new SoftAuthenticator().registration(options, origin(),
                "<script>x</script>")).andExpect(status().isOk());
        assertThat(mvc.perform(get("/account").session(session)).andReturn().getResponse().getContentAsString())
                .contains("&lt;script&gt;x&lt;/script&gt;").doesNotContain("<script>x</script>");
        // a registration without its options (or with options used up) is refused
        json(session, "/account/passkeys", new SoftAuthenticator().registration(options, origin(), "again"))
                .andExpect(status().isBadRequest());
    }

    private SoftAuthenticator register(AppUser user, String label) throws Exception {
        MockHttpSession session = signIn(user);
        SoftAuthenticator key = new SoftAuthenticator();
        String options = json(session, "/account/passkeys/options", "{\"label\":\"" + label + "\"}")
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        json(session, "/account/passkeys", key.registration(options, origin(), label)).andExpect(status().isOk());
        return key;
    }

    /** Password only (the user has no second factor yet, or it is a plain test user). */
    private MockHttpSession signIn(AppUser user) throws Exception {
        MockHttpSession session = new MockHttpSession();
        MvcResult result = enterPassword(session, user, PASSWORD).andReturn();
        if ("/login/two-factor".equals(result.getResponse().getRedirectedUrl())) {
            throw new IllegalStateException("use signInWithPasskey for a user with a passkey");
        }
        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/devices");
        return session;
    }

    private MockHttpSession signInWithPasskey(AppUser user, SoftAuthenticator key) throws Exception {
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, PASSWORD).andExpect(redirectedUrl("/login/two-factor"));
        String request = json(session, "/login/passkey/options", "{}").andReturn().getResponse().getContentAsString();
        json(session, "/login/passkey", key.assertion(request, origin(), null)).andExpect(status().isOk());
        return session;
    }

    private ResultActions json(MockHttpSession session, String path, String body) throws Exception {
        return mvc.perform(post(path).session(session).with(csrf()).with(from(address))
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    /** The portal's own origin, as the relying party allows it (no public URL in tests: localhost and the port). */
    private String origin() {
        assertThat(relyingParty.allowedOrigins()).hasSize(1);
        return relyingParty.allowedOrigins().iterator().next();
    }

    private String port() {
        return origin().substring(origin().lastIndexOf(':') + 1);
    }

    private int audits(String action, String result, AppUser user) {
        return jdbc.queryForObject("select count(*) from audit_event where action = ? and result = ? and "
                + "account_id = ?", Integer.class, action, result, user.getAccountId());
    }
}
