package dev.gangway.bench;

import java.util.List;

/** What one path of the desktop scenario measured; filled in by {@link DesktopRun}, read by the report. */
final class DesktopPathResult {
    final String name;
    List<Long> idle = List.of();
    int idleLost;
    List<Long> load = List.of();
    int loadLost;
    double playSeconds;
    long framesInPlay;
    DesktopCounters used;
    String drawing;
    String pictureCheck;
    /** Xvnc's log of what it sent this path's connection (encoders, bytes), or null. */
    String xvncAccount;
    String failure;

    DesktopPathResult(String name) {
        this.name = name;
    }

    boolean measured() {
        return used != null;
    }

    double fps() {
        return framesInPlay / playSeconds;
    }
}

