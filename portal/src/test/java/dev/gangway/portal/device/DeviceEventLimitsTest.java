package dev.gangway.portal.device;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.time.Instant;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;

/** One user cannot use up the account's device status streams: a cap per user on top of the account's. */
@SpringBootTest
@AutoConfigureMockMvc
class DeviceEventLimitsTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;

    @Test
    void oneUserGetsTenStreamsTheEleventhIsRefusedAndAnotherUserOfTheAccountStillSubscribes() throws Exception {
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        AppUser other = users.save(new AppUser(admin.accountId(), "colleague", "{noop}unused", Instant.now()));
        PortalUser colleague = new PortalUser(other.getId(), other.getUsername(), admin.accountId(),
                admin.accountName());

        for (int i = 0; i < DeviceEvents.MAX_STREAMS_PER_USER; i++) {
            mvc.perform(get("/devices/events").with(TestData.signedIn(admin))).andExpect(request().asyncStarted());
        }
        mvc.perform(get("/devices/events").with(TestData.signedIn(admin)))
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().string(Matchers.containsString(
                        "too many open device status streams for your user (at most 10): close some portal tabs")));

        mvc.perform(get("/devices/events").with(TestData.signedIn(colleague))).andExpect(request().asyncStarted());
    }
}
