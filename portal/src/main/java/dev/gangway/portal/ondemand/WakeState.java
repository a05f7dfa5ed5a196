package dev.gangway.portal.ondemand;

/** The steps of a wake-up, as stored ({@code device_wake.state}) and in JSON. */
enum WakeState {
    /** The wake-up SMS is being handed to the SMS gateway. */
    SENDING("sending"),
    /** The gateway accepted it (not a delivery report from the device). */
    SMS_SENT("sms-sent"),
    /** The agent got it and reported it is dialling in. */
    DIALLING("dialling"),
    /** The device's tunnel came up. */
    ONLINE("online"),
    /** It will not come online: the gateway refused the SMS, or no answer within the answer timeout. */
    FAILED("failed");

    private final String wire;

    WakeState(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    boolean inProgress() {
        return this == SENDING || this == SMS_SENT || this == DIALLING;
    }

    static WakeState of(String wire) {
        for (WakeState state : values()) {
            if (state.wire.equals(wire)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown wake-up state " + wire);
    }
}
