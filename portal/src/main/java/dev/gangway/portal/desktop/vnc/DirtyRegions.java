package dev.gangway.portal.desktop.vnc;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of the screen changed since the last frame, merged so that a frame carries a few images rather than one
 * per RFB rectangle. Two regions merge when they are at most {@value #GAP} pixels apart and their bounding box wastes
 * little: at most {@value #SMALL_WASTE} pixels, or a quarter of the box. Beyond {@value #MAX_REGIONS} regions the
 * whole set becomes its bounding box (many scattered changes cost more as many images than as one). Not thread-safe.
 */
final class DirtyRegions {

    static final int GAP = 16;
    static final long SMALL_WASTE = 64 * 64;
    static final int MAX_REGIONS = 32;

    private final List<Region> regions = new ArrayList<>();

    void add(Region added) {
        Region r = added;
        boolean merged = true;
        while (merged) {
            merged = false;
            for (int i = 0; i < regions.size(); i++) {
                Region e = regions.get(i);
                if (e.contains(r)) {
                    return;
                }
                if (shouldMerge(e, r)) {
                    regions.remove(i);
                    r = e.union(r);
                    merged = true;
                    break;
                }
            }
        }
        regions.add(r);
        if (regions.size() > MAX_REGIONS) {
            Region box = regions.get(0);
            for (Region e : regions) {
                box = box.union(e);
            }
            regions.clear();
            regions.add(box);
        }
    }

    static boolean shouldMerge(Region a, Region b) {
        if (!a.near(b, GAP)) {
            return false;
        }
        Region box = a.union(b);
        long covered = a.area() + b.area() - a.intersectionArea(b);
        long waste = box.area() - covered;
        return waste <= SMALL_WASTE || waste * 4 <= box.area();
    }

    boolean intersects(Region r) {
        for (Region e : regions) {
            if (e.intersects(r)) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return regions.isEmpty();
    }

    void clear() {
        regions.clear();
    }

    List<Region> list() {
        return List.copyOf(regions);
    }
}
