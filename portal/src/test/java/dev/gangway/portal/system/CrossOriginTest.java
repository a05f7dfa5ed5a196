package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;

/** An HMI page (or any other site) posting to the portal is refused: Origin check and CSRF token. */
@SpringBootTest
@AutoConfigureMockMvc
class CrossOriginTest extends PortalTestSupport {

    private static final String HMI_ORIGIN = "http://k3j5h2g7.hmi.localhost:8081";

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    DeviceRegistry registry;

    PortalUser user;

    @BeforeEach
    void account() {
        user = TestData.newUser(accounts, users, encoder, "pw");
    }

    @Test
    void aPostFromAnHmiOriginIsRefusedEvenWithAValidCsrfToken() throws Exception {
        mvc.perform(post("/devices").with(TestData.signedIn(user)).with(csrf()).header("Origin", HMI_ORIGIN)
                        .param("name", "Planted by an HMI page"))
                .andExpect(status().isForbidden());
        mvc.perform(post("/logout").with(TestData.signedIn(user)).with(csrf()).header("Origin", HMI_ORIGIN))
                .andExpect(status().isForbidden());
        mvc.perform(post("/login").with(csrf()).header("Origin", HMI_ORIGIN).param("account", "default")
                        .param("username", "admin").param("password", "test-admin-password"))
                .andExpect(status().isForbidden());
        mvc.perform(post("/devices").with(TestData.signedIn(user)).with(csrf()).header("Origin", "null")
                        .param("name", "Sandboxed"))
                .andExpect(status().isForbidden());
        assertThat(registry.list(user.accountId())).isEmpty();
    }

    @Test
    void aPostWithoutCsrfTokenIsRefusedEvenFromTheSameOrigin() throws Exception {
        mvc.perform(post("/devices").with(TestData.signedIn(user)).header("Origin", "http://localhost")
                        .param("name", "No token"))
                .andExpect(status().isForbidden());
        assertThat(registry.list(user.accountId())).isEmpty();
    }

    @Test
    void theSameOriginWithTokenWorks() throws Exception {
        mvc.perform(post("/devices").with(TestData.signedIn(user)).with(csrf()).header("Origin", "http://localhost")
                        .param("name", "Legit"))
                .andExpect(status().isFound());
        assertThat(registry.list(user.accountId())).singleElement()
                .satisfies(d -> assertThat(d.getName()).isEqualTo("Legit"));
    }

    @Test
    void theAgentApiNeedsNeitherTokenNorOrigin() throws Exception {
        mvc.perform(post("/api/agent/v1/register").header("Origin", HMI_ORIGIN)
                        .contentType("application/json").content("{}"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void pagesCarrySecurityHeaders() throws Exception {
        mvc.perform(get("/login"))
                .andExpect(header().string("Content-Security-Policy", Matchers.allOf(
                        Matchers.containsString("default-src 'self'"), Matchers.containsString("frame-ancestors 'none'"),
                        Matchers.containsString("form-action 'self' http://*.hmi.localhost:*"))))
                .andExpect(header().string("X-Frame-Options", "DENY"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().string("Referrer-Policy", "same-origin"));
    }
}
