package dev.gangway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run happened on, for the report: numbers mean little without it.
 *
 * @param cpu {@code lscpu}'s model name
 * @param cores processors available to the JVM
 * @param kernel kernel release
 * @param jdk the JDK every process ran on
 * @param date when the run started
 * @param loadBefore the 1/5/15-minute load average when the run started (the machine is shared)
 */
record Machine(String cpu, int cores, String kernel, String jdk, String date, String loadBefore) {

    static Machine describe() {
        String jdk = System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.vm.name", "") + " "
                + System.getProperty("java.runtime.version", System.getProperty("java.version"));
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
                jdk.strip(), ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).replaceAll("\\.\\d+", ""),
                loadAverage());
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            Process p = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                if (line.startsWith("Model name:")) {
                    return line.substring("Model name:".length()).strip();
                }
            }
        } catch (IOException e) {
            // fall back to /proc/cpuinfo
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // nothing more to try
        }
        return "unknown CPU";
    }
}
