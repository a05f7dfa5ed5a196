package dev.gangway.portal.users;

import static dev.gangway.portal.users.UsersTestData.GOOD_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doReturn;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Two administrators creating "alice" and "ALICE" at the same moment: both pass the check in Java (neither sees the
 * other's uncommitted user), so the database must refuse the second. The check's list is made empty here, exactly
 * what the second creation sees during the race.
 */
@SpringBootTest
@AutoConfigureMockMvc
class UsernameRaceTest extends PortalTestSupport {

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @MockitoSpyBean
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aNameTakenMeanwhileIgnoringCaseIsRefusedByTheDatabaseWithTheSameMessage() throws Exception {
        UsersTestData data = new UsersTestData(jdbc, users, encoder);
        PortalUser admin = TestData.newUser(accounts, users, encoder, GOOD_PASSWORD);
        data.plainUser(admin, "alice", GOOD_PASSWORD);
        long usersBefore = data.userCount(admin.accountId());
        // the other creation has not committed yet when this one checks
        doReturn(List.of()).when(users).findByAccountIdOrderByUsername(admin.accountId());

        mvc.perform(post("/admin/users").with(TestData.signedIn(admin)).with(csrf()).param("username", "ALICE")
                        .param("email", "a2@example.test").param("expiresAt", ""))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString(
                        "The user name ALICE is already taken in this account: choose another.")));

        assertThat(data.userCount(admin.accountId())).isEqualTo(usersBefore);
        assertThat(data.tokenCount(admin.accountId())).isZero();
        assertThat(data.auditCount(admin.accountId(), "user.create")).isZero();
        // another name still works in the same situation
        mvc.perform(post("/admin/users").with(TestData.signedIn(admin)).with(csrf()).param("username", "bob")
                        .param("email", "bob@example.test").param("expiresAt", ""))
                .andExpect(status().is3xxRedirection());
        assertThat(data.userCount(admin.accountId())).isEqualTo(usersBefore + 1);
    }
}
