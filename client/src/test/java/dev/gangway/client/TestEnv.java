package dev.gangway.client;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link ClientEnv} for tests: captured output, chosen variables and console answers, a home of its own. */
public final class TestEnv {

    public final StringWriter out = new StringWriter();
    public final StringWriter err = new StringWriter();
    public final Map<String, String> variables = new HashMap<>();
    public final Path home;
    public final StopSignal stop = new StopSignal();
    /** Answers the console gives, in order; none: not interactive. */
    public final List<String> answers = new ArrayList<>();
    public final List<String> prompts = new ArrayList<>();

    public TestEnv(Path home) {
        this.home = home;
    }

    public ClientEnv env() {
        Terminal terminal = new Terminal() {
            @Override
            public boolean interactive() {
                return !answers.isEmpty();
            }

            @Override
            public char[] readSecret(String prompt) {
                String line = readLine(prompt);
                return line == null ? null : line.toCharArray();
            }

            @Override
            public String readLine(String prompt) {
                prompts.add(prompt);
                return answers.isEmpty() ? null : answers.remove(0);
            }
        };
        return new ClientEnv(variables, home, terminal, new PrintWriter(out, true), new PrintWriter(err, true),
                () -> stop);
    }

    /** Runs a command line; returns the exit code. */
    public int run(String... args) {
        return Main.run(args, env());
    }

    public String out() {
        return out.toString();
    }

    public String err() {
        return err.toString();
    }
}
