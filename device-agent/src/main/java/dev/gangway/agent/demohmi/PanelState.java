package dev.gangway.agent.demohmi;

/**
 * What the operator did on the demo VNC panel, shared by every viewer of it: the machine's run state, the text typed
 * into its message field and the last clipboard text a viewer sent. Thread-safe; {@link #version()} changes with
 * every change, so viewers know when to redraw.
 */
final class PanelState {

    static final int MAX_TEXT = 40;

    private boolean running = true;
    private final StringBuilder typed = new StringBuilder();
    private String clipboard = "";
    private long version;

    synchronized boolean running() {
        return running;
    }

    synchronized String typed() {
        return typed.toString();
    }

    synchronized String clipboard() {
        return clipboard;
    }

    synchronized long version() {
        return version;
    }

    synchronized void toggleRunning() {
        running = !running;
        changed();
    }

    /** An X11 keysym pressed: printable Latin-1 is typed, BackSpace deletes, Escape clears. */
    synchronized void key(int keysym) {
        if (keysym >= 0x20 && keysym <= 0x7e || keysym >= 0xa0 && keysym <= 0xff) {
            if (typed.length() >= MAX_TEXT) {
                typed.deleteCharAt(0);
            }
            typed.append((char) keysym);
        } else if (keysym == 0xff08 && typed.length() > 0) {
            typed.setLength(typed.length() - 1);
        } else if (keysym == 0xff1b) {
            typed.setLength(0);
        } else {
            return;
        }
        changed();
    }

    synchronized void clipboard(String text) {
        clipboard = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
        changed();
    }

    private void changed() {
        version++;
        notifyAll();
    }

    /** Waits until the version differs from {@code seen} or {@code millis} passed. */
    synchronized void awaitChange(long seen, long millis) throws InterruptedException {
        if (version == seen && millis > 0) {
            wait(millis);
        }
    }
}
