package dev.gangway.portal.desktop.tunnel;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The viewer page and the device page's desktop buttons: the model the viewer's template reads, by right; 404 for
 * what the user may not know of, 403 for a device they see without a desktop right.
 */
@SpringBootTest
@AutoConfigureMockMvc
class DesktopViewerPageTest extends PortalTestSupport {

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
    JdbcTemplate jdbc;
    @Autowired
    DesktopConverters converters;

    PortalUser admin;
    String deviceId;
    String pool;
    RightsTestData rights;

    @BeforeEach
    void aDeviceWithDesktops() {
        admin = TestData.newUser(accounts, users, encoder, "pw");
        deviceId = DeviceTestData.newDevice(registry, admin.accountId(), "Press line 3");
        jdbc.update("update device set services_json = ? where id = ?", DesktopTunnelWebSocketTest.SERVICES,
                deviceId);
        rights = new RightsTestData(jdbc);
        pool = rights.pool(admin.accountId(), "p");
        rights.poolDevice(pool, deviceId);
    }

    @Test
    void theViewerPageCarriesWhatTheTunnelNeeds() throws Exception {
        mvc.perform(get("/devices/" + deviceId + "/desktop/panel").with(TestData.signedIn(admin)))
                .andExpect(status().isOk())
                .andExpect(view().name("desktop/viewer"))
                .andExpect(model().attribute("viewOnly", false))
                .andExpect(model().attribute("tunnelUrl", "/desktop/tunnel"))
                .andExpect(model().attribute("connectData", "device=" + deviceId + "&service=panel"))
                .andExpect(model().attribute("unavailable", converters.choose("vnc").unavailableReason()));
        mvc.perform(get("/devices/" + deviceId + "/desktop/ipc").with(TestData.signedIn(admin)))
                .andExpect(status().isOk())
                .andExpect(model().attribute("unavailable", converters.choose("rdp").unavailableReason()));
    }

    @Test
    void aViewOnlyUserGetsTheViewOnlyPage() throws Exception {
        PortalUser viewer = rights.userWith(admin, pool, Right.DESKTOP_VIEW);
        mvc.perform(get("/devices/" + deviceId + "/desktop/panel").with(TestData.signedIn(viewer)))
                .andExpect(status().isOk())
                .andExpect(model().attribute("viewOnly", true));
        mvc.perform(get("/devices/" + deviceId).with(TestData.signedIn(viewer)))
                .andExpect(model().attribute("desktopMode", "VIEW_ONLY"));
    }

    @Test
    void withoutADesktopRightThePageIsForbiddenAndTheDevicePageHasNoButton() throws Exception {
        PortalUser watcher = rights.userWith(admin, pool, Right.VIEW_STATUS);
        mvc.perform(get("/devices/" + deviceId + "/desktop/panel").with(TestData.signedIn(watcher)))
                .andExpect(status().isForbidden());
        mvc.perform(get("/devices/" + deviceId).with(TestData.signedIn(watcher)))
                .andExpect(status().isOk())
                .andExpect(model().attribute("desktopMode", (Object) null));
        mvc.perform(get("/devices/" + deviceId).with(TestData.signedIn(admin)))
                .andExpect(model().attribute("desktopMode", "CONTROL"));
    }

    @Test
    void whatTheUserMayNotKnowOfIsNotFound() throws Exception {
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");
        PortalUser nobody = rights.userWith(admin, rights.pool(admin.accountId(), "empty"), Right.DESKTOP_CONTROL);
        mvc.perform(get("/devices/" + deviceId + "/desktop/panel").with(TestData.signedIn(stranger)))
                .andExpect(status().isNotFound());
        mvc.perform(get("/devices/" + deviceId + "/desktop/panel").with(TestData.signedIn(nobody)))
                .andExpect(status().isNotFound());
        mvc.perform(get("/devices/" + deviceId + "/desktop/hmi").with(TestData.signedIn(admin)))
                .andExpect(status().isNotFound());
        mvc.perform(get("/devices/" + deviceId + "/desktop/nothing").with(TestData.signedIn(admin)))
                .andExpect(status().isNotFound());
        mvc.perform(get("/devices/no-such-device/desktop/panel").with(TestData.signedIn(admin)))
                .andExpect(status().isNotFound());
    }
}
