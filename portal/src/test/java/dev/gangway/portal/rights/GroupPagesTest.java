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
import java.util.List;
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
class GroupPagesTest extends PortalTestSupport {

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

    @BeforeEach
    void anAccount() {
        data = new RightsTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
    }

    @Test
    void anAdminCreatesRenamesAndDeletesAGroupAndManagesItsMembers() throws Exception {
        PortalUser jane = data.newMember(admin, "jane");
        String location = mvc.perform(post("/admin/groups").with(TestData.signedIn(admin)).with(csrf())
                        .param("name", "  Technicians "))
                .andExpect(status().isFound()).andReturn().getResponse().getRedirectedUrl();
        assertThat(location).matches("/admin/groups/[0-9a-f-]{36}");
        String groupId = location.substring("/admin/groups/".length());
        assertThat(groupNames()).containsExactly("Technicians");

        String list = page(get("/admin/groups"));
        assertThat(list).contains("id=\"group-list\"", "class=\"group\"", ">Technicians<", "id=\"group-name\"",
                "id=\"create-group\"");
        String page = page(get(location));
        assertThat(page).contains("id=\"add-member-user\"", "id=\"add-member\"", "value=\"" + jane.userId() + "\"");

        mvc.perform(post(location + "/members").with(TestData.signedIn(admin)).with(csrf())
                        .param("userId", jane.userId()))
                .andExpect(status().isFound());
        assertThat(page(get(location))).containsPattern("<tr class=\"member\" data-user-id=\"" + jane.userId()
                + "\">\\s*<td class=\"username\">jane</td>");
        mvc.perform(post(location + "/members").with(TestData.signedIn(admin)).with(csrf())
                        .param("userId", jane.userId()))
                .andExpect(status().isOk());

        mvc.perform(post(location + "/rename").with(TestData.signedIn(admin)).with(csrf()).param("name", "Service"))
                .andExpect(status().isFound());
        assertThat(groupNames()).containsExactly("Service");

        mvc.perform(post(location + "/members/" + jane.userId() + "/remove").with(TestData.signedIn(admin))
                        .with(csrf()))
                .andExpect(status().isFound());
        assertThat(jdbc.queryForObject("select count(*) from group_member where group_id = ?", Integer.class,
                groupId)).isZero();

        mvc.perform(post(location + "/delete").with(TestData.signedIn(admin)).with(csrf()))
                .andExpect(status().isFound());
        assertThat(groupNames()).isEmpty();
        assertThat(jdbc.queryForList("select action from audit_event where account_id = ? order by occurred_at",
                String.class, admin.accountId())).containsSubsequence("group.create", "group.member.add",
                "group.rename", "group.member.remove", "group.delete");
        assertThat(jdbc.queryForList("select detail from audit_event where account_id = ? and action = ?",
                String.class, admin.accountId(), "group.member.add")).containsExactly("user jane added to group "
                + "Technicians");
    }

    @Test
    void badNamesGiveAClearMessageAndChangeNothing() throws Exception {
        data.group(admin.accountId(), "Taken");
        assertThat(page(post("/admin/groups").with(csrf()).param("name", "   ")))
                .contains("id=\"group-name-error\"", "Enter a name for the group");
        assertThat(page(post("/admin/groups").with(csrf()).param("name", "x".repeat(65))))
                .contains("longer than 64 characters");
        assertThat(page(post("/admin/groups").with(csrf()).param("name", "Taken")))
                .contains("A group named &quot;Taken&quot; exists already");
        assertThat(page(post("/admin/groups").with(csrf()))).contains("id=\"group-name-error\"");
        assertThat(groupNames()).containsExactly("Taken");

        mvc.perform(post("/admin/groups").with(TestData.signedIn(admin)).with(csrf())
                        .param("name", "<script>alert(1)</script>"))
                .andExpect(status().isFound());
        assertThat(page(get("/admin/groups"))).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>alert(1)");
        mvc.perform(post("/admin/groups").with(TestData.signedIn(admin)).with(csrf()).param("name", "x".repeat(64)))
                .andExpect(status().isFound());
    }

