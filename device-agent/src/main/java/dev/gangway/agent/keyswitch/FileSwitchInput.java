package dev.gangway.agent.keyswitch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file holding the switch's value: {@code 1}/{@code 0}, {@code on}/{@code off} or {@code true}/{@code false}
 * (case and surrounding white space ignored). A Linux GPIO {@code value} file (sysfs) holds {@code 1} or
 * {@code 0} and works as is. Only the first bytes are read: the file is not expected to hold anything else.
 */
final class FileSwitchInput implements SwitchInput {

    private static final int MAX_BYTES = 64;

    private final Path file;

    FileSwitchInput(Path file) {
        this.file = file;
    }

    @Override
    public SwitchReading read() {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return SwitchReading.unknown("the file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            return SwitchReading.unknown("the agent may not read " + file + " (permission denied)");
        } catch (IOException e) {
            return SwitchReading.unknown("cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
        if (bytes.length > MAX_BYTES) {
            return SwitchReading.unknown(file + " holds more than a switch value (over " + MAX_BYTES + " bytes)");
        }
        String text = new String(bytes, StandardCharsets.US_ASCII).strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "1", "on", "true" -> SwitchReading.ON;
            case "0", "off", "false" -> SwitchReading.OFF;
            default -> SwitchReading.unknown(file + " holds " + (text.isEmpty() ? "nothing" : "'" + printable(text) + "'")
                    + ", not 1 or 0 (on/off, true/false)");
        };
    }

    private static String printable(String text) {
        return text.codePoints().map(c -> c < 0x20 || c > 0x7e ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    @Override
    public String describe() {
        return "file " + file;
    }
}
