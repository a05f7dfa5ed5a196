package dev.gangway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** The desktop scenario's command-line options (see {@link DesktopRun#USAGE}). */
final class DesktopOptions {
    Path work;
    Path docs;
    Path benchJar;
    int playSeconds = 30;
    int warmupSeconds = 10;
    int idleKeys = 50;
    int keyGapMs = 250;
    int scrollRate = 40;
    List<String> paths = List.of("guac", "rfb", "rfb-zrle");
    final List<String> shown = new ArrayList<>();

    static DesktopOptions parse(String[] args) throws IOException {
        DesktopOptions o = new DesktopOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--scenario" -> i++;
                case "--work" -> o.work = Path.of(value(args, ++i, a));
                case "--docs" -> o.docs = Path.of(value(args, ++i, a));
                case "--bench-jar" -> o.benchJar = Path.of(value(args, ++i, a));
                case "--play-seconds" -> o.playSeconds = number(args, ++i, a, 5, 600, o);
                case "--warmup-seconds" -> o.warmupSeconds = number(args, ++i, a, 0, 120, o);
                case "--idle-keys" -> o.idleKeys = number(args, ++i, a, 1, 10_000, o);
                case "--key-gap-ms" -> o.keyGapMs = number(args, ++i, a, 0, 10_000, o);
                case "--scroll-rate" -> o.scrollRate = number(args, ++i, a, 1, 1_000, o);
                case "--paths" -> {
                    o.paths = List.of(value(args, ++i, a).split(","));
                    for (String p : o.paths) {
                        if (!List.of("guac", "rfb", "rfb-zrle", "rfb-direct").contains(p)) {
                            throw new IllegalArgumentException("unknown path '" + p + "' in --paths; use guac, "
                                    + "rfb, rfb-zrle, rfb-direct");
                        }
                        if (o.paths.indexOf(p) != o.paths.lastIndexOf(p)) {
                            throw new IllegalArgumentException("--paths names " + p + " twice");
                        }
                    }
                    o.shown.add(a + " " + String.join(",", o.paths));
                }
                default -> throw new IllegalArgumentException("unknown option '" + a
                        + "' for --scenario desktop");
            }
        }
        if (o.benchJar == null) {
            throw new IllegalArgumentException("--bench-jar is missing (script/bench passes its copy of the "
                    + "bench jar: the tunnel's JVMs run from it)");
        }
        if (o.work == null) {
            o.work = Files.createTempDirectory("gangway-bench-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(o.work);
        }
        return o;
    }

    String command() {
        return ("script/bench --scenario desktop " + String.join(" ", shown)).strip();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i, String option, int min, int max, DesktopOptions o) {
        String v = value(args, i, option);
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " is '" + v + "'; it must be a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " is " + n + "; it must be " + min + " to " + max);
        }
        o.shown.add(option + " " + n);
        return n;
    }
}

