package dev.gangway.portal;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link TenantIsolationTest} on PostgreSQL 15, in a fresh database (skipped without PostgreSQL, failed in CI). */
@ExtendWith(PostgresDatabase.class)
class TenantIsolationPostgresTest extends TenantIsolationTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry);
    }
}
