package dev.gangway.portal.desktop.web;

import static dev.gangway.portal.TestData.signedIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.util.List;
import org.hamcrest.Matchers;
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
class DesktopCredentialsTest extends PortalTestSupport {

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
    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    DesktopCredentialStore store;
    @Autowired
    DesktopAccess desktops;
    @Autowired
    JdbcTemplate jdbc;

    PortalUser admin;
    String device;
    String page;

    @BeforeEach
    void deviceWithVnc() {
        admin = TestData.newUser(accounts, users, encoder, "pw");
        device = DeviceTestData.newDevice(registry, admin.accountId(), "Press");
        DeviceTestData.online(tunnels, device);
        page = "/devices/" + device + "/services/panel-vnc/credentials";
    }

    @Test
    void aManagerStoresThePasswordEncryptedAndItIsNeverShownBack() throws Exception {
        mvc.perform(get(page).with(signedIn(admin))).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("Nothing stored")));

        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("password", "s3cret-pw"))
                .andExpect(status().is3xxRedirection());

        assertThat(store.find(admin.accountId(), device, "panel-vnc").password()).isEqualTo("s3cret-pw");
        String sealed = jdbc.queryForObject("select password_sealed from desktop_credential where device_id = ?",
                String.class, device);
        assertThat(sealed).startsWith("v1:").doesNotContain("s3cret");
        mvc.perform(get(page).with(signedIn(admin))).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("A password is stored")))
                .andExpect(content().string(Matchers.not(Matchers.containsString("s3cret"))));
        List<String> audit = jdbc.queryForList("select detail from audit_event where action = 'desktop.credentials'"
                + " and account_id = ?", String.class, admin.accountId());
        assertThat(audit).singleElement().asString().contains("password set").doesNotContain("s3cret");
    }

    @Test
    void anEmptyPasswordKeepsTheStoredOneAndClearingRemovesIt() throws Exception {
        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("password", "first"));
        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("password", ""))
                .andExpect(status().is3xxRedirection());
        assertThat(store.find(admin.accountId(), device, "panel-vnc").password()).isEqualTo("first");

        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("clearPassword", "true"))
                .andExpect(status().is3xxRedirection());
        assertThat(store.find(admin.accountId(), device, "panel-vnc").password()).isNull();

        mvc.perform(post(page + "/delete").with(signedIn(admin)).with(csrf())).andExpect(status().is3xxRedirection());
        assertThat(store.find(admin.accountId(), device, "panel-vnc")).isEqualTo(DesktopCredentials.NONE);
    }

    @Test
    void badInputIsRefusedInWordsAndStoresNothing() throws Exception {
        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("password", "x".repeat(300)))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("The password is longer than 256")));
        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("password", "line\nbreak"))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("control character")));
        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("username", "u".repeat(201))
                .param("password", "ok")).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("User name is longer than 200")));
        assertThat(jdbc.queryForObject("select count(*) from desktop_credential where device_id = ?", Integer.class,
                device)).isZero();
    }

    @Test
    void aValueCopiedOntoAnotherServiceDoesNotDecrypt() throws Exception {
        String other = DeviceTestData.newDevice(registry, admin.accountId(), "Mill");
        DeviceTestData.online(tunnels, other);
        mvc.perform(post(page).with(signedIn(admin)).with(csrf()).param("password", "bound"));
        jdbc.update("insert into desktop_credential (device_id, service_name, password_sealed, updated_at,"
                + " updated_by) select ?, service_name, password_sealed, updated_at, updated_by"
                + " from desktop_credential where device_id = ?", other, device);

        assertThat(store.find(admin.accountId(), other, "panel-vnc").password()).isNull();
        assertThat(store.find(admin.accountId(), device, "panel-vnc").password()).isEqualTo("bound");
    }

    @Test
    void onlyManagersOfTheDeviceInTheAccountReachThePage() throws Exception {
        RightsTestData rights = new RightsTestData(jdbc);
        String pool = rights.pool(admin.accountId(), "p");
        rights.poolDevice(pool, device);
        PortalUser viewer = rights.userWith(admin, pool, Right.DESKTOP_CONTROL);
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");

        mvc.perform(get(page).with(signedIn(viewer))).andExpect(status().isForbidden());
        mvc.perform(post(page).with(signedIn(viewer)).with(csrf()).param("password", "x"))
                .andExpect(status().isForbidden());
        mvc.perform(get(page).with(signedIn(stranger))).andExpect(status().isNotFound());
        mvc.perform(post(page).with(signedIn(stranger)).with(csrf()).param("password", "x"))
                .andExpect(status().isNotFound());
        mvc.perform(get("/devices/" + device + "/services/hmi/credentials").with(signedIn(admin)))
                .andExpect(status().isNotFound());
        assertThat(store.find(stranger.accountId(), device, "panel-vnc")).isEqualTo(DesktopCredentials.NONE);
        assertThat(jdbc.queryForObject("select count(*) from desktop_credential where device_id = ?", Integer.class,
                device)).isZero();
    }

    @Test
    void desktopModeFollowsTheRights() {
        RightsTestData rights = new RightsTestData(jdbc);
        String pool = rights.pool(admin.accountId(), "p");
        rights.poolDevice(pool, device);
        assertThat(desktops.mode(admin, device)).contains(DesktopMode.CONTROL);
        assertThat(desktops.mode(rights.userWith(admin, pool, Right.DESKTOP_VIEW), device))
                .contains(DesktopMode.VIEW_ONLY);
        assertThat(desktops.mode(rights.userWith(admin, pool, Right.OPEN_WEB_HMI), device)).isEmpty();
        assertThat(desktops.service(admin, device, "panel-vnc")).isPresent();
        assertThat(desktops.service(admin, device, "hmi")).isEmpty();
        assertThat(desktops.service(TestData.newUser(accounts, users, encoder, "pw"), device, "panel-vnc"))
                .isEmpty();
    }
}
