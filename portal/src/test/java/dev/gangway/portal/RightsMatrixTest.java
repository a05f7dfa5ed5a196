package dev.gangway.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.hmiproxy.HmiSessions;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Must-show 2: each right allows exactly its actions and nothing more. For every right (and for "no right" and
 * "account admin") a fresh account where a fresh user's group holds only that right on pool P containing device D;
 * device E is in pool Q, on which nobody holds anything. Every action of the table is tried and its outcome compared
 * with the expected allowed set.
 *
 * <p>Allowed means a 2xx/3xx answer and, for actions that change something, the change is in the database; refused
 * means 403 or 404 and nothing changed. Anything else (a 200 form error, a 500) fails the cell.
 */
@SpringBootTest
@AutoConfigureMockMvc
class RightsMatrixTest extends PortalTestSupport {

    /** The actions of the matrix, in the order they are tried (reads first). */
    enum Action {
        LIST_SHOWS_D, LIST_SHOWS_E, VIEW_D, OPEN_HMI_D, ADD_DEVICE_INTO_POOL, NEW_ACTIVATION_KEY_D, REVOKE_D,
        VIEW_USERS, CREATE_USER, VIEW_GROUPS, ADD_MEMBER, VIEW_POOLS, VIEW_RIGHTS, SAVE_RIGHTS, VIEW_SETTINGS,
        VIEW_CONNECTIONS, VIEW_AUDIT
    }

    /** Who tries: a user holding one right on P, a user holding none, or the account admin. */
    record Subject(String label, Right right, boolean admin) {
        @Override
        public String toString() {
            return label;
        }
    }

    static final Set<Action> ANY_RIGHT = EnumSet.of(Action.LIST_SHOWS_D, Action.VIEW_D);

    /** The final expectations, whatever part of the portal builds the page. */
    static Set<Action> allowed(Subject subject) {
        if (subject.admin()) {
            return EnumSet.allOf(Action.class);
        }
        if (subject.right() == null) {
            return EnumSet.noneOf(Action.class);
        }
        Set<Action> allowed = EnumSet.copyOf(ANY_RIGHT);
        switch (subject.right()) {
            case OPEN_WEB_HMI -> allowed.add(Action.OPEN_HMI_D);
            case MANAGE_DEVICES -> allowed.addAll(EnumSet.of(Action.ADD_DEVICE_INTO_POOL,
                    Action.NEW_ACTIVATION_KEY_D, Action.REVOKE_D));
            case MANAGE_USERS -> allowed.addAll(EnumSet.of(Action.VIEW_USERS, Action.CREATE_USER,
                    Action.VIEW_GROUPS, Action.ADD_MEMBER));
            default -> {
                // VIEW_STATUS; DESKTOP_*, CLIENT_FORWARD and SEND_ALARMS act in later issues: viewing only today
            }
        }
        return allowed;
    }

    static Stream<Subject> subjects() {
        List<Subject> subjects = new ArrayList<>();
        subjects.add(new Subject("no right", null, false));
        for (Right right : Right.values()) {
            subjects.add(new Subject(right.name(), right, false));
        }
        subjects.add(new Subject("account admin", null, true));
        return subjects.stream();
    }

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
    @Autowired
    HmiSessions hmiSessions;

    /** One account set up for one subject. */
    private record Fixture(PortalUser admin, PortalUser subject, String d, String e, String p, String q,
            String emptyGroup, PortalUser outsider) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void eachRightAllowsExactlyItsActions(Subject subject) throws Exception {
        Fixture f = fixture(subject);
        DeviceTestData.online(tunnels, f.d());
        List<String> wrong = new ArrayList<>();
        try {
            Set<Action> expected = allowed(subject);
            for (Action action : Action.values()) {
                Outcome outcome = attempt(action, f);
                boolean shouldBeAllowed = expected.contains(action);
                if (outcome.kind() != (shouldBeAllowed ? Kind.ALLOWED : Kind.REFUSED)) {
                    wrong.add(action + ": expected " + (shouldBeAllowed ? "allowed" : "refused") + ", was "
                            + outcome.detail());
                }
            }
        } finally {
            DeviceTestData.offline(tunnels, f.d());
            hmiSessions.endForUser(f.subject().accountId(), f.subject().username());
        }
        assertThat(wrong).as("cells of the rights matrix for " + subject).isEmpty();
    }

    private Fixture fixture(Subject subject) {
        RightsTestData data = new RightsTestData(jdbc);
        PortalUser admin = TestData.newUser(accounts, users, encoder, "pw");
        String d = DeviceTestData.newDevice(registry, admin.accountId(), "D");
        String e = DeviceTestData.newDevice(registry, admin.accountId(), "E");
        String p = data.pool(admin.accountId(), "P");
        String q = data.pool(admin.accountId(), "Q");
        data.poolDevice(p, d);
        data.poolDevice(q, e);
        PortalUser user = subject.admin() ? admin : data.userWith(admin, p, subject.right());
        String emptyGroup = data.group(admin.accountId(), "Empty");
        PortalUser outsider = data.newMember(admin, "outsider");
        return new Fixture(admin, user, d, e, p, q, emptyGroup, outsider);
    }

    /** How an attempt ended: allowed, refused (403/404, nothing changed) or neither. */
    enum Kind { ALLOWED, REFUSED, OTHER }

