package dev.gangway.portal.desktop.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.web.DesktopMode;
import org.junit.jupiter.api.Test;

/** The caps on live desktops: per user, per device and for the whole portal (SECURITY.md 18). */
class LiveDesktopsTest {

    private final LiveDesktops live = new LiveDesktops();
    private int next;

    private LiveDesktops.Live session(String account, String user, String device) {
        String id = "s" + next++;
        return new LiveDesktops.Live() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String accountId() {
                return account;
            }

            @Override
            public String username() {
                return user;
            }

            @Override
            public String deviceId() {
                return device;
            }

            @Override
            public DesktopMode mode() {
                return DesktopMode.CONTROL;
            }

            @Override
            public void end(DesktopEnd end) {
                // not ended in this test
            }
        };
    }

    @Test
    void eachCapRefusesInWordsAndAClosedSessionMakesRoom() {
        assertThat(live.add(session("a", "alice", "d1"), 2, 3, 5)).isNull();
        assertThat(live.add(session("a", "alice", "d2"), 2, 3, 5)).isNull();
        assertThat(live.add(session("a", "alice", "d3"), 2, 3, 5)).isEqualTo(
                "you have 2 desktops open already; close one first");
        // the same name in another account is another user
        assertThat(live.add(session("b", "alice", "d1"), 2, 3, 5)).isNull();
        LiveDesktops.Live third = session("a", "bob", "d1");
        assertThat(live.add(third, 2, 3, 5)).isNull();
        assertThat(live.add(session("a", "carol", "d1"), 2, 3, 5)).isEqualTo(
                "this device has 3 desktops open already; try again when one is closed");
        assertThat(live.add(session("a", "carol", "d9"), 2, 3, 5)).isNull();
        assertThat(live.add(session("a", "dave", "d8"), 2, 3, 5)).isEqualTo(
                "the portal has 5 desktops open already; try again later");

        live.remove(third);
        assertThat(live.add(session("a", "carol", "d1"), 2, 3, 5)).isNull();
        assertThat(live.sessions()).hasSize(5);
    }
}
