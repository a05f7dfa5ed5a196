package dev.gangway.portal.account;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;

/** The sign-in tests' beans: the movable clock, and a listener that collects {@link UserAccessEnded} events. */
@TestConfiguration(proxyBeanMethods = false)
class SignInTestConfiguration {

    @Bean
    @Primary
    Clock testClock() {
        return SignInTestSupport.CLOCK;
    }

    @Bean
    Endings endings() {
        return new Endings();
    }

    /** Collects the published {@link UserAccessEnded} events. */
    static class Endings {
        final List<UserAccessEnded> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void ended(UserAccessEnded event) {
            seen.add(event);
        }
    }
}
