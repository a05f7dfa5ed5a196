package dev.gangway.portal.desktop.rfb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Records what the client reports, as readable strings, plus the last cursor. */
class RecordingListener implements RfbListener {

    final List<String> events = new ArrayList<>();
    int[] cursorPixels;

    @Override
    public void framebufferSize(int width, int height) {
        events.add("size " + width + "x" + height);
    }

    @Override
    public void rectangle(int x, int y, int width, int height, int[] argb) {
        events.add("rect " + x + "," + y + " " + width + "x" + height);
    }

    @Override
    public void copyRect(int srcX, int srcY, int x, int y, int width, int height) {
        events.add("copy " + srcX + "," + srcY + " to " + x + "," + y + " " + width + "x" + height);
    }

    @Override
    public void cursor(int hotX, int hotY, int width, int height, int[] argb) {
        events.add("cursor " + hotX + "," + hotY + " " + width + "x" + height);
        cursorPixels = Arrays.copyOf(argb, width * height);
    }

    @Override
    public void serverCutText(String text) {
        events.add("cut " + text);
    }

    @Override
    public void bell() {
        events.add("bell");
    }

    @Override
    public void updateDone() {
        events.add("done");
    }

    @Override
    public void desktopSizeAnswered(int status) {
        events.add("answered " + status);
    }
}
