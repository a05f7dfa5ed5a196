package dev.gangway.bench;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/** What the relay, agent and client processes share: their link to the harness and a self-description. */
final class RoleSupport {

    private RoleSupport() {
    }

    /**
     * The harness holds our stdin open; when it ends (the harness exited or was killed), so do we, so that no
     * tunnel process outlives a run.
     */
    static void exitWithParent() {
        Thread t = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buf = new byte[256];
                while (in.read(buf) >= 0) {
                    // the harness never writes; anything read is ignored
                }
            } catch (IOException e) {
                // the pipe broke: same as end of input
            }
            System.exit(0);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** The READY line the harness waits for; {@code fields} are {@code key=value} pairs. */
    static void ready(String fields) {
        System.out.println("READY " + fields);
        System.out.flush();
    }

    static void event(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Which TLS engine this process's context uses, for the report: the tunnel should run on BoringSSL. */
    static String tlsDescription(SslContext context) {
        String provider = context.getClass().getSimpleName().contains("OpenSsl") ? "openssl" : "jdk";
        return "tls=" + provider + " openssl_available=" + OpenSsl.isAvailable()
                + (OpenSsl.isAvailable() ? " openssl_version=" + OpenSsl.versionString().replace(' ', '_') : "")
                + " epoll_available=" + epollAvailable();
    }

    static void parkForever() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    private static boolean epollAvailable() {
        try {
            return (Boolean) Class.forName("io.netty.channel.epoll.Epoll").getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }
}
