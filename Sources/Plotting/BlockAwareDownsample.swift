/// Downsampling that respects separators (class boundaries, |G|×|G| group blocks): indices
/// are averaged only within the segment between two separators, never across one, and each
/// separator keeps its own display pixel. A heatmap drawn this way shows its block structure
/// at every size at which one pixel per block (plus one per separator) fits.
public enum BlockAwareDownsample {
    /// One axis cut into groups of consecutive indices that never span a separator.
    public struct Axis: Equatable, Sendable {
        /// Consecutive ranges covering `0..<count`.
        public var groups: [Range<Int>]
        /// `afterSeparator[k]`: a separator pixel is drawn before group `k`.
        public var afterSeparator: [Bool]
        /// Display pixels needed without upscaling: one per group, one per separator.
        public var pixels: Int { groups.count + afterSeparator.filter { $0 }.count }
    }

    /// The segments of `0..<count` between the separators (each `b` in 1..<count starts one).
    static func segments(count: Int, separators: [Int]) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let cuts = Set(separators.filter { $0 > 0 && $0 < count }).sorted()
        var out: [Range<Int>] = []
        var start = 0
        for c in cuts { out.append(start..<c); start = c }
        out.append(start..<count)
        return out
    }

    /// Groups of at most `factor` indices per segment: a segment of length L becomes
    /// ceil(L/f) groups of nearly equal size (no one-index sliver at its end).
    public static func axis(count: Int, separators: [Int], factor: Int) -> Axis {
        let f = max(1, factor)
        var groups: [Range<Int>] = [], after: [Bool] = []
        for (s, seg) in segments(count: count, separators: separators).enumerated() {
            let len = seg.count
            let n = (len + f - 1) / f
            for k in 0..<n {
                // k·len/n ≤ len since k < n; the ranges tile the segment exactly.
                groups.append((seg.lowerBound + k * len / n)..<(seg.lowerBound + (k + 1) * len / n))
                after.append(s > 0 && k == 0)
            }
        }
        return Axis(groups: groups, afterSeparator: after)
    }

    /// Pixels an axis needs at factor `f` (groups plus separators), without building it.
    static func pixels(count: Int, separators: [Int], factor f: Int) -> Int {
        let segs = segments(count: count, separators: separators)
        return segs.reduce(0) { $0 + ($1.count + f - 1) / f } + max(0, segs.count - 1)
    }

    /// The smallest common factor at which both axes fit (`maxRows`/`maxCols` display
    /// pixels, separators included), or nil when even one pixel per segment does not fit.
    public static func factor(rows: Int, cols: Int, rowSeparators: [Int], colSeparators: [Int],
                              maxRows: Int, maxCols: Int) -> Int? {
        let top = max(1, rows, cols)
        func fits(_ f: Int) -> Bool {
            pixels(count: rows, separators: rowSeparators, factor: f) <= maxRows
                && pixels(count: cols, separators: colSeparators, factor: f) <= maxCols
        }
        guard fits(top) else { return nil }
        // Pixels fall monotonically with f: binary search for the smallest f that fits.
        var lo = 1, hi = top
        while lo < hi {
            let mid = (lo + hi) / 2
            if fits(mid) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Mean of the row-major `m` (`rows`×`cols`) over each (row group, column group) cell.
    /// NaN entries are ignored; an all-NaN cell stays NaN.
    public static func mean(_ m: [Double], rows: Int, cols: Int, rowAxis: Axis, colAxis: Axis) -> [Double] {
        let r2 = rowAxis.groups.count, c2 = colAxis.groups.count
        // Column index → column group (the groups tile 0..<cols, so every j gets one).
        var colGroup = [Int](repeating: 0, count: cols)
        for (k, g) in colAxis.groups.enumerated() { for j in g where j < cols { colGroup[j] = k } }
        var out = [Double](repeating: .nan, count: r2 * c2)
        var sum = [Double](repeating: 0, count: c2), cnt = [Int](repeating: 0, count: c2)
        for (a, rg) in rowAxis.groups.enumerated() {
            for k in 0..<c2 { sum[k] = 0; cnt[k] = 0 }
            for i in rg where i < rows {
                for j in 0..<cols {
                    let v = m[i * cols + j]   // i < rows, j < cols: inside m (rows·cols entries)
                    if v.isNaN { continue }
                    sum[colGroup[j]] += v; cnt[colGroup[j]] += 1
                }
            }
            for k in 0..<c2 where cnt[k] > 0 { out[a * c2 + k] = sum[k] / Double(cnt[k]) }
        }
        return out
    }
}
