package dev.gangway.portal.desktop.guacd;

import java.io.IOException;
import java.io.Reader;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.apache.guacamole.GuacamoleConnectionClosedException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleUpstreamTimeoutException;
import org.apache.guacamole.io.ReaderGuacamoleReader;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * Reads guacd's instructions with guacamole-common's {@link ReaderGuacamoleReader}, the reader its own tunnels use
 * for guacd. (Not {@code GuacamoleParser}: that one is for browser input and takes at most 64 elements an
 * instruction, fewer than guacd's {@code args} for RDP.) One reader thread at a time.
 */
final class InstructionReader {

    /** At most this many instructions are handed out in one batch. */
    private static final int MAX_BATCH = 256;

    private final ReaderGuacamoleReader reader;

    InstructionReader(Reader reader) {
        this.reader = new ReaderGuacamoleReader(reader);
    }

    /**
     * Blocks for one instruction and returns it with those that follow it without waiting.
     *
     * @return the instructions, or an empty list at the end of the stream
     * @throws SocketTimeoutException when guacd said nothing for the socket's timeout
     * @throws IOException on bytes that are not Guacamole instructions
     */
    List<GuacamoleInstruction> read() throws IOException {
        List<GuacamoleInstruction> out = new ArrayList<>();
        GuacamoleInstruction first = readOne();
        if (first == null) {
            return out;
        }
        out.add(first);
        try {
            while (out.size() < MAX_BATCH && reader.available()) {
                GuacamoleInstruction next = readOne();
                if (next == null) {
                    break;
                }
                out.add(next);
            }
        } catch (GuacamoleException e) {
            // the next read reports it
        }
        return out;
    }

    /** The next instruction, or null at the end of the stream (or when the socket was closed). */
    GuacamoleInstruction readOne() throws IOException {
        try {
            return reader.readInstruction();
        } catch (GuacamoleUpstreamTimeoutException e) {
            throw new SocketTimeoutException("guacd stopped answering");
        } catch (GuacamoleConnectionClosedException e) {
            return null;
        } catch (GuacamoleException e) {
            throw new IOException("guacd sent something that is not a Guacamole instruction: " + e.getMessage(), e);
        }
    }
}
