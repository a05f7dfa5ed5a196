package dev.gangway.portal;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link PersistenceTest} on PostgreSQL 15, in a fresh database (skipped without PostgreSQL, failed in CI). */
@ExtendWith(PostgresDatabase.class)
class PersistencePostgresTest extends PersistenceTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry);
    }
}
