package dev.gangway.portal.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;

class SessionLifetimeFilterTest {

    @Test
    void aSessionOlderThanTheAbsoluteTimeoutIsEndedBeforeAnythingReadsIt() throws Exception {
        MockHttpSession session = new MockHttpSession();
        Clock thirteenHoursLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(13));
        MockFilterChain chain = new MockFilterChain();

        new SessionLifetimeFilter(Duration.ofHours(12), thirteenHoursLater)
                .doFilter(request(session), new MockHttpServletResponse(), chain);

        assertThat(session.isInvalid()).isTrue();
        assertThat(chain.getRequest()).as("the request goes on, without its session").isNotNull();
    }

    @Test
    void aYoungerSessionStays() throws Exception {
        MockHttpSession session = new MockHttpSession();
        Clock elevenHoursLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(11));

        new SessionLifetimeFilter(Duration.ofHours(12), elevenHoursLater)
                .doFilter(request(session), new MockHttpServletResponse(), new MockFilterChain());

        assertThat(session.isInvalid()).isFalse();
    }

    @Test
    void aSessionPastTheDeadlineItsSignInSetEndsBeforeTheGlobalBound() throws Exception {
        MockHttpSession session = new MockHttpSession();
        Clock now = Clock.systemUTC();
        SessionLifetimeFilter.setDeadline(session, now.instant(), now.instant().plus(Duration.ofHours(2)));

        new SessionLifetimeFilter(Duration.ofHours(12), Clock.offset(now, Duration.ofMinutes(119)))
                .doFilter(request(session), new MockHttpServletResponse(), new MockFilterChain());
        assertThat(session.isInvalid()).as("before the deadline").isFalse();

        new SessionLifetimeFilter(Duration.ofHours(12), Clock.offset(now, Duration.ofHours(2)))
                .doFilter(request(session), new MockHttpServletResponse(), new MockFilterChain());
        assertThat(session.isInvalid()).as("at the deadline").isTrue();
    }

    @Test
    void theGlobalBoundWinsOverALaterDeadline() throws Exception {
        MockHttpSession session = new MockHttpSession();
        SessionLifetimeFilter.setDeadline(session, Clock.systemUTC().instant(),
                Clock.systemUTC().instant().plus(Duration.ofHours(48)));

        new SessionLifetimeFilter(Duration.ofHours(12), Clock.offset(Clock.systemUTC(), Duration.ofHours(13)))
                .doFilter(request(session), new MockHttpServletResponse(), new MockFilterChain());

        assertThat(session.isInvalid()).isTrue();
    }

    @Test
    void theGlobalBoundCountsFromTheSignInNotFromASignInPageLeftOpen() throws Exception {
        MockHttpSession session = new MockHttpSession();
        Clock now = Clock.systemUTC();
        // the session was created by the sign-in page 11 hours before the sign-in
        Clock signIn = Clock.offset(now, Duration.ofHours(11));
        SessionLifetimeFilter.setDeadline(session, signIn.instant(), null);

        new SessionLifetimeFilter(Duration.ofHours(12), Clock.offset(signIn, Duration.ofHours(2)))
                .doFilter(request(session), new MockHttpServletResponse(), new MockFilterChain());
        assertThat(session.isInvalid()).as("2 h after the sign-in, 13 h after the session's creation").isFalse();

        new SessionLifetimeFilter(Duration.ofHours(12), Clock.offset(signIn, Duration.ofHours(12).plusSeconds(1)))
                .doFilter(request(session), new MockHttpServletResponse(), new MockFilterChain());
        assertThat(session.isInvalid()).as("12 h after the sign-in").isTrue();
    }

    private static MockHttpServletRequest request(MockHttpSession session) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/devices");
        request.setSession(session);
        return request;
    }
}
