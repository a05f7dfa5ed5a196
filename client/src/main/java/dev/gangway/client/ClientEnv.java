package dev.gangway.client;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a command takes from the process around it: environment variables, the home directory, the console,
 * standard output and error, and how it learns that it should stop. Tests pass their own.
 *
 * @param variables environment variables ({@code GANGWAY_PASSWORD}, {@code XDG_CONFIG_HOME})
 * @param home      the user's home directory (for {@code ~/.config/gangway/session.json})
 * @param terminal  asks for a password or a two-factor code when needed
 * @param out       results (tables, JSON)
 * @param err       errors and warnings, one line each, starting with {@code gangway: }
 * @param stops     gives {@code connect} the signal it runs until (SIGINT/SIGTERM in the real process)
 */
public record ClientEnv(Map<String, String> variables, Path home, Terminal terminal, PrintWriter out,
        PrintWriter err, Supplier<StopSignal> stops) {

    public ClientEnv {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(stops, "stops");
    }

    /** The real process: its environment, console, stdout/stderr and signals. */
    public static ClientEnv system() {
        Charset charset = Charset.defaultCharset();
        return new ClientEnv(System.getenv(), Path.of(System.getProperty("user.home")), Terminal.system(),
                new PrintWriter(new OutputStreamWriter(System.out, charset), true),
                new PrintWriter(new OutputStreamWriter(System.err, charset), true),
                StopSignal::install);
    }

    /** An environment variable, or null when unset or empty. */
    public String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** Prints {@code gangway: <message>} on standard error. */
    public void warn(String message) {
        synchronized (err) {
            err.println("gangway: " + message);
            err.flush();
        }
    }
}
