package dev.gangway.portal.desktop.rdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * Adds an explicit Shift around keys that need one on a US keyboard (capitals, shifted symbols) when the browser sent
 * them without Shift held: phones' on-screen keyboards and keysym-only clients do, and the private Xvnc then fakes
 * Shift in a way xfreerdp does not pass on reliably (a capital arrives as a small letter, or xrdp's Caps Lock state
 * flips). Other instructions pass unchanged. One per session; called from the WebSocket's threads in order.
 */
final class ShiftedKeys {

    static final int SHIFT_LEFT = 0xffe1;
    private static final int SHIFT_RIGHT = 0xffe2;
    private static final String SHIFTED_SYMBOLS = "~!@#$%^&*()_+{}|:\"<>?";

    private final Set<Integer> shiftsHeld = new HashSet<>();
    private final Set<Integer> wrapped = new HashSet<>();

    /** The instructions to pass on for {@code instruction} (itself, or a key with Shift around it). */
    synchronized List<GuacamoleInstruction> filter(GuacamoleInstruction instruction) {
        List<String> args = instruction.getArgs();
        if (!instruction.getOpcode().equals("key") || args.size() != 2) {
            return List.of(instruction);
        }
        int keysym;
        try {
            keysym = Integer.parseInt(args.get(0));
        } catch (NumberFormatException e) {
            return List.of(instruction);
        }
        boolean pressed = "1".equals(args.get(1));
        if (keysym == SHIFT_LEFT || keysym == SHIFT_RIGHT) {
            if (pressed) {
                shiftsHeld.add(keysym);
            } else {
                shiftsHeld.remove(keysym);
            }
            return List.of(instruction);
        }
        List<GuacamoleInstruction> out = new ArrayList<>(3);
        if (pressed && shiftsHeld.isEmpty() && needsShift(keysym)) {
            wrapped.add(keysym);
            out.add(key(SHIFT_LEFT, true));
            out.add(instruction);
        } else if (!pressed && wrapped.remove(keysym)) {
            out.add(instruction);
            out.add(key(SHIFT_LEFT, false));
        } else {
            out.add(instruction);
        }
        return out;
    }

    static boolean needsShift(int keysym) {
        return keysym >= 'A' && keysym <= 'Z' || keysym < 0x80 && SHIFTED_SYMBOLS.indexOf(keysym) >= 0;
    }

    private static GuacamoleInstruction key(int keysym, boolean pressed) {
        return new GuacamoleInstruction("key", Integer.toString(keysym), pressed ? "1" : "0");
    }
}
