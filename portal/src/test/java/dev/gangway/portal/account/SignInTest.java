package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

@SpringBootTest
@AutoConfigureMockMvc
class SignInTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;

    @Test
    void theFirstAdminSignsInToTheDefaultAccountWithTheConfiguredPasswordAndGetsANewSessionId() throws Exception {
        MockHttpSession session = new MockHttpSession();
        String before = session.getId();
        MvcResult result = mvc.perform(post("/login").session(session).with(csrf())
                        .param("account", "default").param("username", "admin")
                        .param("password", "test-admin-password"))
                .andExpect(status().isFound())
                .andExpect(redirectedUrl("/devices"))
                .andExpect(authenticated().withAuthentication(auth -> assertThat(auth.getPrincipal())
                        .isInstanceOfSatisfying(PortalUser.class, user -> {
                            assertThat(user.username()).isEqualTo("admin");
                            assertThat(user.accountName()).isEqualTo("default");
                        })))
                .andReturn();
        assertThat(result.getRequest().getSession().getId()).as("session id after sign-in").isNotEqualTo(before);
    }

    @Test
    void aWrongPasswordAccountOrUserIsRefusedWithTheSameMessage() throws Exception {
        PortalUser user = TestData.newUser(accounts, users, encoder, "right-password");
        mvc.perform(post("/login").with(csrf()).param("account", user.accountName()).param("username", "user")
                        .param("password", "right-password"))
                .andExpect(redirectedUrl("/devices")).andExpect(authenticated());
        mvc.perform(post("/login").with(csrf()).param("account", user.accountName()).param("username", "user")
                        .param("password", "wrong-password"))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());
        mvc.perform(post("/login").with(csrf()).param("account", "default").param("username", "user")
                        .param("password", "right-password"))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());
        mvc.perform(post("/login").with(csrf()).param("account", user.accountName()).param("username", "nobody")
                        .param("password", "right-password"))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());

        mvc.perform(get("/login").param("error", ""))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("id=\"login-error\"")));
    }

    @Test
    void theSignInPageHasTheFormOfTheContractAndPagesNeedASignIn() throws Exception {
        mvc.perform(get("/login"))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.allOf(
                        Matchers.containsString("name=\"account\""), Matchers.containsString("name=\"username\""),
                        Matchers.containsString("name=\"password\""), Matchers.containsString("id=\"sign-in\""),
                        Matchers.containsString("name=\"_csrf\""),
                        Matchers.not(Matchers.containsString("id=\"login-error\"")))));
        mvc.perform(get("/devices")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
        mvc.perform(get("/devices/events")).andExpect(status().isUnauthorized());
    }

    @Test
    void signOutEndsTheSession() throws Exception {
        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").with(csrf())
                        .param("account", "default").param("username", "admin")
                        .param("password", "test-admin-password"))
                .andExpect(authenticated()).andReturn().getRequest().getSession();
        mvc.perform(post("/logout").session(session).with(csrf())).andExpect(redirectedUrl("/login?logout"));
        assertThat(session.isInvalid()).isTrue();
    }
}
