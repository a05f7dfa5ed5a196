package dev.gangway.agent.keyswitch;

/**
 * One reading of the key switch's input, before {@code invert}: on, off, or unknown with the reason (no file, a value
 * that is neither on nor off, a command that could not run).
 */
record SwitchReading(Value value, String problem) {

    enum Value { ON, OFF, UNKNOWN }

    static final SwitchReading ON = new SwitchReading(Value.ON, null);
    static final SwitchReading OFF = new SwitchReading(Value.OFF, null);

    static SwitchReading unknown(String problem) {
        return new SwitchReading(Value.UNKNOWN, problem);
    }

    boolean known() {
        return value != Value.UNKNOWN;
    }
}
