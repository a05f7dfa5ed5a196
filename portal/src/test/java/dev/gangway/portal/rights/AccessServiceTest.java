package dev.gangway.portal.rights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.crypto.password.PasswordEncoder;

@SpringBootTest
class AccessServiceTest extends PortalTestSupport {

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
    AccessService access;

    RightsTestData data;
    PortalUser admin;
    PortalUser jane;
    String press;
    String mill;
    String lathe;
    String linePool;
    String millPool;

    @BeforeEach
    void anAccountWithTwoPools() {
        data = new RightsTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
        jane = data.newMember(admin, "jane");
        press = DeviceTestData.newDevice(registry, admin.accountId(), "Press");
        mill = DeviceTestData.newDevice(registry, admin.accountId(), "Mill");
        lathe = DeviceTestData.newDevice(registry, admin.accountId(), "Lathe");
        linePool = data.pool(admin.accountId(), "Line");
        millPool = data.pool(admin.accountId(), "Mills");
        data.poolDevice(linePool, press);
        data.poolDevice(linePool, mill);
        data.poolDevice(millPool, mill);
        String viewers = data.group(admin.accountId(), "Viewers");
        String technicians = data.group(admin.accountId(), "Technicians");
        data.member(viewers, jane);
        data.member(technicians, jane);
        data.grant(viewers, linePool, Right.VIEW_STATUS);
        data.grant(technicians, millPool, Right.OPEN_WEB_HMI);
        data.grant(technicians, millPool, Right.MANAGE_DEVICES);
    }

    @Test
    void aUsersRightsAreTheUnionOverTheirGroupsAndThePoolsHoldingTheDevice() {
        assertThat(access.rightsOn(jane, press)).containsExactly(Right.VIEW_STATUS);
        assertThat(access.rightsOn(jane, mill))
                .containsExactlyInAnyOrder(Right.VIEW_STATUS, Right.OPEN_WEB_HMI, Right.MANAGE_DEVICES);
        assertThat(access.rightsOn(jane, lathe)).isEmpty();
        assertThat(access.can(jane, mill, Right.OPEN_WEB_HMI)).isTrue();
        assertThat(access.can(jane, press, Right.OPEN_WEB_HMI)).isFalse();
        assertThat(access.visibleDeviceIds(jane)).containsExactlyInAnyOrder(press, mill);
        assertThat(access.holdsAnywhere(jane, Right.MANAGE_DEVICES)).isTrue();
        assertThat(access.holdsAnywhere(jane, Right.MANAGE_USERS)).isFalse();
        assertThat(access.isAdmin(jane)).isFalse();
        assertThat(access.poolsWhere(jane, Right.MANAGE_DEVICES)).containsExactly(millPool);
        assertThatThrownBy(() -> access.requireAdmin(jane)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> access.requireAnywhere(jane, Right.MANAGE_USERS))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("Manage users and groups");
        access.requireAnywhere(jane, Right.MANAGE_DEVICES);
    }

    @Test
    void adminsHoldEveryRightOnEveryDeviceOfTheirAccountAndNothingElsewhere() {
        PortalUser other = TestData.newUser(accounts, users, encoder, "pw");
        String foreign = DeviceTestData.newDevice(registry, other.accountId(), "Foreign");
        assertThat(access.isAdmin(admin)).isTrue();
        assertThat(access.rightsOn(admin, lathe)).isEqualTo(EnumSet.allOf(Right.class));
        assertThat(access.visibleDeviceIds(admin)).containsExactlyInAnyOrder(press, mill, lathe);
        assertThat(access.rightsOn(admin, foreign)).isEmpty();
        assertThat(access.rightsOn(admin, "no-such-device")).isEmpty();
        assertThat(access.poolsWhere(admin, Right.MANAGE_DEVICES)).containsExactlyInAnyOrder(linePool, millPool);
        access.requireAdmin(admin);
    }

    @Test
    void rowsThatLinkTwoAccountsGrantNothing() {
        PortalUser other = TestData.newUser(accounts, users, encoder, "pw");
        String foreign = DeviceTestData.newDevice(registry, other.accountId(), "Foreign");
        String foreignPool = data.pool(other.accountId(), "Theirs");
        data.poolDevice(foreignPool, foreign);
        data.poolDevice(linePool, foreign);
        String janes = data.group(admin.accountId(), "Cross");
        data.member(janes, jane);
        data.grant(janes, foreignPool, Right.OPEN_WEB_HMI);

        assertThat(access.rightsOn(jane, foreign)).isEmpty();
        assertThat(access.visibleDeviceIds(jane)).doesNotContain(foreign);
        assertThat(access.poolsWhere(jane, Right.OPEN_WEB_HMI)).containsExactly(millPool);
        PortalUser impostor = new PortalUser(jane.userId(), "jane", other.accountId(), other.accountName());
        assertThat(access.rightsOn(impostor, mill)).isEmpty();
        assertThat(access.visibleDeviceIds(impostor)).isEmpty();
    }

    @Test
    void aDisabledOrExpiredUserHoldsNothingAdminOrNot() {
        jdbc.update("update app_user set enabled = false where id = ?", jane.userId());
        assertThat(access.rightsOn(jane, mill)).isEmpty();
        assertThat(access.visibleDeviceIds(jane)).isEmpty();
        jdbc.update("update app_user set enabled = true, expires_at = ? where id = ?",
                Timestamp.from(Instant.now().minusSeconds(60)), jane.userId());
        assertThat(access.rightsOn(jane, mill)).isEmpty();
        jdbc.update("update app_user set expires_at = ? where id = ?", Timestamp.from(Instant.now().plusSeconds(600)),
                jane.userId());
        assertThat(access.rightsOn(jane, mill)).contains(Right.OPEN_WEB_HMI);

        jdbc.update("update app_user set expires_at = ? where id = ?", Timestamp.from(Instant.now().minusSeconds(1)),
                admin.userId());
        assertThat(access.isAdmin(admin)).isFalse();
        assertThat(access.rightsOn(admin, press)).isEmpty();
        assertThat(access.holdsAnywhere(admin, Right.VIEW_STATUS)).isFalse();
    }

    @Test
    void holdersListWhoMayOpenWhichDeviceNow() {
        PortalUser bob = data.newMember(admin, "bob");
        assertThat(access.holders(admin.accountId(), Right.OPEN_WEB_HMI))
                .containsEntry("jane", java.util.Set.of(mill))
                .containsEntry("bob", java.util.Set.of())
                .containsEntry("user", java.util.Set.of(press, mill, lathe));
        jdbc.update("update app_user set enabled = false where id = ?", bob.userId());
        assertThat(access.holders(admin.accountId(), Right.OPEN_WEB_HMI)).doesNotContainKey("bob");
    }
}
