package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.MachineTools;
import dev.gangway.portal.desktop.rfb.VncAuthentication;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * An RDP service on loopback for the tests: a target TigerVNC Xvnc (VNC password {@link #VNC_PASSWORD}) behind a
 * private xrdp whose {@code [vnc]} section (libvnc.so) connects to it with the RDP password as VNC password, so the
 * RDP password is right exactly when it is {@link #VNC_PASSWORD}. Optionally xrdp-sesman for a PAM logon (wrong
 * user names are refused and the connection dropped). {@link #close} ends every process and checks none is left.
 */
final class RdpTarget implements AutoCloseable {

    static final String VNC_PASSWORD = "t4rget!x";

    final Path dir;
    final int display;
    final int vncPort;
    final int rdpPort;
    private final List<Process> processes = new ArrayList<>();

    private RdpTarget(Path dir, int display, int vncPort, int rdpPort) {
        this.dir = dir;
        this.display = display;
        this.vncPort = vncPort;
        this.rdpPort = rdpPort;
    }

    /** Skips without the tools (fails under CI=true, whose script/test installs them). */
    static void assumeInstalled(String... more) {
        List<String> tools = new ArrayList<>(List.of("Xvnc", "xfreerdp", "xrdp", "xsetroot"));
        tools.addAll(List.of(more));
        MachineTools.requireInstalled(tools,
                "apt-get install tigervnc-standalone-server freerdp2-x11 xrdp x11-xserver-utils xterm");
    }

    /** Starts the target Xvnc ({@code width × height}, background {@code colour}) and xrdp in front of it. */
    static RdpTarget start(Path dir, int width, int height, String colour) throws IOException, InterruptedException {
        int display = PrivateXvnc.freeDisplay();
        int vncPort = freePort();
        int rdpPort = freePort();
        RdpTarget target = new RdpTarget(dir, display, vncPort, rdpPort);
        try {
            Path password = PrivateXvnc.writePrivate(dir.resolve("target.passwd"),
                    VncAuthentication.passwordFile(VNC_PASSWORD));
            target.spawn("target-xvnc", MachineTools.which("Xvnc").orElseThrow().toString(), ":" + display,
                    "-geometry", width + "x" + height, "-depth", "24", "-rfbport", Integer.toString(vncPort),
                    "-interface", "127.0.0.1", "-nolisten", "tcp", "-SecurityTypes", "VncAuth",
                    "-rfbauth", password.toString(), "-UseBlacklist=0", "-AlwaysShared");
            awaitListening(vncPort, "the target Xvnc");
            target.x("xsetroot", "-solid", colour).waitFor();
            socksetup();
            Path ini = dir.resolve("xrdp.ini");
            Files.writeString(ini, xrdpIni(dir, rdpPort, "autorun=vnc",
                    "\n[vnc]\nname=vnc\nlib=libvnc.so\nusername=na\npassword=ask\nip=127.0.0.1\nport=" + vncPort
                            + "\n"));
            target.spawn("xrdp", MachineTools.which("xrdp").orElseThrow().toString(), "-n", "-c", ini.toString());
            awaitListening(rdpPort, "xrdp");
            return target;
        } catch (IOException | InterruptedException | RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /**
     * An xrdp whose logon goes through xrdp-sesman and PAM (section Xorg): any made-up user is refused and the
     * connection dropped. xrdp finds sesman at the port of /etc/xrdp/sesman.ini (3350); skipped when it is taken.
     */
    static RdpTarget startWithSesman(Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(portFree(3350), "port 3350 (xrdp-sesman) is taken");
        RdpTarget target = new RdpTarget(dir, -1, -1, freePort());
        try {
            socksetup();
            Path sesman = dir.resolve("sesman.ini");
            Files.writeString(sesman, Files.readString(Path.of("/etc/xrdp/sesman.ini"))
                    .replaceAll("(?m)^LogFile=.*$", "LogFile=" + dir.resolve("sesman-file.log"))
                    .replaceAll("(?m)^EnableSyslog=.*$", "EnableSyslog=false"));
            target.spawn("sesman", MachineTools.which("xrdp-sesman").orElseThrow().toString(), "-n", "-c", sesman.toString());
            awaitListening(3350, "xrdp-sesman");
            Path ini = dir.resolve("xrdp.ini");
            Files.writeString(ini, xrdpIni(dir, target.rdpPort, "autorun=Xorg", ""));
            target.spawn("xrdp", MachineTools.which("xrdp").orElseThrow().toString(), "-n", "-c", ini.toString());
            awaitListening(target.rdpPort, "xrdp");
            return target;
        } catch (IOException | InterruptedException | RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /** The package's xrdp.ini with our port, log file, autorun and require_credentials, plus {@code extra}. */
    private static String xrdpIni(Path dir, int port, String autorun, String extra) throws IOException {
        return Files.readString(Path.of("/etc/xrdp/xrdp.ini"))
                .replaceAll("(?m)^port=3389$", "port=tcp://127.0.0.1:" + port)
                .replaceAll("(?m)^autorun=.*$", autorun)
                .replaceAll("(?m)^#?require_credentials=.*$", "require_credentials=true")
                .replaceAll("(?m)^LogFile=.*$", "LogFile=" + dir.resolve("xrdp.log"))
                .replaceAll("(?m)^EnableSyslog=.*$", "EnableSyslog=false")
                .replaceAll("(?m)^LogLevel=.*$", "LogLevel=DEBUG")
                + extra;
    }

    private static void socksetup() throws IOException, InterruptedException {
        if (!Files.isDirectory(Path.of("/run/xrdp/sockdir"))) {
            Process p = new ProcessBuilder("sh", "/usr/share/xrdp/socksetup").inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("/usr/share/xrdp/socksetup failed (it needs root)");
            }
        }
    }

    /** Starts an X client on the target's display; ended by {@link #close}. */
    Process x(String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("x-" + processes.size() + ".log").toFile());
        builder.environment().put("DISPLAY", ":" + display);
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    private void spawn(String name, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start();
        processes.add(p);
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static boolean portFree(int port) {
        for (String address : List.of("127.0.0.1", "::1")) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 1000);
                return false;
            } catch (IOException e) {
                // nobody there
            }
        }
        return true;
    }

    private static void awaitListening(int port, String what) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            // xrdp-sesman's "127.0.0.1" ends up on ::1 on some hosts
            for (String address : List.of("127.0.0.1", "::1")) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 1000);
                    return;
                } catch (IOException notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException(what + " did not listen on port " + port, notYet);
                    }
                }
            }
            Thread.sleep(50);
        }
    }

    String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        for (ProcessHandle p : all) {
            p.destroy();
            try {
                p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
                p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> p).join();
            }
            if (p.isAlive()) {
                throw new IllegalStateException("process " + p.pid() + " outlived its test");
            }
        }
    }
}
