package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.doReturn;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.hmiproxy.HmiSessions;
import dev.gangway.tunnel.LanTarget;
import java.net.URI;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

@SpringBootTest
@AutoConfigureMockMvc
class DevicePagesTest extends PortalTestSupport {

    private static final String AGENT_INFO = """
            {"agentVersion":"0.1.0","hostname":"press-3","services":[
              {"name":"hmi","kind":"http","host":"198.19.0.2","port":80},
              {"name":"panel-vnc","kind":"vnc","host":"198.19.0.3","port":5900},
              {"name":"s7-web","kind":"https","host":"198.19.0.5","port":443},
              {"name":"bad name!","kind":"http","host":"198.19.0.4","port":80},
              {"name":"weird","kind":"telnet","host":"198.19.0.4","port":23}]}
            """;

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

    @MockitoSpyBean
    HmiSessions hmiSessions;

    PortalUser alice;
    PortalUser bob;
    NewActivationKey alicesDevice;
    NewActivationKey bobsDevice;

    @BeforeEach
    void twoAccounts() {
        alice = TestData.newUser(accounts, users, encoder, "pw");
        bob = TestData.newUser(accounts, users, encoder, "pw");
        alicesDevice = registry.create(alice.accountId(), "Alice's press", "test");
        bobsDevice = registry.create(bob.accountId(), "Bob's mill", "test");
    }

    @Test
    void theListShowsOnlyTheAccountsDevicesWithTheirStatus() throws Exception {
        tunnels.tunnelUp(alicesDevice.deviceId(), "c0ffee", AGENT_INFO);
        String page = mvc.perform(get("/devices").with(TestData.signedIn(alice)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("id=\"device-list\"", "id=\"add-device\"", "data-device-id=\""
                + alicesDevice.deviceId() + "\"", "data-device-name=\"Alice&#39;s press\"", "class=\"device-link\"")
                .doesNotContain(bobsDevice.deviceId(), "Bob&#39;s mill");
        assertThat(page).containsPattern("<td class=\"status\" data-status=\"online\" data-live-device=\""
                + alicesDevice.deviceId() + "\">online</td>");
        tunnels.tunnelDown(alicesDevice.deviceId(), "c0ffee", "test");
        assertThat(mvc.perform(get("/devices").with(TestData.signedIn(alice))).andReturn().getResponse()
                .getContentAsString()).contains("data-status=\"offline\"");
    }

    @Test
    void revokingADevicesCertificateEndsItsHmiSessions() throws Exception {
        String csr = dev.gangway.portal.pki.TestCsr.plain(dev.gangway.portal.pki.TestCsr.ecKey("secp256r1"));
        mvc.perform(post("/api/agent/v1/register").contentType("application/json").content("{\"activationKey\":\""
                        + alicesDevice.key() + "\",\"csr\":\"" + csr.replace("\n", "\\n")
                        + "\",\"serial\":\"SN-" + alicesDevice.deviceId() + "\",\"agentVersion\":\"0.1.0-test\"}"))
                .andExpect(status().isCreated());

        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/revoke").with(TestData.signedIn(alice))
                        .with(csrf()))
                .andExpect(status().isFound());

        verify(hmiSessions).endForDevice(alicesDevice.deviceId());
    }

    @Test
    void anotherAccountsDeviceIsNotFound() throws Exception {
        tunnels.tunnelUp(bobsDevice.deviceId(), "beef", AGENT_INFO);
        mvc.perform(get("/devices/" + bobsDevice.deviceId()).with(TestData.signedIn(alice)))
                .andExpect(status().isNotFound());
        mvc.perform(get("/devices/" + bobsDevice.deviceId() + "/activation").with(TestData.signedIn(alice)))
                .andExpect(status().isNotFound());
        mvc.perform(post("/devices/" + bobsDevice.deviceId() + "/services/hmi/open").with(TestData.signedIn(alice))
                        .with(csrf()))
                .andExpect(status().isNotFound());
        mvc.perform(post("/devices/" + bobsDevice.deviceId() + "/revoke").with(TestData.signedIn(alice))
                        .with(csrf()))
                .andExpect(status().isNotFound());
        mvc.perform(post("/devices/" + bobsDevice.deviceId() + "/activation-key").with(TestData.signedIn(alice))
                        .with(csrf()))
                .andExpect(status().isNotFound());
        mvc.perform(get("/devices/no-such-device").with(TestData.signedIn(alice)))
                .andExpect(status().isNotFound());
        verify(hmiSessions, never()).open(anyString(), anyString(), anyString(), anyString(), any(), anyBoolean());
        tunnels.tunnelDown(bobsDevice.deviceId(), "beef", "test");
    }

    @Test
    void theDevicePageListsTheValidServicesAndOpensWebOnesOnTheirOwnOrigin() throws Exception {
        tunnels.tunnelUp(alicesDevice.deviceId(), "abc123", AGENT_INFO);
        String page = mvc.perform(get("/devices/" + alicesDevice.deviceId()).with(TestData.signedIn(alice)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"device-status\"", "id=\"services\"",
                "class=\"service\" data-service=\"hmi\" data-kind=\"http\"",
                "class=\"service\" data-service=\"panel-vnc\" data-kind=\"vnc\"",
                "action=\"/devices/" + alicesDevice.deviceId() + "/services/hmi/open\"")
                .contains("class=\"service\" data-service=\"s7-web\" data-kind=\"https\"", "class=\"https-pending\"")
                .doesNotContain("bad name!", "telnet", "/services/panel-vnc/open", "/services/s7-web/open");
        assertThat(page.split("class=\"open-hmi", -1)).hasSize(2);

        URI hmi = URI.create("http://s3ss10n.hmi.localhost:8081/__gangway/enter?token=t");
        doReturn(hmi).when(hmiSessions).open(eq(alice.accountId()), eq("user"), eq(alicesDevice.deviceId()),
                eq("hmi"), eq(new LanTarget("198.19.0.2", 80)), eq(false));
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/services/hmi/open")
                        .with(TestData.signedIn(alice)).with(csrf()))
                .andExpect(status().isSeeOther())
                .andExpect(header().string("Location", hmi.toString()));
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/services/panel-vnc/open")
                        .with(TestData.signedIn(alice)).with(csrf()))
                .andExpect(status().isBadRequest());
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/services/s7-web/open")
                        .with(TestData.signedIn(alice)).with(csrf()))
                .andExpect(status().isBadRequest())
                .andExpect(status().reason(Matchers.containsString("serves HTTPS only")));

