package dev.gangway.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gangway.agent.process.AgentVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the Debian package with {@code script/package-agent} (from a small stand-in jar, so the test needs no
 * shaded build) and checks what {@code dpkg-deb} sees in it: fields, files, owners, modes, conffiles, the systemd
 * unit ({@code systemd-analyze verify} where available), the maintainer scripts and the {@code /usr/bin} wrapper.
 * Skipped where dpkg-deb is missing, except on CI ({@code CI=true}), where that fails.
 */
class DebPackageTest {

    private static final String UNIT = "./lib/systemd/system/gangway-agent.service";
    private static final String CONFIG = "./etc/gangway-agent/agent.yml";

    @TempDir
    static Path dir;

    static Path repo;
    static Path jar;
    static Path deb;
    static Path tree;
    static Path control;

    @BeforeAll
    static void buildPackage() throws Exception {
        boolean present = onPath("dpkg-deb");
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("dpkg-deb is missing on CI; install the package dpkg (script/test runs on Debian)");
        }
        Assumptions.assumeTrue(present, "dpkg-deb is not installed here: the Debian package is not checked");
        repo = repoRoot();
        jar = standInJar(dir.resolve("stand-in.jar"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Result built = run(repo, "bash", repo.resolve("script/package-agent").toString(), "--jar", jar.toString(),
                "--out", out.toString());
        assertThat(built.code).as("script/package-agent failed:\n%s", built.err).isZero();
        List<String> lines = built.out.lines().toList();
        assertThat(lines).as("the script prints the .deb's path").isNotEmpty();
        deb = Path.of(lines.get(lines.size() - 1));
        if (!deb.isAbsolute()) {
            deb = repo.resolve(deb);
        }
        tree = Files.createDirectory(dir.resolve("tree"));
        control = Files.createDirectory(dir.resolve("control"));
        assertThat(run(dir, "dpkg-deb", "-x", deb.toString(), tree.toString()).code).isZero();
        assertThat(run(dir, "dpkg-deb", "-e", deb.toString(), control.toString()).code).isZero();
    }

    @Test
    void isNamedAndVersionedFromThePom() throws Exception {
        String version = AgentVersion.get().replace('-', '~');
        assertThat(deb).hasFileName("gangway-agent_" + version + "_all.deb").isRegularFile();
        assertThat(deb.getParent()).isEqualTo(dir.resolve("out"));
        assertThat(field("Package")).isEqualTo("gangway-agent");
        assertThat(field("Version")).isEqualTo(version).matches("[0-9][A-Za-z0-9.+~]*");
        assertThat(field("Architecture")).isEqualTo("all");
        assertThat(field("Depends")).contains("default-jre-headless (>= 2:1.17) | java17-runtime-headless")
                .contains("adduser");
        assertThat(field("Installed-Size")).matches("[1-9][0-9]*");
        assertThat(field("Maintainer")).isNotBlank();
        assertThat(field("Description")).startsWith("Gangway device agent");
        Result print = run(repo, "bash", repo.resolve("script/package-agent").toString(), "--print-version");
        assertThat(print.out.strip()).isEqualTo(version);
    }

    @Test
    void holdsTheseFilesOwnedByRootWithTheseModes() throws Exception {
        Map<String, String> entries = contents();
        assertThat(entries).containsEntry("./usr/share/gangway-agent/gangway-agent.jar", "-rw-r--r-- root/root")
                .containsEntry("./usr/bin/gangway-agent", "-rwxr-xr-x root/root")
                .containsEntry(UNIT, "-rw-r--r-- root/root")
                .containsEntry("./etc/gangway-agent/", "drwxr-x--- root/root")
                .containsEntry(CONFIG, "-rw-r----- root/root")
                .containsEntry("./etc/default/gangway-agent", "-rw-r--r-- root/root")
                .containsEntry("./usr/share/doc/gangway-agent/device-agent.md", "-rw-r--r-- root/root");
        List<String> files = entries.keySet().stream().filter(p -> !p.endsWith("/")).sorted().toList();
        assertThat(files).containsExactly("./etc/default/gangway-agent", CONFIG, UNIT, "./usr/bin/gangway-agent",
                "./usr/share/doc/gangway-agent/device-agent.md", "./usr/share/gangway-agent/gangway-agent.jar");
        assertThat(entries.values()).allMatch(v -> v.endsWith(" root/root"), "everything is owned by root");
        assertThat(Files.readAllBytes(tree.resolve("usr/share/gangway-agent/gangway-agent.jar")))
                .isEqualTo(Files.readAllBytes(jar));
    }

    @Test
    void theConfigurationFilesAreConffiles() throws Exception {
        assertThat(Files.readAllLines(control.resolve("conffiles")))
                .containsExactlyInAnyOrder("/etc/gangway-agent/agent.yml", "/etc/default/gangway-agent");
        Result info = run(dir, "dpkg-deb", "--info", deb.toString(), "conffiles");
        assertThat(info.out.lines().toList()).contains("/etc/gangway-agent/agent.yml");
        assertThat(Files.readString(tree.resolve(CONFIG.substring(2))))
                .isEqualTo(Files.readString(repo.resolve("device-agent/src/deb/etc/gangway-agent/agent.yml")));
    }

    @Test
    void theUnitRunsTheAgentUnprivilegedAsItsOwnUser() throws Exception {
        Map<String, List<String>> unit = unit(Files.readString(tree.resolve(UNIT.substring(2))));
        assertThat(unit.get("User")).containsExactly("gangway-agent");
        assertThat(unit.get("ExecStart"))
                .containsExactly("/usr/bin/gangway-agent run --config /etc/gangway-agent/agent.yml");
        assertThat(unit.get("Restart")).containsExactly("on-failure");
        assertThat(unit.get("RestartSec")).containsExactly("5");
        assertThat(unit.get("RestartPreventExitStatus")).containsExactly("2");
        assertThat(unit.get("StateDirectory")).containsExactly("gangway-agent");
        assertThat(unit.get("ReadWritePaths")).containsExactly("/var/lib/gangway-agent");
        assertThat(unit.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(unit.get("ProtectSystem")).containsExactly("strict");
        assertThat(unit.get("ProtectHome")).containsExactly("yes");
        assertThat(unit.get("PrivateTmp")).containsExactly("yes");
        assertThat(unit.get("CapabilityBoundingSet")).as("no capabilities at all").containsExactly("");
        assertThat(unit).doesNotContainKey("AmbientCapabilities");
        assertThat(unit.get("WantedBy")).containsExactly("multi-user.target");
        // the identity the shipped agent.yml names lies in the state directory, the one place the agent may write
        assertThat(Files.readString(tree.resolve(CONFIG.substring(2))))
                .contains("\nidentity: /var/lib/gangway-agent/identity\n")
                .contains("--identity /var/lib/gangway-agent/identity");
    }

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed here");
        // verify insists that ExecStart's program exists: point it at the wrapper unpacked from the package
        Path wrapper = tree.resolve("usr/bin/gangway-agent");
        String text = Files.readString(tree.resolve(UNIT.substring(2)))
                .replace("ExecStart=/usr/bin/gangway-agent ", "ExecStart=" + wrapper + " ");
        Path copy = Files.writeString(Files.createDirectories(dir.resolve("verify")).resolve("gangway-agent.service"),
                text);
        Result verify = run(dir, "systemd-analyze", "verify", "--man=no", copy.toString());
        assertThat(verify.code).as("systemd-analyze verify: %s%s", verify.out, verify.err).isZero();
        assertThat((verify.out + verify.err).strip()).as("warnings of systemd-analyze verify").isEmpty();
    }

    @Test
    void theMaintainerScriptsCreateTheUserAndNeverStartTheAgent() throws Exception {
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = control.resolve(script);
            assertThat(Files.isExecutable(file)).as(script + " is executable").isTrue();
            assertThat(Files.readString(file)).startsWith("#!/bin/sh\n").contains("\nset -e\n");
            Result syntax = run(dir, "sh", "-n", file.toString());
            assertThat(syntax.code).as("%s: %s", script, syntax.err).isZero();
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("adduser --system --group").contains("deb-systemd-helper enable")
                .contains("chown root:\"$user\" /etc/gangway-agent/agent.yml").contains("chmod 0640");
        List<String> starts = postinst.lines().map(String::strip).filter(l -> !l.startsWith("#"))
                .filter(l -> l.contains("systemctl") || l.contains("deb-systemd-invoke"))
                .filter(l -> Arrays.stream(l.split("\\s+")).anyMatch(w -> List.of("start", "restart",
                        "reload-or-restart", "--now").contains(w)))
                .toList();
        assertThat(starts).as("postinst must not start the agent (only try-restart a running one on upgrade)")
                .isEmpty();
        assertThat(Files.readString(control.resolve("postrm"))).contains("purge").contains("rm -rf /var/lib/gangway-agent");
    }

    @Test
    void theWrapperPassesJavaOptionsAndArgumentsThrough() throws Exception {
        String wrapper = Files.readString(tree.resolve("usr/bin/gangway-agent"));
        assertThat(wrapper).contains(
                "exec java $GANGWAY_AGENT_JAVA_OPTS -jar /usr/share/gangway-agent/gangway-agent.jar \"$@\"");
        // run the packaged wrapper against the unpacked (stand-in) jar
        Path runnable = Files.writeString(dir.resolve("gangway-agent"), wrapper.replace(
                "/usr/share/gangway-agent/gangway-agent.jar", tree.resolve("usr/share/gangway-agent/gangway-agent.jar").toString()));
        ProcessBuilder pb = new ProcessBuilder("sh", runnable.toString(), "run", "--config", "a file.yml")
                .directory(dir.toFile());
        pb.environment().put("GANGWAY_AGENT_JAVA_OPTS", "-Dgangway.a=1 -Dgangway.b=2");
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Result echoed = run(pb);
        assertThat(echoed.code).as(echoed.err).isZero();
        assertThat(echoed.out.strip()).isEqualTo("a=1 b=2 args=[run|--config|a file.yml]");
    }

    /** The stand-in jar's main class: prints two system properties and its arguments. */
    public static final class Echo {
        public static void main(String[] args) {
            System.out.println("a=" + System.getProperty("gangway.a") + " b=" + System.getProperty("gangway.b")
                    + " args=[" + String.join("|", args) + "]");
        }
    }

    private static Path standInJar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Echo.class.getName());
        String entry = Echo.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jarOut = new JarOutputStream(out, manifest);
                InputStream in = Echo.class.getClassLoader().getResourceAsStream(entry)) {
            assertThat(in).as(entry).isNotNull();
            jarOut.putNextEntry(new JarEntry(entry));
            in.transferTo(jarOut);
            jarOut.closeEntry();
        }
        return file;
    }

    private static String field(String name) throws Exception {
        Result result = run(dir, "dpkg-deb", "--field", deb.toString(), name);
        assertThat(result.code).as(result.err).isZero();
        return result.out.strip();
    }

    /** path -> "mode owner/group", from dpkg-deb --contents. */
    private static Map<String, String> contents() throws Exception {
        Result result = run(dir, "dpkg-deb", "--contents", deb.toString());
        assertThat(result.code).as(result.err).isZero();
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : result.out.lines().toList()) {
            String[] parts = line.trim().split("\\s+");
            entries.put(parts[parts.length - 1], parts[0] + " " + parts[1]);
        }
        return entries;
    }

    /** key -> values of the unit file (all sections; comments and blank lines skipped). */
    private static Map<String, List<String>> unit(String text) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("["))
                .forEach(l -> {
                    int eq = l.indexOf('=');
                    assertThat(eq).as("a unit line without '=': " + l).isPositive();
                    keys.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
                });
        return keys;
    }

    private static Path repoRoot() {
        Path at = Path.of("").toAbsolutePath();
        while (at != null && !Files.isRegularFile(at.resolve("script/package-agent"))) {
            at = at.getParent();
        }
        assertThat(at).as("script/package-agent above " + Path.of("").toAbsolutePath()).isNotNull();
        return at;
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }

    private record Result(int code, String out, String err) {}

    private static Result run(Path cwd, String... command) throws Exception {
        return run(new ProcessBuilder(command).directory(cwd.toFile()));
    }

    private static Result run(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(String.join(" ", pb.command()) + " did not end");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
