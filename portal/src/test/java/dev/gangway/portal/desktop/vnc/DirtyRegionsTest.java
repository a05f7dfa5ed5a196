package dev.gangway.portal.desktop.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Merging of changed rectangles into few regions. */
class DirtyRegionsTest {

    @Test
    void adjacentAndOverlappingRectanglesMerge() {
        DirtyRegions d = new DirtyRegions();
        d.add(new Region(0, 0, 64, 64));
        d.add(new Region(64, 0, 64, 64)); // touching: one region
        d.add(new Region(10, 10, 20, 20)); // inside
        assertThat(d.list()).containsExactly(new Region(0, 0, 128, 64));
        d.add(new Region(0, 70, 128, 10)); // 6 px below, same width: little waste
        assertThat(d.list()).containsExactly(new Region(0, 0, 128, 80));
    }

    @Test
    void distantOrWastefulRectanglesStaySeparate() {
        DirtyRegions d = new DirtyRegions();
        d.add(new Region(0, 0, 10, 10));
        d.add(new Region(500, 400, 10, 10)); // far apart
        d.add(new Region(0, 300, 400, 400));
        d.add(new Region(410, 0, 300, 290)); // near the big one's corner only: the box would waste a lot
        assertThat(d.list()).hasSize(4);
        assertThat(d.intersects(new Region(505, 405, 1, 1))).isTrue();
        assertThat(d.intersects(new Region(100, 100, 5, 5))).isFalse();
    }

    @Test
    void smallNeighboursMergeEvenWithWaste() {
        DirtyRegions d = new DirtyRegions();
        d.add(new Region(0, 0, 8, 16));
        d.add(new Region(20, 10, 8, 16)); // 12 px apart diagonally: the box wastes < 64×64
        assertThat(d.list()).containsExactly(new Region(0, 0, 28, 26));
    }

    @Test
    void tooManyRegionsBecomeTheirBoundingBox() {
        DirtyRegions d = new DirtyRegions();
        for (int i = 0; i <= DirtyRegions.MAX_REGIONS; i++) {
            d.add(new Region(i * 100 % 1000, i / 10 * 100, 4, 4));
        }
        assertThat(d.list()).containsExactly(new Region(0, 0, 904, 304));
        d.clear();
        assertThat(d.isEmpty()).isTrue();
    }

    @Test
    void mergingRepeatsUntilStable() {
        DirtyRegions d = new DirtyRegions();
        d.add(new Region(0, 0, 100, 100));
        d.add(new Region(300, 0, 100, 100));
        d.add(new Region(100, 0, 200, 100)); // bridges the two
        assertThat(d.list()).containsExactly(new Region(0, 0, 400, 100));
    }
}
