package org.blockgraph.checker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, ComparisonTable.median(new double[] {5, 1, 3}));
        assertEquals(2.5, ComparisonTable.median(new double[] {4, 1, 2, 3}));
        assertEquals(7.0, ComparisonTable.median(new double[] {7}));
        assertThrows(IllegalArgumentException.class, () -> ComparisonTable.median(new double[0]));
    }

    @Test
    void ratioIsOfTheMediansNotTheMeanOfRatios() {
        // medians 200k and 100k; an outlier round (A 10k) must not move the ratio
        ComparisonTable.Row r = new ComparisonTable.Row("x", "a", "b", new double[] {200e3, 10e3, 210e3},
                new double[] {100e3, 90e3, 500e3}, 2.0);
        assertEquals(200e3, r.medianA());
        assertEquals(100e3, r.medianB());
        assertEquals(2.0, r.ratio(), 1e-12);
        assertTrue(r.goalMet());
    }

    @Test
    void goalMissedAndNoGoal() {
        ComparisonTable.Row missed = new ComparisonTable.Row("m", "a", "b", new double[] {94}, new double[] {100},
                0.95);
        assertFalse(missed.goalMet());
        ComparisonTable.Row none = new ComparisonTable.Row("n", "a", "b", new double[] {1}, new double[] {1},
                Double.NaN);
        assertFalse(none.goalMet());
    }

    @Test
    void formatsMediansInThousandsRatiosAndGoals() {
        ComparisonTable t = new ComparisonTable();
        t.add(new ComparisonTable.Row("filters3 d64 read vs QEMU null-co", "blockgraph filters3", "qemu-img null-co",
                new double[] {2_000_000, 2_200_000, 2_100_000}, new double[] {1_000_000, 1_050_000, 950_000}, 2.0));
        t.add(new ComparisonTable.Row("bare d1 read vs QEMU null-co", "blockgraph bare", "qemu-img null-co",
                new double[] {300_000}, new double[] {400_000}, Double.NaN));
        List<String> lines = t.format().lines().toList();
        assertEquals(4, lines.size(), t.format());
        assertTrue(lines.get(2).contains("2100.0") && lines.get(2).contains("1000.0"), lines.get(2));
        assertTrue(lines.get(2).contains("2.10") && lines.get(2).contains(">= 2.00 met"), lines.get(2));
        assertTrue(lines.get(3).contains("0.75") && lines.get(3).endsWith("-"), lines.get(3));
        assertTrue(t.formatSamples().contains("A 2000.0k 2200.0k 2100.0k | B 1000.0k 1050.0k 950.0k"),
                t.formatSamples());
    }

    @Test
    void samplesAreCopied() {
        double[] a = {1, 2, 3};
        ComparisonTable.Row r = new ComparisonTable.Row("x", "a", "b", a, new double[] {1}, Double.NaN);
        a[1] = 100;
        assertEquals(2.0, r.medianA());
    }

    @Test
    void rowWithoutSamplesIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ComparisonTable.Row("x", "a", "b", new double[0], new double[] {1}, Double.NaN));
    }
}
