package dev.gangway.portal.sms;

import static dev.gangway.portal.TestData.signedIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.TestData;
import dev.gangway.portal.account.PhoneNumbers;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.alarm.AlarmTestSupport;
import dev.gangway.portal.rights.RightsTestData;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The phone number alarm SMS go to: typed in international form with or without separators, stored as
 * {@code +<digits>}; anything else gets a sentence saying how to write it and changes nothing. Users set their own
 * on My account; administrators and user managers set other users' on the users pages (another account's user is
 * not found); every change is audited.
 */
class PhoneNumberPagesTest extends AlarmTestSupport {

    @Autowired
    MockMvc mvc;

    @Test
    void typedFormsAreNormalisedAndBadOnesExplained() {
        assertThat(PhoneNumbers.normalise("+49 (170) 123-45.67")).contains("+491701234567");
        assertThat(PhoneNumbers.normalise("0041 44 668 18 00")).contains("+41446681800");
        assertThat(PhoneNumbers.normalise("  ")).isEmpty();
        assertThatThrownBy(() -> PhoneNumbers.normalise("0170 1234567")).hasMessageContaining("country code");
        assertThatThrownBy(() -> PhoneNumbers.normalise("+49 170 12345678901234"))
                .hasMessage(PhoneNumbers.HELP);
        assertThatThrownBy(() -> PhoneNumbers.normalise("+49 170 CALL-ME")).hasMessage(PhoneNumbers.HELP);
        assertThatThrownBy(() -> PhoneNumbers.normalise("+0170123456")).hasMessage(PhoneNumbers.HELP);
        assertThatThrownBy(() -> PhoneNumbers.normalise("+1234567")).as("too short").hasMessage(PhoneNumbers.HELP);
    }

    @Test
    void myAccountSetsAndClearsTheOwnPhoneNumber() throws Exception {
        PortalUser me = TestData.newUser(accounts, users, encoder, "pw");

        mvc.perform(post("/account/phone").with(csrf()).with(signedIn(me)).param("phoneNumber", "+49 170 1234567"))
                .andExpect(redirectedUrl("/account?phone-saved"));
        assertThat(phoneOf(me)).isEqualTo("+491701234567");
        assertThat(mvc.perform(get("/account").with(signedIn(me))).andReturn().getResponse()
                .getContentAsString()).contains("id=\"my-phone\">+491701234567<");

        String page = mvc.perform(post("/account/phone").with(csrf()).with(signedIn(me))
                .param("phoneNumber", "<b>0170</b>")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
        assertThat(page).contains("id=\"phone-error\"", "country code", "&lt;b&gt;0170&lt;/b&gt;")
                .doesNotContain("<b>0170");
        assertThat(phoneOf(me)).as("unchanged").isEqualTo("+491701234567");

        mvc.perform(post("/account/phone").with(csrf()).with(signedIn(me)).param("phoneNumber", ""))
                .andExpect(redirectedUrl("/account?phone-saved"));
        assertThat(phoneOf(me)).isNull();
        assertThat(jdbc.queryForList("select detail from audit_event where action = 'user.phone' and account_id = ?"
                + " order by occurred_at", String.class, me.accountId()))
                .containsExactly("user user, phone number +491701234567", "user user, phone number removed");
    }

    @Test
    void administratorsSetOtherUsersPhoneNumbersButNotAnotherAccountsNorTheirOwnHere() throws Exception {
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        PortalUser member = new RightsTestData(jdbc).newMember(admin, "m-" + UUID.randomUUID().toString()
                .substring(0, 8));

        mvc.perform(post("/admin/users/" + member.userId() + "/phone").with(csrf()).with(signedIn(admin))
                .param("phoneNumber", "0044 20 7946 0958")).andExpect(redirectedUrl("/admin/users/"
                        + member.userId())).andExpect(flash().attribute("message", "Phone number saved."));
        assertThat(phoneOf(member)).isEqualTo("+442079460958");

        String page = mvc.perform(post("/admin/users/" + member.userId() + "/phone").with(csrf())
                .with(signedIn(admin)).param("phoneNumber", "12")).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(page).contains("id=\"phone-number-error\"", "international form");
        assertThat(phoneOf(member)).isEqualTo("+442079460958");

        mvc.perform(post("/admin/users/" + admin.userId() + "/phone").with(csrf()).with(signedIn(admin))
                .param("phoneNumber", "+491701234567"))
                .andExpect(flash().attribute("actionError", "Change your own phone number on My account."));
        assertThat(phoneOf(admin)).isNull();

        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");
        mvc.perform(post("/admin/users/" + member.userId() + "/phone").with(csrf()).with(signedIn(stranger))
                .param("phoneNumber", "+491709999999")).andExpect(status().isNotFound());
        assertThat(phoneOf(member)).isEqualTo("+442079460958");
    }

    @Test
    void aNewUserMayGetAPhoneNumberAndABadOneCreatesNobody() throws Exception {
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        String name = "n-" + UUID.randomUUID().toString().substring(0, 8);

        String page = mvc.perform(post("/admin/users").with(csrf()).with(signedIn(admin)).param("username", name)
                .param("email", name + "@example.test").param("phoneNumber", "0170 1234567"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"phone-number-error\"", "country code");
        assertThat(users.findByAccountIdAndUsername(admin.accountId(), name)).isEmpty();

        mvc.perform(post("/admin/users").with(csrf()).with(signedIn(admin)).param("username", name)
                .param("email", name + "@example.test").param("phoneNumber", "+49 170 7654321"))
                .andExpect(status().is3xxRedirection());
        assertThat(users.findByAccountIdAndUsername(admin.accountId(), name).orElseThrow().getPhoneNumber())
                .isEqualTo("+491707654321");
    }
}
