package dev.gangway.portal.hmiproxy;

import java.time.Duration;
import java.util.Collection;

/**
 * What the session registry tells the connection report about HMI sessions. {@link #opened} runs on the thread
 * that opens the session and may block (it writes the record and the audit event); the others are called on the
 * proxy's event loops too and must hand their work off instead of blocking.
 */
interface SessionRecorder {

    /**
     * Records a session before it goes live. Throwing refuses the session: it is never served. {@code cancel} ends
     * the session; the recorder calls it when the record is undone afterwards (the caller's transaction rolled
     * back).
     */
    void opened(HmiSession session, Runnable cancel);

    /** The bytes so far of the live sessions. */
    void progress(Collection<HmiSession> live);

    /** The session has ended. */
    void ended(HmiSession session, String why);

    /** Waits, at most {@code timeout}, until what was handed over is written (the portal stops). */
    void flush(Duration timeout);

    /** Stops its writer thread, if it has one (after {@link #flush}). */
    default void close() {
    }

    /** Records nothing (the proxy alone, in tests). */
    SessionRecorder NONE = new SessionRecorder() {
        @Override
        public void opened(HmiSession session, Runnable cancel) {
        }

        @Override
        public void progress(Collection<HmiSession> live) {
        }

        @Override
        public void ended(HmiSession session, String why) {
        }

        @Override
        public void flush(Duration timeout) {
        }
    };
}