    @Test
    void anotherAccountsUserCannotBeAddedAndAnotherAccountsGroupIsNotFound() throws Exception {
        PortalUser other = TestData.newUser(accounts, users, encoder, "pw");
        String theirs = data.group(other.accountId(), "Theirs");
        String ours = data.group(admin.accountId(), "Ours");
        assertThat(page(post("/admin/groups/" + ours + "/members").with(csrf()).param("userId", other.userId())))
                .contains("id=\"member-error\"", "Choose a user of this account.");
        assertThat(jdbc.queryForObject("select count(*) from group_member where group_id = ?", Integer.class, ours))
                .isZero();
        mvc.perform(get("/admin/groups/" + theirs).with(TestData.signedIn(admin))).andExpect(status().isNotFound());
        mvc.perform(post("/admin/groups/" + theirs + "/members").with(TestData.signedIn(admin)).with(csrf())
                .param("userId", admin.userId())).andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("select count(*) from group_member where group_id = ?", Integer.class,
                theirs)).isZero();
    }

    @Test
    void aUserManagerChangesOnlyGroupsWhoseRightsTheyHold() throws Exception {
        String pool = data.pool(admin.accountId(), "Line");
        String other = data.pool(admin.accountId(), "Other");
        PortalUser manager = data.newMember(admin, "manager");
        PortalUser jane = data.newMember(admin, "jane");
        String managers = data.group(admin.accountId(), "Managers");
        data.member(managers, manager);
        data.grant(managers, pool, Right.MANAGE_USERS);
        data.grant(managers, pool, Right.OPEN_WEB_HMI);
        String subset = data.group(admin.accountId(), "Operators");
        data.grant(subset, pool, Right.OPEN_WEB_HMI);
        String beyond = data.group(admin.accountId(), "Admins-ish");
        data.grant(beyond, other, Right.OPEN_WEB_HMI);

        mvc.perform(get("/admin/groups").with(TestData.signedIn(manager))).andExpect(status().isOk());
        mvc.perform(post("/admin/groups/" + subset + "/members").with(TestData.signedIn(manager)).with(csrf())
                .param("userId", jane.userId())).andExpect(status().isFound());
        String refused = mvc.perform(post("/admin/groups/" + beyond + "/members").with(TestData.signedIn(manager))
                        .with(csrf()).param("userId", jane.userId()))
                .andExpect(status().isForbidden()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("id=\"refused-message\"", "holds rights you do not hold");
        assertThat(mvc.perform(get("/admin/groups/" + beyond).with(TestData.signedIn(manager))).andReturn()
                .getResponse().getContentAsString()).contains("id=\"members-locked\"")
                .doesNotContain("id=\"add-member\"");
        mvc.perform(post("/admin/groups/" + subset + "/delete").with(TestData.signedIn(manager)).with(csrf()))
                .andExpect(status().isForbidden());
        // renaming is allowed where changing members is: swapping names would hand out rights by proxy
        mvc.perform(post("/admin/groups/" + beyond + "/rename").with(TestData.signedIn(manager)).with(csrf())
                .param("name", "Operators (view only)")).andExpect(status().isForbidden());
        mvc.perform(post("/admin/groups/" + subset + "/rename").with(TestData.signedIn(manager)).with(csrf())
                .param("name", "Operators 2")).andExpect(status().isFound());
        mvc.perform(post("/admin/groups/" + subset + "/rename").with(TestData.signedIn(manager)).with(csrf())
                .param("name", "Operators")).andExpect(status().isFound());
        mvc.perform(post("/admin/groups").with(TestData.signedIn(manager)).with(csrf()).param("name", "Fresh"))
                .andExpect(status().isFound());
        String fresh = jdbc.queryForObject("select id from user_group where account_id = ? and name = 'Fresh'",
                String.class, admin.accountId());
        mvc.perform(post("/admin/groups/" + fresh + "/delete").with(TestData.signedIn(manager)).with(csrf()))
                .andExpect(status().isFound());
        mvc.perform(get("/admin/rights").with(TestData.signedIn(manager))).andExpect(status().isForbidden());
        mvc.perform(get("/admin/pools").with(TestData.signedIn(manager))).andExpect(status().isForbidden());

        mvc.perform(get("/admin/groups").with(TestData.signedIn(jane))).andExpect(status().isForbidden());
        mvc.perform(post("/admin/groups").with(TestData.signedIn(jane)).with(csrf()).param("name", "Mine"))
                .andExpect(status().isForbidden());
        assertThat(groupNames()).containsExactlyInAnyOrder("Managers", "Operators", "Admins-ish");
        assertThat(jdbc.queryForList("select user_id from group_member where group_id = ?", String.class, beyond))
                .isEmpty();
    }

    @Test
    void theNavigationShowsTheSectionsTheUserMayUse() throws Exception {
        PortalUser jane = data.newMember(admin, "jane");
        String adminPage = page(get("/devices"));
        assertThat(adminPage).contains("id=\"nav-users\"", "id=\"nav-groups\"", "id=\"nav-pools\"",
                "id=\"nav-rights\"", "id=\"nav-audit\"", "id=\"nav-settings\"", "id=\"nav-connections\"");
        String janes = mvc.perform(get("/devices").with(TestData.signedIn(jane))).andReturn().getResponse()
                .getContentAsString();
        assertThat(janes).contains("id=\"nav-devices\"").doesNotContain("id=\"nav-users\"", "id=\"nav-groups\"",
                "id=\"nav-pools\"", "id=\"nav-rights\"");
        String group = data.group(admin.accountId(), "Managers");
        data.member(group, jane);
        data.grant(group, data.pool(admin.accountId(), "Any"), Right.MANAGE_USERS);
        janes = mvc.perform(get("/devices").with(TestData.signedIn(jane))).andReturn().getResponse()
                .getContentAsString();
        assertThat(janes).contains("id=\"nav-users\"", "id=\"nav-groups\"").doesNotContain("id=\"nav-pools\"",
                "id=\"nav-rights\"", "id=\"nav-audit\"");
    }

    private List<String> groupNames() {
        return jdbc.queryForList("select name from user_group where account_id = ? order by name", String.class,
                admin.accountId());
    }

    private String page(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request)
            throws Exception {
        return mvc.perform(request.with(TestData.signedIn(admin))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }
}