    /** An attempt's outcome and what was seen, for the failure message. */
    record Outcome(Kind kind, String detail) {
        static Outcome of(boolean allowed, int status, String what) {
            Kind kind = allowed ? Kind.ALLOWED : status == 403 || status == 404 ? Kind.REFUSED : Kind.OTHER;
            return new Outcome(kind, kind.name().toLowerCase(java.util.Locale.ROOT) + " (" + what + ")");
        }
    }

    private Outcome attempt(Action action, Fixture f) throws Exception {
        String d = f.d();
        return switch (action) {
            case LIST_SHOWS_D, LIST_SHOWS_E -> {
                MvcResult list = perform(get("/devices"), f);
                String device = action == Action.LIST_SHOWS_D ? d : f.e();
                boolean shown = list.getResponse().getContentAsString().contains("data-device-id=\"" + device + "\"");
                yield shown ? Outcome.of(true, 200, "listed") : Outcome.of(false, 404, "not listed, status "
                        + list.getResponse().getStatus());
            }
            case VIEW_D -> status(perform(get("/devices/" + d), f), null);
            case OPEN_HMI_D -> {
                MvcResult open = perform(post("/devices/" + d + "/services/hmi/open"), f);
                int status = open.getResponse().getStatus();
                yield Outcome.of(status == 303, status, "status " + status + " " + open.getResponse()
                        .getRedirectedUrl());
            }
            case ADD_DEVICE_INTO_POOL -> {
                String name = "new-" + UUID.randomUUID();
                MvcResult created = perform(post("/devices").param("name", name).param("pool", f.p()), f);
                Integer inPool = jdbc.queryForObject("select count(*) from device d join pool_device pd on"
                        + " pd.device_id = d.id where d.name = ? and pd.pool_id = ?", Integer.class, name, f.p());
                yield status(created, inPool != null && inPool == 1);
            }
            case NEW_ACTIVATION_KEY_D -> {
                Integer before = keys(d);
                MvcResult key = perform(post("/devices/" + d + "/activation-key"), f);
                yield status(key, keys(d) > before);
            }
            case REVOKE_D -> status(perform(post("/devices/" + d + "/revoke"), f), null);
            case VIEW_USERS -> status(perform(get("/admin/users"), f), null);
            case CREATE_USER -> {
                String username = "created-" + UUID.randomUUID().toString().substring(0, 8);
                MvcResult created = perform(post("/admin/users").param("username", username)
                        .param("email", username + "@example.com"), f);
                Integer rows = jdbc.queryForObject("select count(*) from app_user where account_id = ? and"
                        + " username = ?", Integer.class, f.admin().accountId(), username);
                yield status(created, rows != null && rows == 1);
            }
            case VIEW_GROUPS -> status(perform(get("/admin/groups"), f), null);
            case ADD_MEMBER -> {
                MvcResult added = perform(post("/admin/groups/" + f.emptyGroup() + "/members")
                        .param("userId", f.outsider().userId()), f);
                Integer rows = jdbc.queryForObject("select count(*) from group_member where group_id = ? and"
                        + " user_id = ?", Integer.class, f.emptyGroup(), f.outsider().userId());
                yield status(added, rows != null && rows == 1);
            }
            case VIEW_POOLS -> status(perform(get("/admin/pools"), f), null);
            case VIEW_RIGHTS -> status(perform(get("/admin/rights"), f), null);
            case SAVE_RIGHTS -> {
                List<String> grants = new ArrayList<>(new RightsTestData(jdbc).grants(f.admin().accountId()));
                String added = f.emptyGroup() + ":" + f.q() + ":VIEW_STATUS";
                grants.add(added);
                MvcResult saved = perform(post("/admin/rights").param("complete", "1")
                        .param("grant", grants.toArray(String[]::new)), f);
                yield status(saved, new RightsTestData(jdbc).grants(f.admin().accountId()).contains(added));
            }
            case VIEW_SETTINGS -> status(perform(get("/admin/settings"), f), null);
            case VIEW_CONNECTIONS -> status(perform(get("/admin/connections"), f), null);
            case VIEW_AUDIT -> status(perform(get("/admin/audit"), f), null);
        };
    }

    private Integer keys(String deviceId) {
        return jdbc.queryForObject("select count(*) from activation_key where device_id = ?", Integer.class,
                deviceId);
    }

    /** 2xx/3xx is allowed when {@code changed} is null or true; 403/404 with nothing changed is refused. */
    private static Outcome status(MvcResult result, Boolean changed) {
        int status = result.getResponse().getStatus();
        boolean success = status >= 200 && status < 400;
        String what = "status " + status + (changed == null ? "" : changed ? ", changed" : ", unchanged");
        if (success && (changed == null || changed)) {
            return Outcome.of(true, status, what);
        }
        if (!success && Boolean.TRUE.equals(changed)) {
            return Outcome.of(false, 500, what + " although refused");
        }
        return Outcome.of(false, success ? 200 : status, what);
    }

    private MvcResult perform(MockHttpServletRequestBuilder request, Fixture f) throws Exception {
        return mvc.perform(request.with(TestData.signedIn(f.subject())).with(csrf())).andReturn();
    }
}
