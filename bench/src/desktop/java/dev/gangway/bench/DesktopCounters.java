package dev.gangway.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** Counters of one path at a moment: the viewer's bytes and frames, and CPU of every party. */
record DesktopCounters(long fromDevice, long toDevice, long toBrowser, long messages, long frames, long converterCpu,
        long browserCpu, long xvncCpu, long tunnelCpu) {

    static DesktopCounters of(DesktopViewer viewer, DesktopScreen screen, DesktopTunnel tunnel) {
        long converter = 0;
        long browser = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            // the converter's session runs on the caller's thread (the WebSocket's, here bench-guac-session)
            // and reads RFB on gangway-desktop-...-rfb
            if (info.getThreadName().startsWith("gangway-desktop")
                    || info.getThreadName().startsWith("bench-guac-session")) {
                converter += cpu;
            } else if (info.getThreadName().startsWith("bench-guac-draw")
                    || info.getThreadName().startsWith("bench-rfb-reader")) {
                browser += cpu;
            }
        }
        return new DesktopCounters(viewer.bytesFromDevice(), viewer.bytesToDevice(), viewer.bytesToBrowser(),
                viewer.messagesToBrowser(), viewer.frames(), converter, browser, screen.xvncStats().cpuNanos(),
                tunnelCpu(tunnel.stats()));
    }

    /** The tunnel JVMs' CPU without their JIT compiler threads (warm-up, which the first path would pay). */
    private static long tunnelCpu(ProcStats stats) {
        return stats.cpuNanos() - stats.jitNanos();
    }

    DesktopCounters minus(DesktopCounters o) {
        return new DesktopCounters(fromDevice - o.fromDevice, toDevice - o.toDevice, toBrowser - o.toBrowser,
                messages - o.messages, frames - o.frames, converterCpu - o.converterCpu,
                browserCpu - o.browserCpu, xvncCpu - o.xvncCpu, tunnelCpu - o.tunnelCpu);
    }
}

