/// Exact area-averaging image resize.
///
/// Why: the paper downsamples 224×224 histology tiles to 32×32. Area averaging (each output
/// pixel is the mean of the input area it covers, with fractional weights at the borders) is
/// what `cv2.INTER_AREA`/PIL's `BOX` filter do; it keeps the mean intensity exactly and, for
/// integer factors like 224→32 (7×7 blocks), is a plain block mean.
public enum AreaResize {
    /// Resizes one `[H, W, C]` image to `[toHeight, toWidth, C]`.
    public static func resize(_ image: [Double], height: Int, width: Int, channels: Int,
                              toHeight: Int, toWidth: Int) -> [Double] {
        precondition(image.count == height * width * channels && toHeight > 0 && toWidth > 0, "bad resize arguments")
        let rows = weights(from: height, to: toHeight), cols = weights(from: width, to: toWidth)
        // Separable: first along x, then along y.
        var tmp = [Double](repeating: 0, count: height * toWidth * channels)
        for y in 0..<height {
            for (ox, taps) in cols.enumerated() {
                for (x, wgt) in taps {
                    for c in 0..<channels { tmp[(y * toWidth + ox) * channels + c] += wgt * image[(y * width + x) * channels + c] }
                }
            }
        }
        var out = [Double](repeating: 0, count: toHeight * toWidth * channels)
        for (oy, taps) in rows.enumerated() {
            for (y, wgt) in taps {
                for i in 0..<(toWidth * channels) { out[oy * toWidth * channels + i] += wgt * tmp[y * toWidth * channels + i] }
            }
        }
        return out
    }

    /// For each output index, the input indices it overlaps and normalised overlap weights.
    static func weights(from n: Int, to m: Int) -> [[(Int, Double)]] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { o in
            let lo = Double(o) * scale, hi = Double(o + 1) * scale
            var taps = [(Int, Double)]()
            var i = Int(lo.rounded(.down))
            while Double(i) < hi - 1e-12, i < n {
                let overlap = min(hi, Double(i + 1)) - max(lo, Double(i))
                if overlap > 1e-12 { taps.append((i, overlap / scale)) }
                i += 1
            }
            return taps
        }
    }
}
