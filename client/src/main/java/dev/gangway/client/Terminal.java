package dev.gangway.client;

import java.io.Console;

/**
 * Asks the person at the keyboard for what is missing (a password, a two-factor code). {@link #system()} uses the
 * process's console; where there is none (a script, a pipe) nothing is asked and the command says which option to
 * give instead.
 */
public interface Terminal {

    /** Whether someone can be asked. */
    boolean interactive();

    /** Asks without echo; null when nothing can be asked or the input ended. */
    char[] readSecret(String prompt);

    /** Asks with echo; null when nothing can be asked or the input ended. */
    String readLine(String prompt);

    /** The process's console ({@link System#console()}), if it has one. */
    static Terminal system() {
        return new Terminal() {
            @Override
            public boolean interactive() {
                return System.console() != null;
            }

            @Override
            public char[] readSecret(String prompt) {
                Console console = System.console();
                return console == null ? null : console.readPassword("%s", prompt);
            }

            @Override
            public String readLine(String prompt) {
                Console console = System.console();
                return console == null ? null : console.readLine("%s", prompt);
            }
        };
    }

    /** Nobody to ask (tests, scripts). */
    static Terminal none() {
        return new Terminal() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public char[] readSecret(String prompt) {
                return null;
            }

            @Override
            public String readLine(String prompt) {
                return null;
            }
        };
    }
}
