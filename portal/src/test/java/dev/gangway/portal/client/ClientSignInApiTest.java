package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.Passwords;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.account.UserAccessEnded;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/client/v1/sessions} and the bearer token: the web sign-in's rules (throttles, lockout, second
 * factor, refusals in words, audit) in one request, and a token that stops working when the session ends for any
 * reason.
 */
class ClientSignInApiTest extends ClientApiTestSupport {

    @Autowired
    ApplicationEventPublisher events;

    @Test
    void aPasswordSignInGivesATokenThatWorksUntilSignOut() throws Exception {
        PortalUser admin = newAdmin("Right-password-1");
        String address = newAddress();
        MvcResult result = signIn(admin.accountName(), admin.username(), "Right-password-1", null, address);

        assertThat(result.getResponse().getStatus()).isEqualTo(201);
        JsonNode answer = jsonOf(result);
        assertThat(answer.properties()).extracting(Map.Entry::getKey)
                .containsExactly("token", "expiresAt", "account", "user");
        String token = answer.get("token").asString();
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(answer.get("account").asString()).isEqualTo(admin.accountName());
        assertThat(answer.get("user").asString()).isEqualTo(admin.username());
        Instant expires = Instant.parse(answer.get("expiresAt").asString());
        assertThat(expires).isBetween(Instant.now().plusSeconds(12 * 3600 - 120), Instant.now().plusSeconds(12 * 3600));
        assertThat(count("select count(*) from client_session where token_hash = ?", ClientSessions.sha256(token)))
                .as("only the token's hash is stored").isOne();
        assertThat(count("select count(*) from client_session where token_hash = ?", token)).isZero();
        assertThat(jdbc.queryForObject("select detail from audit_event where account_id = ? and action = 'signin'"
                + " and result = 'ok'", String.class, admin.accountId())).isEqualTo("client: password");

        assertThat(perform(call(HttpMethod.GET, "/devices", token, null, address)).getResponse().getStatus())
                .isEqualTo(200);
        MvcResult out = perform(call(HttpMethod.DELETE, "/sessions/current", token, null, address));
        assertThat(out.getResponse().getStatus()).isEqualTo(204);
        assertError(perform(call(HttpMethod.GET, "/devices", token, null, address)), 401, "session-ended",
                "signed out", "sign in again");
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'client.session.end'",
                admin.accountId())).isOne();
    }

    @Test
    void wrongPasswordsUnknownUsersAndUnknownAccountsGetOneAnswer() throws Exception {
        PortalUser admin = newAdmin("Right-password-2");
        String address = newAddress();
        for (String[] attempt : new String[][] {
                {admin.accountName(), admin.username(), "wrong"},
                {admin.accountName(), "nobody", "Right-password-2"},
                {"no-such-account-" + UUID.randomUUID(), admin.username(), "Right-password-2"},
                {admin.accountName(), admin.username(), "x".repeat(500)}}) {
            assertError(signIn(attempt[0], attempt[1], attempt[2], null, address), 401, "bad-credentials",
                    "account, user name or password is not correct");
        }
        assertThat(user(admin).getFailedAttempts()).as("the wrong passwords of a known user count").isEqualTo(2);
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'signin'"
                + " and result = 'refused'", admin.accountId())).isEqualTo(3);
    }

    @Test
    void malformedSignInsAreBadRequestsThatNameTheField() throws Exception {
        String address = newAddress();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("", "must be a JSON object");
        cases.put("not json", "not JSON");
        cases.put("[1,2]", "must be a JSON object");
        cases.put("{\"user\":\"u\",\"password\":\"p\"}", "\"account\" is missing");
        cases.put("{\"account\":\"a\",\"user\":\"u\"}", "\"password\" is missing");
        cases.put("{\"account\":\"a\",\"user\":7,\"password\":\"p\"}", "\"user\" must be a JSON string");
        cases.put("{\"account\":\"a\",\"user\":\"u\",\"password\":\"p\",\"code\":123456}", "\"code\" must be");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertError(perform(call(HttpMethod.POST, "/sessions", null, c.getKey(), address)), 400, "bad-request",
                    c.getValue());
        }
        String huge = "{\"account\":\"" + "a".repeat(70_000) + "\"}";
        assertError(perform(call(HttpMethod.POST, "/sessions", null, huge, address)), 413, "bad-request",
                "larger than");
    }

    @Test
    void aUserWithAnAuthenticatorAppNeedsAFreshCodeAndWrongCodesCountTowardsTheLockout() throws Exception {
        PortalUser admin = newAdmin("Right-password-3");
        Enrolled enrolled = enrolTotp(admin);
        String address = newAddress();

        assertError(signIn(admin.accountName(), admin.username(), "Right-password-3", null, address), 401,
                "two-factor-required", "6-digit code");
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-3", "", address), 401,
                "two-factor-required");
        assertThat(user(admin).getFailedAttempts()).as("no code is no guess").isZero();

        String wrong = enrolled.app().code(0).equals("000000") ? "111111" : "000000";
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-3", wrong, address), 401,
                "two-factor-wrong", "not correct");
        assertThat(user(admin).getFailedAttempts()).isOne();
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-3", "12ab56", address), 401,
                "two-factor-wrong", "6-digit code");
        assertThat(user(admin).getFailedAttempts()).as("malformed input is no guess").isOne();
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-3", enrolled.app().code(0),
                address), 401, "two-factor-wrong", "used already");
        assertThat(user(admin).getFailedAttempts()).isEqualTo(2);
        assertError(signIn(admin.accountName(), admin.username(), "wrong", enrolled.app().code(1), address), 401,
                "bad-credentials");

        MvcResult ok = signIn(admin.accountName(), admin.username(), "Right-password-3", enrolled.app().code(1),
                address);
        assertThat(ok.getResponse().getStatus()).as(ok.getResponse().getContentAsString()).isEqualTo(201);
        assertThat(user(admin).getFailedAttempts()).as("a completed sign-in starts the count again").isZero();
        assertThat(jdbc.queryForList("select detail from audit_event where account_id = ? and action = 'signin'"
                + " and result = 'ok'", String.class, admin.accountId())).containsExactly("client: password + TOTP");
    }

    @Test
    void aRecoveryCodeWorksOnceInPlaceOfTheAppsCode() throws Exception {
        PortalUser admin = newAdmin("Right-password-4");
        Enrolled enrolled = enrolTotp(admin);
        String address = newAddress();
        String recovery = enrolled.recoveryCodes().get(2);

        MvcResult ok = signIn(admin.accountName(), admin.username(), "Right-password-4", recovery, address);
        assertThat(ok.getResponse().getStatus()).as(ok.getResponse().getContentAsString()).isEqualTo(201);
        assertThat(jdbc.queryForList("select detail from audit_event where account_id = ? and action = 'signin'"
                + " and result = 'ok'", String.class, admin.accountId()))
                .containsExactly("client: password + recovery code");
        assertThat(twoFactor.recoveryCodesLeft(user(admin))).isEqualTo(9);

        assertError(signIn(admin.accountName(), admin.username(), "Right-password-4", recovery, address), 401,
                "two-factor-wrong", "not correct");
        assertThat(user(admin).getFailedAttempts()).isOne();
    }

    @Test
    void refusalsSayWhatToDo() throws Exception {
        String address = newAddress();

        PortalUser passkeyOnly = newAdmin("Right-password-5");
        jdbc.update("insert into passkey (id, user_id, credential_id, label, credential_type, public_key,"
                + " signature_count, uv_initialized, backup_eligible, backup_state, transports, attestation_object,"
                + " client_data_json, created_at) values (?, ?, ?, 'Key', 'public-key', 'pk', 0, true, false, false,"
                + " 'internal', 'att', 'cdj', ?)", UUID.randomUUID().toString(), passkeyOnly.userId(),
                "cred-" + UUID.randomUUID(), Timestamp.from(Instant.now()));
        assertError(signIn(passkeyOnly.accountName(), passkeyOnly.username(), "Right-password-5", null, address),
                403, "signin-refused", "passkey", "add an authenticator app on My account");

        PortalUser mustEnrol = newAdmin("Right-password-6");
        Account account = accounts.findById(mustEnrol.accountId()).orElseThrow();
        account.setRequireTwoFactor(true);
        accounts.save(account);
        assertError(signIn(mustEnrol.accountName(), mustEnrol.username(), "Right-password-6", null, address), 403,
                "signin-refused", "sign in to the portal once", "authenticator app");

        PortalUser userMustEnrol = newAdmin("Right-password-7");
        AppUser required = user(userMustEnrol);
        required.setRequireTwoFactor(true);
        users.save(required);
        assertError(signIn(userMustEnrol.accountName(), userMustEnrol.username(), "Right-password-7", null,
                address), 403, "signin-refused", "sign in to the portal once");

        PortalUser passwordDue = newAdmin("Right-password-8");
        AppUser due = user(passwordDue);
        due.setMustChangePassword(true);
        users.save(due);
        assertError(signIn(passwordDue.accountName(), passwordDue.username(), "Right-password-8", null, address),
                403, "signin-refused", "password of this user must be changed", "browser");

        PortalUser disabled = newAdmin("Right-password-9");
        AppUser off = user(disabled);
        off.setEnabled(false);
        users.save(off);
        assertError(signIn(disabled.accountName(), disabled.username(), "wrong-or-right", null, address), 403,
                "signin-refused", "disabled");

        PortalUser expired = newAdmin("Right-password-10");
        AppUser ended = user(expired);
        ended.setExpiresAt(Instant.now().minusSeconds(60));
        users.save(ended);
        assertError(signIn(expired.accountName(), expired.username(), "Right-password-10", null, address), 403,
                "signin-refused", "access ended");

        PortalUser invited = newAdmin("Right-password-11");
        AppUser noPassword = user(invited);
        noPassword.setPasswordHash(Passwords.NO_PASSWORD);
        users.save(noPassword);
        assertError(signIn(invited.accountName(), invited.username(), "anything", null, address), 403,
                "signin-refused", "invitation");

        assertThat(count("select count(*) from client_session where user_id in (?, ?, ?, ?, ?, ?, ?)",
                passkeyOnly.userId(), mustEnrol.userId(), userMustEnrol.userId(), passwordDue.userId(),
                disabled.userId(), expired.userId(), invited.userId())).as("no session for a refused sign-in")
                .isZero();
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'signin'"
                + " and result = 'refused' and detail = 'client: passkey only'", passkeyOnly.accountId())).isOne();
    }

    @Test
    void failedClientSignInsLockTheUserLikeTheFormsDo() throws Exception {
        PortalUser admin = newAdmin("Right-password-12");
        Account account = accounts.findById(admin.accountId()).orElseThrow();
        account.setLockoutThreshold(3);
        accounts.save(account);
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            assertError(signIn(admin.accountName(), admin.username(), "wrong-" + i, null, address), 401,
                    "bad-credentials");
        }
        assertThat(user(admin).getLockedUntil()).isAfter(Instant.now());
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-12", null, address), 403,
                "signin-refused", "locked after too many failed sign-ins");
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'signin.lockout'",
                admin.accountId())).isOne();
    }

    @Test
    void aPasswordChangeDueIsRefusedBeforeTheCodeSoNoRecoveryCodeIsUsedUp() throws Exception {
        PortalUser admin = newAdmin("Right-password-20");
        Enrolled enrolled = enrolTotp(admin);
        AppUser due = user(admin);
        due.setMustChangePassword(true);
        users.save(due);
        String address = newAddress();

        assertError(signIn(admin.accountName(), admin.username(), "Right-password-20",
                enrolled.recoveryCodes().get(0), address), 403, "signin-refused", "password of this user must be "
                + "changed", "browser");
        assertThat(twoFactor.recoveryCodesLeft(user(admin))).as("the recovery code is not used up").isEqualTo(10);
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-20", null, address), 403,
                "signin-refused", "must be changed");
        assertThat(user(admin).getFailedAttempts()).isZero();
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'recovery.use'",
                admin.accountId())).isZero();
        assertThat(count("select count(*) from client_session where user_id = ?", admin.userId())).isZero();
    }

    @Test
    void aLockedUserIsRefusedWhateverCodeComesAndTheCodeIsNotUsedUp() throws Exception {
        PortalUser admin = newAdmin("Right-password-21");
        Enrolled enrolled = enrolTotp(admin);
        jdbc.update("update app_user set locked_until = ? where id = ?",
                Timestamp.from(Instant.now().plusSeconds(600)), admin.userId());
        String address = newAddress();

        assertError(signIn(admin.accountName(), admin.username(), "Right-password-21",
                enrolled.recoveryCodes().get(0), address), 403, "signin-refused", "locked after too many failed");
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-21", enrolled.app().code(1),
                address), 403, "signin-refused", "locked after too many failed");
        assertThat(twoFactor.recoveryCodesLeft(user(admin))).isEqualTo(10);
        assertThat(user(admin).getTotpLastStep()).as("the next TOTP step is not used up")
                .isLessThanOrEqualTo(Instant.now().getEpochSecond() / 30);

        jdbc.update("update app_user set locked_until = null where id = ?", admin.userId());
        MvcResult ok = signIn(admin.accountName(), admin.username(), "Right-password-21",
                enrolled.recoveryCodes().get(0), address);
        assertThat(ok.getResponse().getStatus()).as("the same recovery code works after the lock")
                .isEqualTo(201);
    }

    @Test
    void aUserHasAtMostTenClientSessionsTheOldestEndsFirst() throws Exception {
        PortalUser admin = newAdmin("Right-password-22");
        String address = newAddress();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < ClientSessions.MAX_LIVE_PER_USER; i++) {
            tokens.add(token(admin, "Right-password-22", address));
        }
        for (String token : tokens) {
            assertThat(perform(call(HttpMethod.GET, "/devices", token, null, address)).getResponse().getStatus())
                    .isEqualTo(200);
        }
        String eleventh = token(admin, "Right-password-22", address);

        assertError(perform(call(HttpMethod.GET, "/devices", tokens.get(0), null, address)), 401, "session-ended",
                "replaced by a newer sign-in (at most 10 client sessions per user)");
        for (String token : tokens.subList(1, tokens.size())) {
            assertThat(perform(call(HttpMethod.GET, "/devices", token, null, address)).getResponse().getStatus())
                    .isEqualTo(200);
        }
        assertThat(perform(call(HttpMethod.GET, "/devices", eleventh, null, address)).getResponse().getStatus())
                .isEqualTo(200);
        assertThat(count("select count(*) from client_session where user_id = ? and ended_at is null",
                admin.userId())).isEqualTo(10);
        List<String> starts = jdbc.queryForList("select detail from audit_event where account_id = ? and action ="
                + " 'client.session.start'", String.class, admin.accountId());
        assertThat(starts).hasSize(11);
        String firstId = jdbc.queryForObject("select id from client_session where user_id = ? and ended_at is not"
                + " null", String.class, admin.userId());
        assertThat(starts).anySatisfy(detail -> assertThat(detail).startsWith("client session " + firstId
                + " of user " + admin.userId() + " (client: password), until "));
        assertThat(jdbc.queryForList("select detail from audit_event where account_id = ? and action ="
                + " 'client.session.end'", String.class, admin.accountId())).singleElement().asString()
                .contains(firstId).endsWith("replaced by a newer sign-in (at most 10 client sessions per user)");
    }

    @Test
    void aThrottledAddressGets429() throws Exception {
        PortalUser admin = newAdmin("Right-password-13");
        String address = newAddress();
        for (int i = 0; i < 20; i++) {
            assertError(signIn(admin.accountName(), "nobody-" + i, "wrong", null, address), 401, "bad-credentials");
        }
        assertError(signIn(admin.accountName(), admin.username(), "Right-password-13", null, address), 429,
                "throttled", "Too many failed sign-ins from your address");
        assertThat(token(admin, "Right-password-13", newAddress())).as("another address is not throttled")
                .isNotEmpty();
    }

    @Test
    void aTokenStopsWorkingWhenTheSessionOrTheUsersAccessEnds() throws Exception {
        String address = newAddress();
        String path = "/devices";
        assertError(perform(call(HttpMethod.GET, path, null, null, address)), 401, "session-ended", "Sign in first");
        assertError(perform(call(HttpMethod.GET, path, "not-a-token", null, address)), 401, "session-ended",
                "not a token");
        assertError(perform(call(HttpMethod.GET, path, ClientSessions.newToken(), null, address)), 401,
                "session-ended", "unknown");
        assertError(perform(mvcBasic(path, address)), 401, "session-ended", "Bearer");

        PortalUser disabled = newAdmin("Right-password-14");
        String token = token(disabled, "Right-password-14", address);
        AppUser off = user(disabled);
        off.setEnabled(false);
        users.save(off);
        assertError(perform(call(HttpMethod.GET, path, token, null, address)), 401, "session-ended",
                "the user was disabled");
        off.setEnabled(true);
        users.save(off);
        assertError(perform(call(HttpMethod.GET, path, token, null, address)), 401, "session-ended",
                "the user was disabled");

        PortalUser changed = newAdmin("Right-password-15");
        token = token(changed, "Right-password-15", address);
        AppUser newPassword = user(changed);
        newPassword.setPasswordHash(encoder.encode("Another-password-15"));
        users.save(newPassword);
        assertError(perform(call(HttpMethod.GET, path, token, null, address)), 401, "session-ended",
                "password or second factor changed");

        PortalUser timedOut = newAdmin("Right-password-16");
        token = token(timedOut, "Right-password-16", address);
        jdbc.update("update client_session set expires_at = ? where user_id = ?",
                Timestamp.from(Instant.now().minusSeconds(1)), timedOut.userId());
        assertError(perform(call(HttpMethod.GET, path, token, null, address)), 401, "session-ended",
                "its time was up");

        PortalUser idle = newAdmin("Right-password-17");
        token = token(idle, "Right-password-17", address);
        jdbc.update("update client_session set last_used_at = ? where user_id = ?",
                Timestamp.from(Instant.now().minusSeconds(31 * 60)), idle.userId());
        assertError(perform(call(HttpMethod.GET, path, token, null, address)), 401, "session-ended",
                "idle for more than 30 minutes");

        PortalUser reset = newAdmin("Right-password-18");
        token = token(reset, "Right-password-18", address);
        events.publishEvent(new UserAccessEnded(reset.accountId(), reset.userId(), reset.username(),
                "two-factor reset by an administrator"));
        assertThat(jdbc.queryForObject("select end_reason from client_session where user_id = ?", String.class,
                reset.userId())).isEqualTo("two-factor reset by an administrator");
        assertError(perform(call(HttpMethod.GET, path, token, null, address)), 401, "session-ended",
                "two-factor reset");
    }

    @Test
    void browsersCannotCallTheApi() throws Exception {
        PortalUser admin = newAdmin("Right-password-19");
        String address = newAddress();
        String token = token(admin, "Right-password-19", address);
        assertError(perform(call(HttpMethod.GET, "/devices", token, null, address)
                .header("Origin", "https://evil.example")), 403, "browser-refused", "Gangway client");
        assertError(perform(call(HttpMethod.POST, "/sessions", null, Map.of("account", admin.accountName(),
                "user", admin.username(), "password", "Right-password-19"), address)
                .header("Sec-Fetch-Site", "cross-site")), 403, "browser-refused");
        assertThat(perform(call(HttpMethod.GET, "/devices", token, null, address)).getResponse()
                .getHeader("Set-Cookie")).as("the API sets no cookie").isNull();
    }

    private org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder mvcBasic(String path,
            String address) {
        return call(HttpMethod.GET, path, null, null, address).header("Authorization", "Basic dXNlcjpwdw==");
    }
}
