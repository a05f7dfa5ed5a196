package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Limits of the client API that need a context of their own: a tight ticket rate (3 at once, then one every 1000 s,
 * so no ticket comes back during the test), and a user locked by a parallel request between the password step and
 * the code (the user repository hands the password step the user as read, then the lock lands in the database,
 * exactly what a request sees whose twin locked the user meanwhile).
 */
@TestPropertySource(properties = {"gangway.client.ticket-burst=3", "gangway.client.tickets-per-second=0.001"})
class ClientApiLimitsTest extends ClientApiTestSupport {

    @MockitoSpyBean
    AppUserRepository spiedUsers;

    @Test
    void aUserLockedAfterThePasswordStepGetsNoCodeChecked() throws Exception {
        PortalUser admin = newAdmin("Right-password-1");
        Enrolled enrolled = enrolTotp(admin);
        doAnswer(invocation -> {
            // the user as read (the spy passes findById on to the real repository) ...
            Optional<AppUser> found = spiedUsers.findById(admin.userId());
            // ... and a parallel request's wrong code locks the user right after
            jdbc.update("update app_user set locked_until = ? where id = ?",
                    Timestamp.from(Instant.now().plusSeconds(600)), admin.userId());
            return found;
        }).when(spiedUsers).findByAccountIdAndUsername(eq(admin.accountId()), eq(admin.username()));
        String address = newAddress();

        assertError(signIn(admin.accountName(), admin.username(), "Right-password-1",
                enrolled.recoveryCodes().get(0), address), 403, "signin-refused", "locked after too many failed");

        assertThat(twoFactor.recoveryCodesLeft(user(admin))).as("the recovery code was not checked").isEqualTo(10);
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'recovery.use'",
                admin.accountId())).isZero();
        assertThat(count("select count(*) from audit_event where account_id = ? and action = 'signin' and result ="
                + " 'refused' and detail = 'client: locked before the second factor'", admin.accountId())).isOne();
        assertThat(count("select count(*) from client_session where user_id = ?", admin.userId())).isZero();
        assertThat(user(admin).getFailedAttempts()).as("no guess was made, nothing counted").isZero();
    }

    @Test
    void ticketRequestsOverTheSessionsRateAreThrottled() throws Exception {
        PortalUser admin = newAdmin("Right-password-2");
        String address = newAddress();
        String token = token(admin, "Right-password-2", address);
        String other = token(admin, "Right-password-2", address);

        for (int i = 0; i < 3; i++) {
            // refused for what they ask, but counted: the rate is checked before anything else
            assertError(perform(call(HttpMethod.POST, "/tickets", token, ticketBody("no-such-device", "10.0.0.1", 80,
                    "00"), address)), 404, "no-such-device");
        }
        MvcResult throttled = perform(call(HttpMethod.POST, "/tickets", token, ticketBody("no-such-device",
                "10.0.0.1", 80, "00"), address));
        assertError(throttled, 429, "throttled", "too many connections at once; slow down",
                "3 tickets at once, then 0.001 a second");
        assertError(perform(call(HttpMethod.POST, "/tickets", token, "not even json", address)), 429, "throttled");

        assertError(perform(call(HttpMethod.POST, "/tickets", other, ticketBody("no-such-device", "10.0.0.1", 80,
                "00"), address)), 404, "no-such-device");
        assertThat(perform(call(HttpMethod.GET, "/devices", token, null, address)).getResponse().getStatus())
                .as("only tickets are limited").isEqualTo(200);
    }
}
