package dev.gangway.portal.hmiproxy;

import dev.gangway.portal.report.ConnectionReport;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records HMI sessions in the connection report ({@code kind = web}).
 *
 * <p>Opening writes the record and its audit event on the opening thread (the browser's "Open" request, whose
 * client address it records), before the session is live; when that write fails, the session does not open. When
 * the opening runs inside a transaction that later rolls back, the record and the audit event are gone, so the
 * session is ended too.
 *
 * <p>Progress and ends come from the proxy's event loops, sign-out and revocation; they go to one thread of their
 * own, in order, so no I/O thread waits for the database and a session's end is never overtaken by an older
 * progress update. Bytes: in = from the browser, out = to the browser, headers included.
 */
final class ReportingRecorder implements SessionRecorder {

    private static final Logger log = LoggerFactory.getLogger(ReportingRecorder.class);

    private final ConnectionReport report;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "hmi-connection-report");
        thread.setDaemon(true);
        return thread;
    });
    /** Bytes last written per record, so an idle session costs no update. Only the writer thread touches it. */
    private final Map<String, long[]> written = new HashMap<>();

    ReportingRecorder(ConnectionReport report) {
        this.report = report;
    }

    @Override
    public void opened(HmiSession session, Runnable cancel) {
        String recordId = report.opened(session.account(), session.user(), session.deviceId(),
                session.serviceName(), ConnectionReport.WEB, clientAddress());
        session.recordedAs(recordId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        log.warn("The transaction that opened {} did not commit: ending it", session);
                        cancel.run();
                    }
                }
            });
        }
    }

    @Override
    public void progress(Collection<HmiSession> live) {
        for (HmiSession session : live) {
            String recordId = session.recordId();
            if (recordId != null) {
                submit(() -> {
                    long in = session.bytesFromBrowser();
                    long out = session.bytesToBrowser();
                    long[] last = written.get(recordId);
                    if (session.isEnded() || last != null && last[0] == in && last[1] == out) {
                        return;
                    }
                    report.progress(recordId, in, out);
                    written.put(recordId, new long[] {in, out});
                });
            }
        }
    }

    @Override
    public void ended(HmiSession session, String why) {
        String recordId = session.recordId();
        if (recordId != null) {
            submit(() -> {
                written.remove(recordId);
                report.closed(recordId, session.bytesFromBrowser(), session.bytesToBrowser(), why);
            });
        }
    }

    @Override
    public void flush(Duration timeout) {
        try {
            writer.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            log.warn("Connection records not all written before the portal stopped: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }

    private void submit(Runnable write) {
        try {
            writer.execute(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    log.warn("Writing a connection record failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("Connection record not written: the portal is stopping");
        }
    }

    /** The browser's address, from the web request that opens the session (none outside a request). */
    private static String clientAddress() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet) {
            HttpServletRequest request = servlet.getRequest();
            return request.getRemoteAddr();
        }
        return null;
    }
}
