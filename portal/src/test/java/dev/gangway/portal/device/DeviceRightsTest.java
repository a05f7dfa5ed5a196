package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** The device pages enforce the rights: what a user sees and may do on devices. */
@SpringBootTest
@AutoConfigureMockMvc
class DeviceRightsTest extends PortalTestSupport {

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
    @Autowired
    DeviceTunnels tunnels;

    RightsTestData data;
    PortalUser admin;
    String line;
    String other;
    String press;
    String mill;

    @BeforeEach
    void twoPools() {
        data = new RightsTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
        line = data.pool(admin.accountId(), "Line");
        other = data.pool(admin.accountId(), "Other");
        press = DeviceTestData.newDevice(registry, admin.accountId(), "Press");
        mill = DeviceTestData.newDevice(registry, admin.accountId(), "Mill");
        data.poolDevice(line, press);
        data.poolDevice(other, mill);
        DeviceTestData.online(tunnels, press);
    }

    @AfterEach
    void offline() {
        DeviceTestData.offline(tunnels, press);
    }

    @Test
    void aViewerSeesOnlyTheirDevicesWithTheirRightsAndCannotOpenOrManage() throws Exception {
        PortalUser viewer = data.userWith(admin, line, Right.VIEW_STATUS);
        String list = page(viewer, "/devices");
        assertThat(list).contains("data-device-id=\"" + press + "\"").doesNotContain(mill, "id=\"add-device\"");

        String page = page(viewer, "/devices/" + press);
        assertThat(page).contains("id=\"device-rights\"", "data-right=\"VIEW_STATUS\"", "data-service=\"hmi\"",
                "id=\"no-open-right\"").doesNotContain("class=\"open-hmi", "id=\"new-activation-key\"",
                "id=\"revoke-certificate\"", "id=\"rename-device\"", "id=\"device-pools\"");

        String refused = mvc.perform(post("/devices/" + press + "/services/hmi/open").with(TestData.signedIn(viewer))
                        .with(csrf()))
                .andExpect(status().isForbidden()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("id=\"refused-message\"",
                "You do not have the right to open web HMIs on this device");
        mvc.perform(post("/devices/" + press + "/activation-key").with(TestData.signedIn(viewer)).with(csrf()))
                .andExpect(status().isForbidden());
        mvc.perform(post("/devices/" + press + "/revoke").with(TestData.signedIn(viewer)).with(csrf()))
                .andExpect(status().isForbidden());
        mvc.perform(get("/devices/" + press + "/activation").with(TestData.signedIn(viewer)))
                .andExpect(status().isForbidden());
        mvc.perform(get("/devices/new").with(TestData.signedIn(viewer))).andExpect(status().isForbidden());
        mvc.perform(post("/devices").with(TestData.signedIn(viewer)).with(csrf()).param("name", "Mine")
                .param("pool", line)).andExpect(status().isForbidden());

        for (String path : new String[] {"/devices/" + mill, "/devices/" + mill + "/activation"}) {
            mvc.perform(get(path).with(TestData.signedIn(viewer))).andExpect(status().isNotFound());
        }
        for (String path : new String[] {"/services/hmi/open", "/activation-key", "/revoke", "/rename"}) {
            mvc.perform(post("/devices/" + mill + path).with(TestData.signedIn(viewer)).with(csrf())
                    .param("name", "x")).andExpect(status().isNotFound());
        }
        assertThat(jdbc.queryForObject("select count(*) from device where account_id = ?", Integer.class,
                admin.accountId())).isEqualTo(2);
    }

    @Test
    void aUserWithoutRightsSeesNoDeviceAndEveryDeviceIsNotFound() throws Exception {
        PortalUser nobody = data.userWith(admin, line, null);
        assertThat(page(nobody, "/devices")).doesNotContain(press, mill).contains("you hold no rights");
        mvc.perform(get("/devices/" + press).with(TestData.signedIn(nobody))).andExpect(status().isNotFound());
        mvc.perform(post("/devices/" + press + "/services/hmi/open").with(TestData.signedIn(nobody)).with(csrf()))
                .andExpect(status().isNotFound());
    }

    @Test
    void theEventStreamCarriesOnlyTheDevicesTheUserHoldsARightOn() throws Exception {
        PortalUser viewer = data.userWith(admin, line, Right.VIEW_STATUS);
        MvcResult stream = mvc.perform(get("/devices/events").with(TestData.signedIn(viewer)))
                .andExpect(request().asyncStarted()).andReturn();
        MvcResult admins = mvc.perform(get("/devices/events").with(TestData.signedIn(admin)))
                .andExpect(request().asyncStarted()).andReturn();
        DeviceTestData.online(tunnels, mill);
        DeviceTestData.offline(tunnels, mill);
        assertThat(stream.getResponse().getContentAsString()).contains("{\"id\":\"" + press + "\",\"online\":true}")
                .doesNotContain(mill);
        assertThat(admins.getResponse().getContentAsString()).contains("{\"id\":\"" + mill + "\",\"online\":true}",
                "{\"id\":\"" + press + "\",\"online\":true}");

        jdbc.update("delete from pool_device where pool_id = ? and device_id = ?", line, press);
        DeviceTestData.offline(tunnels, press);
        assertThat(stream.getResponse().getContentAsString()).doesNotContain("\"online\":false");
        DeviceTestData.online(tunnels, press);
    }

    @Test
    void aDeviceManagerCreatesDevicesOnlyIntoTheirPools() throws Exception {
        PortalUser manager = data.userWith(admin, line, Right.MANAGE_DEVICES);
        String form = page(manager, "/devices/new");
        assertThat(form).contains("id=\"pool\"", "<option value=\"" + line + "\" selected=\"selected\">Line</option>")
                .doesNotContain(other, "No pool");
        assertThat(page(manager, "/devices")).contains("id=\"add-device\"");

        String error = mvc.perform(post("/devices").with(TestData.signedIn(manager)).with(csrf())
                        .param("name", "Lathe").param("pool", other))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(error).contains("id=\"pool-error\"", "Choose one of the listed pools.");
        assertThat(mvc.perform(post("/devices").with(TestData.signedIn(manager)).with(csrf()).param("name", "Lathe"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString())
                .contains("id=\"pool-error\"");
        assertThat(mvc.perform(post("/devices").with(TestData.signedIn(manager)).with(csrf()).param("name", "")
                        .param("pool", line))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString())
                .contains("id=\"name-error\"");
        assertThat(jdbc.queryForObject("select count(*) from device where account_id = ?", Integer.class,
                admin.accountId())).isEqualTo(2);

        String location = mvc.perform(post("/devices").with(TestData.signedIn(manager)).with(csrf())
                        .param("name", "Lathe").param("pool", line))
                .andExpect(status().isFound()).andReturn().getResponse().getRedirectedUrl();
        String lathe = location.substring("/devices/".length(), location.length() - "/activation".length());
        assertThat(jdbc.queryForList("select pool_id from pool_device where device_id = ?", String.class, lathe))
                .containsExactly(line);
        assertThat(page(manager, "/devices/" + lathe)).contains("id=\"new-activation-key\"", "id=\"rename-device\"");
        mvc.perform(post("/devices/" + lathe + "/rename").with(TestData.signedIn(manager)).with(csrf())
                .param("name", "Lathe 2")).andExpect(status().isFound());
        mvc.perform(post("/devices/" + lathe + "/activation-key").with(TestData.signedIn(manager)).with(csrf()))
                .andExpect(status().isFound());
        assertThat(jdbc.queryForList("select action from audit_event where device_id = ? order by occurred_at",
                String.class, lathe)).containsSubsequence("device.create", "pool.device.add",
                "activation-key.create", "device.rename", "activation-key.create");
    }

    @Test
    void anAdminMayCreateADeviceInNoPoolAndSeesThePoolsHoldingIt() throws Exception {
        assertThat(page(admin, "/devices/new")).contains("No pool (only administrators see it)", line, other);
        mvc.perform(post("/devices").with(TestData.signedIn(admin)).with(csrf()).param("name", "Loose"))
                .andExpect(status().isFound());
        assertThat(page(admin, "/devices/" + press)).contains("id=\"device-pools\"", ">Line<")
                .contains("data-right=\"OPEN_WEB_HMI\"", "data-right=\"MANAGE_USERS\"");
    }

    private String page(PortalUser user, String path) throws Exception {
        return mvc.perform(get(path).with(TestData.signedIn(user))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }
}
