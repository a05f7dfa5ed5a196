package dev.gangway.portal.rights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;

@SpringBootTest
@AutoConfigureMockMvc
class RightsPageTest extends PortalTestSupport {

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

    RightsTestData data;
    PortalUser admin;
    String service;
    String viewers;
    String line;
    String mills;

    @BeforeEach
    void groupsAndPools() {
        data = new RightsTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
        service = data.group(admin.accountId(), "Service");
        viewers = data.group(admin.accountId(), "Viewers");
        line = data.pool(admin.accountId(), "Line");
        mills = data.pool(admin.accountId(), "Mills");
        data.grant(viewers, line, Right.VIEW_STATUS);
    }

    @Test
    void theMatrixShowsOneCheckboxPerGroupPoolAndRight() throws Exception {
        String page = mvc.perform(get("/admin/rights").with(TestData.signedIn(admin)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page.split("name=\"grant\"", -1)).hasSize(2 * 2 * Right.values().length + 1);
        assertThat(page).contains("id=\"save-rights\"", "value=\"" + service + ":" + mills + ":OPEN_WEB_HMI\"",
                "Open web HMIs")
                .containsPattern("value=\"" + viewers + ":" + line + ":VIEW_STATUS\"[^>]*checked=\"checked\"")
                .doesNotContainPattern("value=\"" + service + ":" + line + ":VIEW_STATUS\"[^>]*checked");
    }

    @Test
    void savingReplacesTheWholeSetAndAuditsTheChangeByName() throws Exception {
        mvc.perform(post("/admin/rights").with(TestData.signedIn(admin)).with(csrf()).param("complete", "1")
                        .param("grant", service + ":" + mills + ":OPEN_WEB_HMI", service + ":" + mills
                                + ":MANAGE_DEVICES"))
                .andExpect(status().isFound());
        assertThat(data.grants(admin.accountId())).containsExactly(service + ":" + mills + ":MANAGE_DEVICES",
                service + ":" + mills + ":OPEN_WEB_HMI");
        assertThat(jdbc.queryForObject("select detail from audit_event where account_id = ? and action = ?",
                String.class, admin.accountId(), "rights.change"))
                .isEqualTo("added: Service on Mills: Manage devices; Service on Mills: Open web HMIs"
                        + " | removed: Viewers on Line: View status");
    }

    @Test
    void anIdOfAnotherAccountOrAnUnknownRightRefusesTheWholeSave() throws Exception {
        PortalUser other = TestData.newUser(accounts, users, encoder, "pw");
        String theirGroup = data.group(other.accountId(), "Theirs");
        String theirPool = data.pool(other.accountId(), "Theirs");
        String ok = service + ":" + mills + ":OPEN_WEB_HMI";
        for (String bad : new String[] {theirGroup + ":" + mills + ":OPEN_WEB_HMI",
                service + ":" + theirPool + ":OPEN_WEB_HMI", theirGroup + ":" + theirPool + ":VIEW_STATUS",
                service + ":" + mills + ":ROOT", service + ":" + mills, "garbage"}) {
            mvc.perform(post("/admin/rights").with(TestData.signedIn(admin)).with(csrf()).param("complete", "1")
                            .param("grant", ok, bad))
                    .andExpect(status().isBadRequest());
        }
        mvc.perform(post("/admin/rights").with(TestData.signedIn(admin)).with(csrf()).param("grant", ok))
                .andExpect(status().isBadRequest());
        assertThat(data.grants(admin.accountId())).containsExactly(viewers + ":" + line + ":VIEW_STATUS");
        assertThat(data.grants(other.accountId())).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'rights.change' and"
                + " account_id in (?, ?)", Integer.class, admin.accountId(), other.accountId())).isZero();
    }

    @Test
    void onlyAdminsSeeOrSaveTheMatrix() throws Exception {
        PortalUser manager = data.newMember(admin, "manager");
        String managers = data.group(admin.accountId(), "Managers");
        data.member(managers, manager);
        data.grant(managers, line, Right.MANAGE_USERS);
        data.grant(managers, line, Right.MANAGE_DEVICES);
        mvc.perform(get("/admin/rights").with(TestData.signedIn(manager))).andExpect(status().isForbidden());
        String refused = mvc.perform(post("/admin/rights").with(TestData.signedIn(manager)).with(csrf())
                        .param("complete", "1").param("grant", managers + ":" + mills + ":MANAGE_USERS"))
                .andExpect(status().isForbidden()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("Only an administrator of the account can do this.");
        assertThat(data.grants(admin.accountId())).hasSize(3).doesNotContain(managers + ":" + mills
                + ":MANAGE_USERS");
    }
}
