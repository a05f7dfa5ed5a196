package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.TestData;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.pki.CertificatesRevoked;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpMethod;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A client port forward that is open when its user's access ends or shrinks is cut at the relay (both legs), and
 * its connection record says why, while the forwards of other users go on: a member removed from their group, a
 * disabled user, a client that signs out, a revoked device certificate, and, found by the sweep, an access date
 * that passed, a right removed without an event, a password the user changed themselves.
 */
class ClientForwardEndingTest extends ClientRelayTestSupport {

    @Autowired
    ForwardEnding ending;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    PlatformTransactionManager transactions;

    PortalUser other;
    Forward mine;
    Forward theirs;

    /** The member and another user of the account, each with a forward open to the device. */
    @BeforeEach
    void twoForwardsOpen() throws Exception {
        other = new RightsTestData(jdbc).userWith(admin, pool, Right.CLIENT_FORWARD);
        mine = forward(member, newAddress());
        theirs = forward(other, newAddress());
    }

    @Test
    void removingTheMemberFromTheGroupCutsTheirForward() throws Exception {
        mvc.perform(post("/admin/groups/" + group + "/members/" + member.userId() + "/remove")
                .with(TestData.signedIn(admin)).with(csrf())).andExpect(status().is3xxRedirection());

        assertCut(mine, member).startsWith("ended: the 'Client port forwards' right went away (")
                .contains("removed from group");
        assertGoesOn(theirs, other);
    }

    @Test
    void disablingTheUserCutsTheirForward() throws Exception {
        mvc.perform(post("/admin/users/" + member.userId() + "/disable").with(TestData.signedIn(admin))
                .with(csrf())).andExpect(status().is3xxRedirection());

        assertCut(mine, member).startsWith("ended: ").contains("disabled by " + admin.getName());
        assertGoesOn(theirs, other);
    }

    @Test
    void signingOutCutsTheSessionsForwards() throws Exception {
        assertThat(perform(call(HttpMethod.DELETE, "/sessions/current", mine.token(), null, address)).getResponse()
                .getStatus()).isEqualTo(204);

        assertCut(mine, member).isEqualTo("ended: the client session ended (signed out)");
        assertGoesOn(theirs, other);
    }

    @Test
    void revokingTheDevicesCertificateCutsItsForwardsAndSaysSo() {
        new TransactionTemplate(transactions).executeWithoutResult(tx ->
                events.publishEvent(new CertificatesRevoked(Set.of(deviceId))));

        assertCut(mine, member).isEqualTo("ended: the device's certificate was revoked");
        assertCut(theirs, other).isEqualTo("ended: the device's certificate was revoked");
    }

    @Test
    void theSweepCutsAForwardWhoseUsersAccessDatePassed() {
        jdbc.update("update app_user set expires_at = ? where id = ?", Timestamp.from(Instant.now().minusSeconds(1)),
                member.userId());

        ending.sweep();

        assertCut(mine, member).isEqualTo("ended: the client session ended (the user's access ended)");
        assertGoesOn(theirs, other);
    }

    @Test
    void theSweepCutsAForwardWhoseRightWasRemovedWithoutAnEvent() {
        jdbc.update("delete from pool_right where group_id = ?", group);

        ending.sweep();

        assertCut(mine, member).isEqualTo("ended: the 'Client port forwards' right went away");
        assertGoesOn(theirs, other);
    }

    @Test
    void theSweepCutsAForwardWhoseUserChangedTheirPassword() {
        jdbc.update("update app_user set password_hash = '{noop}changed' where id = ?", member.userId());

        ending.sweep();

        assertCut(mine, member).isEqualTo("ended: the client session ended (the user's password or second factor "
                + "changed)");
        assertGoesOn(theirs, other);
    }

    /** The forward's stream closed at the client, its record closed with its bytes; returns the record's reason. */
    private org.assertj.core.api.AbstractStringAssert<?> assertCut(Forward forward, PortalUser user) {
        await().atMost(WAIT).until(() -> !forward.stream().isActive());
        await().atMost(WAIT).until(() -> count("select count(*) from connection_record where user_id = ? and"
                + " ended_at is not null", user.userId()) == 1);
        Map<String, Object> row = jdbc.queryForMap("select * from connection_record where user_id = ?",
                user.userId());
        long echoed = ("hello from " + user.username() + "\n").length();
        assertThat(row.get("bytes_in")).as("bytes to the device, counted up to the cut").isEqualTo(echoed);
        assertThat(row.get("bytes_out")).isEqualTo(echoed);
        assertThat(forward.client().isActive()).as("the stream ends, not the client's connection to the relay")
                .isTrue();
        return assertThat((String) row.get("end_reason"));
    }

    /** The forward still carries bytes and its record is open. */
    private void assertGoesOn(Forward forward, PortalUser user) {
        assertThat(echoThrough(forward.stream(), "still here\n")).isEqualTo("still here\n");
        assertThat(forward.stream().isActive()).isTrue();
        assertThat(count("select count(*) from connection_record where user_id = ? and ended_at is null",
                user.userId())).isOne();
    }
}