        tunnels.tunnelDown(alicesDevice.deviceId(), "abc123", "test");
        String offline = mvc.perform(get("/devices/" + alicesDevice.deviceId()).with(TestData.signedIn(alice)))
                .andReturn().getResponse().getContentAsString();
        assertThat(offline).as("services stay listed while offline")
                .contains("data-service=\"hmi\"", "id=\"device-status\"").contains(">offline<");
        mvc.perform(post("/devices/" + alicesDevice.deviceId() + "/services/hmi/open")
                        .with(TestData.signedIn(alice)).with(csrf()))
                .andExpect(status().isFound())
                .andExpect(flash().attribute("openError", Matchers.containsString("offline")));
    }

    @Test
    void addingADeviceShowsItsKeyOnceWithTheAgentCommand() throws Exception {
        MvcResult created = mvc.perform(post("/devices").with(TestData.signedIn(alice)).with(csrf())
                        .param("name", "  Press line 7 "))
                .andExpect(status().isFound()).andReturn();
        String location = created.getResponse().getRedirectedUrl();
        String key = (String) created.getFlashMap().get("activationKey");
        assertThat(location).matches("/devices/[0-9a-f-]{36}/activation");
        assertThat(key).matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){7}");

        String page = mvc.perform(get(location).with(TestData.signedIn(alice)).flashAttrs(created.getFlashMap()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"activation-key\">" + key + "<", "id=\"key-expires\"",
                "id=\"agent-command\">java -jar gangway-agent.jar register --portal http://localhost --key " + key + "<",
                "Press line 7");
        String again = mvc.perform(get(location).with(TestData.signedIn(alice)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(again).doesNotContain(key).doesNotContain("id=\"activation-key\"");

        mvc.perform(post("/devices").with(TestData.signedIn(alice)).with(csrf()).param("name", "   "))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("id=\"name-error\"")));
        mvc.perform(get("/devices/new").with(TestData.signedIn(alice)))
                .andExpect(content().string(Matchers.allOf(Matchers.containsString("name=\"name\""),
                        Matchers.containsString("id=\"create-device\""))));
    }

    @Test
    void statusEventsReachOnlyTheDevicesAccount() throws Exception {
        MvcResult alices = mvc.perform(get("/devices/events").with(TestData.signedIn(alice)))
                .andExpect(request().asyncStarted()).andReturn();
        MvcResult bobs = mvc.perform(get("/devices/events").with(TestData.signedIn(bob)))
                .andExpect(request().asyncStarted()).andReturn();
        assertThat(alices.getResponse().getContentAsString()).contains("event:device\ndata:{\"id\":\""
                + alicesDevice.deviceId() + "\",\"online\":false}");

        tunnels.tunnelUp(alicesDevice.deviceId(), "feed", AGENT_INFO);

        assertThat(alices.getResponse().getContentAsString()).contains("event:device\ndata:{\"id\":\""
                + alicesDevice.deviceId() + "\",\"online\":true}");
        assertThat(bobs.getResponse().getContentAsString()).doesNotContain(alicesDevice.deviceId());
        tunnels.tunnelDown(alicesDevice.deviceId(), "feed", "test");
        assertThat(alices.getResponse().getContentAsString()).endsWith("event:device\ndata:{\"id\":\""
                + alicesDevice.deviceId() + "\",\"online\":false}\n\n");
    }
}
