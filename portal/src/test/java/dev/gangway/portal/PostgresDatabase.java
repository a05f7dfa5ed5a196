package dev.gangway.portal;


import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A fresh PostgreSQL database for a test context, on the local PostgreSQL 15 that {@code script/test} starts.
 *
 * <p>{@link #register} creates {@code gangway_test_<random>} as the role {@code gangway_test} (which
 * {@code script/test} creates with CREATEDB; password from {@code GANGWAY_TEST_PG_PASSWORD}, default
 * {@value #DEFAULT_PASSWORD}) and points {@code spring.datasource.*} at it; Flyway then migrates it like a
 * production database. The database is dropped when the test JVM exits.
 *
 * <p>When PostgreSQL cannot be reached the test is skipped on a developer's machine, but fails with
 * {@code CI=true}, so CI never passes without running the PostgreSQL tests (as {@code NetworkLab} does for the
 * end-to-end tests). Annotate the test class with {@code @ExtendWith(PostgresDatabase.class)}: the check then runs
 * before Spring builds the context (an assumption failing inside the context's set-up would be reported as an
 * error, not a skip).
 *
 * <pre>
 * &#64;ExtendWith(PostgresDatabase.class)
 * class PersistencePostgresTest extends PersistenceTest {
 *     &#64;DynamicPropertySource
 *     static void postgres(DynamicPropertyRegistry registry) {
 *         PostgresDatabase.register(registry);
 *     }
 * }
 * </pre>
 */
public final class PostgresDatabase implements ExecutionCondition {

    static final String DEFAULT_PASSWORD = "gangway-test";
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String ROLE = "gangway_test";

    /** Only JUnit creates it, as an extension. */
    PostgresDatabase() {
    }

    /** Runs the class only when PostgreSQL answers; skips it otherwise, or fails it with {@code CI=true}. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        try (Connection connection = connect()) {
            return ConditionEvaluationResult.enabled("PostgreSQL answers at 127.0.0.1:5432");
        } catch (SQLException e) {
            String message = unavailable(e);
            if (MachineTools.inCi()) {
                throw new IllegalStateException(message + " (CI=true: not skipped)", e);
            }
            return ConditionEvaluationResult.disabled(message);
        }
    }

    /** Creates the database and registers its URL, user name and password. */
    public static void register(DynamicPropertyRegistry registry) {
        String database = "gangway_test_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        create(database);
        registry.add("spring.datasource.url", () -> SERVER + database);
        registry.add("spring.datasource.username", () -> ROLE);
        registry.add("spring.datasource.password", PostgresDatabase::password);
    }

    private static void create(String database) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("create database " + database);
        } catch (SQLException e) {
            MachineTools.require(false, unavailable(e));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(database), "drop-" + database));
    }

    /** Drops the database, ending the connections the test context may still hold (PostgreSQL 13+). */
    private static void drop(String database) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + database + " with (force)");
        } catch (SQLException e) {
            System.err.println("Could not drop the test database " + database + ": " + e.getMessage());
        }
    }

    private static Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ROLE);
        properties.setProperty("password", password());
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(SERVER + "postgres", properties);
    }

    private static String unavailable(SQLException e) {
        return "PostgreSQL is not available at 127.0.0.1:5432 as " + ROLE + " (" + e.getMessage()
                + "): run script/test, or start the cluster and create the role as it does (docs/testing.md)";
    }

    private static String password() {
        String password = System.getenv("GANGWAY_TEST_PG_PASSWORD");
        return password == null || password.isEmpty() ? DEFAULT_PASSWORD : password;
    }
}
