package dev.gangway.portal.desktop.vnc;

import java.util.ArrayList;
import java.util.List;

/**
 * What changed on the remote screen since the last frame was taken: the copies and resizes in wire order, the dirty
 * regions (to be drawn from the framebuffer once the update is complete) and the latest cursor shape.
 *
 * <p>Ordering: a frame sends its copies first, then its images, which hold the framebuffer's final pixels. A copy is
 * only correct if the browser holds at its source what the framebuffer held when the server copied; that is not so
 * when the source overlaps a region changed earlier in this update (its new pixels are not drawn yet). Such a copy
 * is not sent: its destination becomes dirty instead. A resize drops the copies before it and makes the whole screen
 * dirty.
 *
 * <p>Not thread-safe: the session calls it under its lock.
 */
final class ScreenChanges {

    /** A Guacamole operation kept in order: a copy within layer 0 or a resize of layer 0. */
    sealed interface Op permits Copy, Resize {
    }

    record Copy(int srcX, int srcY, int x, int y, int width, int height) implements Op {
    }

    record Resize(int width, int height) implements Op {
    }

    record Cursor(int hotX, int hotY, int width, int height, int[] argb) {
    }

    /** One frame's worth: ops in order, then regions to draw, then the cursor (null: unchanged). */
    record Frame(List<Op> ops, List<Region> regions, Cursor cursor, int width, int height) {
        boolean isEmpty() {
            return ops.isEmpty() && regions.isEmpty() && cursor == null;
        }
    }

    private final List<Op> ops = new ArrayList<>();
    private final DirtyRegions dirty = new DirtyRegions();
    private Cursor cursor;
    private int width;
    private int height;
    private boolean inUpdate;
    private boolean complete;

    void resize(int newWidth, int newHeight) {
        width = newWidth;
        height = newHeight;
        ops.clear();
        dirty.clear();
        ops.add(new Resize(newWidth, newHeight));
        dirty.add(new Region(0, 0, newWidth, newHeight));
    }

    void updateStart() {
        inUpdate = true;
    }

    void rectangle(int x, int y, int w, int h) {
        if (w > 0 && h > 0) {
            dirty.add(new Region(x, y, w, h));
        }
    }

    void copy(int srcX, int srcY, int x, int y, int w, int h) {
        if (w <= 0 || h <= 0) {
            return;
        }
        if (dirty.intersects(new Region(srcX, srcY, w, h))) {
            dirty.add(new Region(x, y, w, h));
        } else {
            ops.add(new Copy(srcX, srcY, x, y, w, h));
        }
    }

    void cursor(int hotX, int hotY, int w, int h, int[] argb) {
        int[] copy = new int[w * h];
        System.arraycopy(argb, 0, copy, 0, w * h);
        cursor = new Cursor(hotX, hotY, w, h, copy);
    }

    void updateDone() {
        inUpdate = false;
        complete = true;
    }

    /** Whether an update finished and its frame was not taken yet. */
    boolean frameWaiting() {
        return complete;
    }

    /** Whether the framebuffer is quiet: no update being applied and none waiting to be sent. */
    boolean idle() {
        return !inUpdate && !complete;
    }

    Frame take() {
        Frame frame = new Frame(List.copyOf(ops), dirty.list(), cursor, width, height);
        ops.clear();
        dirty.clear();
        cursor = null;
        complete = false;
        return frame;
    }
}
