/// Block-averaging of a row-major matrix, used when a matrix has more entries than the
/// drawing area has pixels: averaging (rather than striding) keeps the block structure of a
/// kernel visible instead of aliasing it.
public enum Downsample {
    /// Smallest integer factor f such that ceil(rows/f) ≤ maxRows and ceil(cols/f) ≤ maxCols.
    public static func factor(rows: Int, cols: Int, maxRows: Int, maxCols: Int) -> Int {
        guard maxRows > 0, maxCols > 0 else { return max(1, max(rows, cols)) }
        let fr = (rows + maxRows - 1) / maxRows, fc = (cols + maxCols - 1) / maxCols
        return max(1, fr, fc)
    }

    /// Mean of each f×f block (partial blocks at the edges average what they have). NaN
    /// entries are ignored; an all-NaN block stays NaN.
    public static func blockMean(_ m: [Double], rows: Int, cols: Int, factor f: Int) -> (values: [Double], rows: Int, cols: Int) {
        guard f > 1 else { return (m, rows, cols) }
        let r2 = (rows + f - 1) / f, c2 = (cols + f - 1) / f
        var sum = [Double](repeating: 0, count: r2 * c2)
        var cnt = [Int](repeating: 0, count: r2 * c2)
        for i in 0..<rows {
            for j in 0..<cols {
                let v = m[i * cols + j]
                if v.isNaN { continue }
                let k = (i / f) * c2 + j / f
                sum[k] += v; cnt[k] += 1
            }
        }
        var out = [Double](repeating: .nan, count: r2 * c2)
        for k in 0..<out.count where cnt[k] > 0 { out[k] = sum[k] / Double(cnt[k]) }
        return (out, r2, c2)
    }
}
