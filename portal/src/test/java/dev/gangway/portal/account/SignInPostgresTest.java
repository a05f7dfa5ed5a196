package dev.gangway.portal.account;

import dev.gangway.portal.PostgresDatabase;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SignInTest} on PostgreSQL 15, in a fresh database (skipped without PostgreSQL, failed in CI). */
@ExtendWith(PostgresDatabase.class)
class SignInPostgresTest extends SignInTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry);
    }
}
