/// Geometry helpers that keep user data from producing out-of-range pixel coordinates
/// (a fixed axis range with far-away points must neither trap on `Int` conversion nor draw
/// over the axes).
public enum Clip {
    /// Liang–Barsky clipping of the segment a→b to the box; nil when it lies outside.
    public static func segment(_ a: (Double, Double), _ b: (Double, Double),
                               xMin: Double = 0, xMax: Double = 1, yMin: Double = 0, yMax: Double = 1)
        -> ((Double, Double), (Double, Double))? {
        guard a.0.isFinite, a.1.isFinite, b.0.isFinite, b.1.isFinite else { return nil }
        let dx = b.0 - a.0, dy = b.1 - a.1
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, a.0 - xMin), (dx, xMax - a.0), (-dy, a.1 - yMin), (dy, yMax - a.1)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return nil }; if r > t0 { t0 = r } }
                else { if r < t0 { return nil }; if r < t1 { t1 = r } }
            }
        }
        return ((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy))
    }

    /// Whether a point lies in the box (inclusive, with a little slack for rounding).
    public static func contains(_ p: (Double, Double), xMin: Double = 0, xMax: Double = 1, yMin: Double = 0, yMax: Double = 1) -> Bool {
        let e = 1e-9
        return p.0 >= xMin - e && p.0 <= xMax + e && p.1 >= yMin - e && p.1 <= yMax + e
    }

    /// Rounds to an Int pixel coordinate, clamped to ±10⁶ (NaN → 0), so conversion never traps.
    public static func pixel(_ v: Double) -> Int {
        guard v.isFinite else { return 0 }
        return Int(min(1e6, max(-1e6, v)).rounded())
    }
}
