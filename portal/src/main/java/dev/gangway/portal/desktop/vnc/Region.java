package dev.gangway.portal.desktop.vnc;

/** A rectangle of the screen, in pixels; width and height at least 1. */
record Region(int x, int y, int width, int height) {

    Region {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a region needs a positive size, not " + width + "×" + height);
        }
    }

    long area() {
        return (long) width * height;
    }

    int right() {
        return x + width;
    }

    int bottom() {
        return y + height;
    }

    boolean intersects(Region o) {
        return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
    }

    /** Whether the two are at most {@code gap} pixels apart (touching or overlapping counts). */
    boolean near(Region o, int gap) {
        return x - gap <= o.right() && o.x - gap <= right() && y - gap <= o.bottom() && o.y - gap <= bottom();
    }

    long intersectionArea(Region o) {
        long w = Math.min(right(), o.right()) - Math.max(x, o.x);
        long h = Math.min(bottom(), o.bottom()) - Math.max(y, o.y);
        return w > 0 && h > 0 ? w * h : 0;
    }

    Region union(Region o) {
        int ux = Math.min(x, o.x);
        int uy = Math.min(y, o.y);
        return new Region(ux, uy, Math.max(right(), o.right()) - ux, Math.max(bottom(), o.bottom()) - uy);
    }

    boolean contains(Region o) {
        return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom();
    }
}
