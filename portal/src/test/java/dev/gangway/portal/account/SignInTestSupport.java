package dev.gangway.portal.account;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The sign-in tests' own context: a clock the tests move (lockouts end, codes change, steps time out without
 * sleeping) and a GreenMail SMTP server the portal mails to. Every test class extending this shares the context;
 * each test makes its own account, and signs in from its own client address so the address throttle of one test
 * never meets another's.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(SignInTestConfiguration.class)
abstract class SignInTestSupport extends PortalTestSupport {

    /** Started once for the JVM: the context (and its mail port) outlives single test classes. */
    static final GreenMail MAIL = startMail();

    static final MutableClock CLOCK = new MutableClock(Instant.now());

    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;

    /** This test's client address (from a documentation range: no traffic goes anywhere, MockMvc only). */
    String address;

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> MAIL.getSmtp().getPort());
    }

    @BeforeEach
    void freshAddressAndTime() {
        int n = ADDRESSES.incrementAndGet();
        address = "198.51." + (n / 250) + "." + (n % 250 + 1);
        CLOCK.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** A new account whose one user (its admin) has this password and e-mail. */
    AppUser newUser(String password, String email) {
        PortalUser created = TestData.newUser(accounts, users, encoder, password);
        AppUser user = users.findById(created.userId()).orElseThrow();
        user.setEmail(email);
        user.setPasswordChangedAt(CLOCK.instant());
        return users.save(user);
    }

    Account accountOf(AppUser user) {
        return accounts.findById(user.getAccountId()).orElseThrow();
    }

    AppUser reload(AppUser user) {
        return users.findById(user.getId()).orElseThrow();
    }

    /** Posts the sign-in form from this test's address. */
    ResultActions enterPassword(MockHttpSession session, AppUser user, String password) throws Exception {
        return mvc.perform(post("/login").session(session).with(csrf()).with(from(address))
                .param("account", accountOf(user).getName()).param("username", user.getUsername())
                .param("password", password));
    }

    RequestPostProcessor from(String clientAddress) {
        return request -> {
            request.setRemoteAddr(clientAddress);
            return request;
        };
    }

    /** A POST of a form within a session, with CSRF token, from this test's address. */
    MockHttpServletRequestBuilder form(String path, MockHttpSession session) {
        return post(path).session(session).with(csrf()).with(from(address));
    }

    /** The TOTP code of a base32 secret for the step the test clock is in, plus {@code offset} steps. */
    static String code(String base32Secret, int offset) {
        return Totp.code(Base32.decode(base32Secret.replace(" ", "")), Totp.step(CLOCK.instant()) + offset);
    }

    private static GreenMail startMail() {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        return mail;
    }

    /** A clock tests set and move. */
    static final class MutableClock extends Clock {

        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        void advance(Duration duration) {
            now.updateAndGet(i -> i.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
