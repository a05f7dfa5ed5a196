package dev.gangway.portal.system;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;

/**
 * With secure cookies (production behind a TLS proxy, where the request itself may look like plain HTTP): HSTS on
 * every response; signed-in pages are never cached.
 */
@SpringBootTest(properties = "gangway.portal.secure-cookies=true")
@AutoConfigureMockMvc
class SessionSecureHeadersTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;

    @Test
    void hstsEvenOnARequestThatArrivedAsPlainHttpFromTheProxy() throws Exception {
        mvc.perform(get("/login"))
                .andExpect(status().isOk())
                .andExpect(header().string("Strict-Transport-Security", Matchers.startsWith("max-age=31536000")));
    }

    @Test
    void signedInPagesAreNotCached() throws Exception {
        mvc.perform(get("/devices").with(TestData.signedIn(TestData.newUser(accounts, users, encoder, "pw"))))
                .andExpect(status().isOk())
                .andExpect(header().string("Cache-Control", Matchers.containsString("no-store")));
    }
}
