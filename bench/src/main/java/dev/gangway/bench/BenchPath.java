package dev.gangway.bench;

/** One way from the bench's client socket to the target: a local port to connect to, and what is behind it. */
interface BenchPath extends AutoCloseable {

    /** {@code direct}, {@code ssh} or {@code tunnel}. */
    String name();

    /** The 127.0.0.1 port the bench client connects to. */
    int port();

    /** One line on how this path was set up (cipher, TLS engine), for the report. */
    String details();

    /** Counters of each process that makes up this path (none for direct), by process name. */
    java.util.Map<String, ProcStats> stats();

    @Override
    void close();

    /** The target itself, as the baseline that added latency is measured against. */
    static BenchPath direct(int targetPort) {
        return new BenchPath() {
            @Override
            public String name() {
                return "direct";
            }

            @Override
            public int port() {
                return targetPort;
            }

            @Override
            public String details() {
                return "plain TCP to the target on 127.0.0.1:" + targetPort;
            }

            @Override
            public java.util.Map<String, ProcStats> stats() {
                return java.util.Map.of();
            }

            @Override
            public void close() {
                // nothing started
            }
        };
    }
}
