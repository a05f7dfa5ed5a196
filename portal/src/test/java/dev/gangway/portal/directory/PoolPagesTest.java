package dev.gangway.portal.directory;

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
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

@SpringBootTest
@AutoConfigureMockMvc
class PoolPagesTest extends PortalTestSupport {

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
    @Autowired
    DeviceRegistry registry;

    RightsTestData data;
    PortalUser admin;
    String press;

    @BeforeEach
    void anAccountWithADevice() {
        data = new RightsTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
        press = DeviceTestData.newDevice(registry, admin.accountId(), "Press <3>");
    }

    @Test
    void anAdminCreatesAPoolAddsAndRemovesDevicesRenamesAndDeletesIt() throws Exception {
        String location = mvc.perform(post("/admin/pools").with(TestData.signedIn(admin)).with(csrf())
                        .param("name", "Customer Acme"))
                .andExpect(status().isFound()).andReturn().getResponse().getRedirectedUrl();
        assertThat(location).matches("/admin/pools/[0-9a-f-]{36}");
        String poolId = location.substring("/admin/pools/".length());
        assertThat(page(get("/admin/pools"))).contains("id=\"pool-list\"", "class=\"pool\"", ">Customer Acme<",
                "id=\"pool-name\"", "id=\"create-pool\"");
        assertThat(page(get(location))).contains("id=\"add-device\"", "id=\"add-device-button\"",
                "<option value=\"" + press + "\">Press &lt;3&gt;</option>");

        mvc.perform(post(location + "/devices").with(TestData.signedIn(admin)).with(csrf()).param("deviceId", press))
                .andExpect(status().isFound());
        assertThat(page(get(location))).contains("class=\"pool-device\" data-device-id=\"" + press + "\"");
        assertThat(page(get("/devices/" + press))).contains("id=\"device-pools\"", ">Customer Acme<");
        assertThat(page(post(location + "/devices").with(csrf()).param("deviceId", press)))
                .contains("id=\"device-error\"", "already in this pool");

        String group = data.group(admin.accountId(), "Service");
        data.grant(group, poolId, Right.OPEN_WEB_HMI);
        assertThat(page(get(location))).contains("Service: Open web HMIs");

        mvc.perform(post(location + "/rename").with(TestData.signedIn(admin)).with(csrf()).param("name", "Acme"))
                .andExpect(status().isFound());
        mvc.perform(post(location + "/devices/" + press + "/remove").with(TestData.signedIn(admin)).with(csrf()))
                .andExpect(status().isFound());
        assertThat(count("select count(*) from pool_device where pool_id = ?", poolId)).isZero();
        mvc.perform(post(location + "/delete").with(TestData.signedIn(admin)).with(csrf()))
                .andExpect(status().isFound());
        assertThat(count("select count(*) from device_pool where id = ?", poolId)).isZero();
        assertThat(count("select count(*) from pool_right where pool_id = ?", poolId)).isZero();
        assertThat(count("select count(*) from device where id = ?", press)).isOne();
        assertThat(jdbc.queryForList("select action from audit_event where account_id = ? and action like 'pool.%'"
                + " order by occurred_at", String.class, admin.accountId())).containsExactly("pool.create",
                "pool.device.add", "pool.rename", "pool.device.remove", "pool.delete");
    }

    @Test
    void badInputChangesNothingAndAnotherAccountsIdsAreRefused() throws Exception {
        String poolId = data.pool(admin.accountId(), "Line");
        assertThat(page(post("/admin/pools").with(csrf()).param("name", ""))).contains("id=\"pool-name-error\"",
                "Enter a name for the pool");
        assertThat(page(post("/admin/pools").with(csrf()).param("name", "Line"))).contains("exists already");
        assertThat(page(post("/admin/pools/" + poolId + "/rename").with(csrf()).param("name", "y".repeat(65))))
                .contains("id=\"pool-name-error\"", "longer than 64");

        PortalUser other = TestData.newUser(accounts, users, encoder, "pw");
        String theirDevice = DeviceTestData.newDevice(registry, other.accountId(), "Theirs");
        String theirPool = data.pool(other.accountId(), "Theirs");
        assertThat(page(post("/admin/pools/" + poolId + "/devices").with(csrf()).param("deviceId", theirDevice)))
                .contains("Choose a device of this account.").doesNotContain(theirDevice);
        mvc.perform(get("/admin/pools/" + theirPool).with(TestData.signedIn(admin))).andExpect(status().isNotFound());
        mvc.perform(post("/admin/pools/" + theirPool + "/devices").with(TestData.signedIn(admin)).with(csrf())
                .param("deviceId", press)).andExpect(status().isNotFound());
        mvc.perform(post("/admin/pools/" + theirPool + "/delete").with(TestData.signedIn(admin)).with(csrf()))
                .andExpect(status().isNotFound());
        assertThat(jdbc.queryForList("select name from device_pool where account_id in (?, ?) order by name",
                String.class, admin.accountId(), other.accountId())).isEqualTo(List.of("Line", "Theirs"));
        assertThat(count("select count(*) from pool_device where pool_id in (?, ?)", poolId, theirPool)).isZero();
    }

    @Test
    void onlyAdminsManagePools() throws Exception {
        String poolId = data.pool(admin.accountId(), "Line");
        PortalUser manager = data.userWith(admin, poolId, Right.MANAGE_DEVICES);
        mvc.perform(get("/admin/pools").with(TestData.signedIn(manager))).andExpect(status().isForbidden());
        mvc.perform(get("/admin/pools/" + poolId).with(TestData.signedIn(manager))).andExpect(status().isForbidden());
        mvc.perform(post("/admin/pools/" + poolId + "/devices").with(TestData.signedIn(manager)).with(csrf())
                .param("deviceId", press)).andExpect(status().isForbidden());
        mvc.perform(post("/admin/pools").with(TestData.signedIn(manager)).with(csrf()).param("name", "Mine"))
                .andExpect(status().isForbidden());
        assertThat(count("select count(*) from device_pool where account_id = ?", admin.accountId())).isOne();
        assertThat(count("select count(*) from pool_device where pool_id = ?", poolId)).isZero();
    }

    private Integer count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    private String page(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(TestData.signedIn(admin))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }
}
