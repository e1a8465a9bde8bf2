/// The action of the plane symmetries on H×W×C images (NHWC, row-major `[Double]`).
///
/// (g·f)(u) = f(g⁻¹u) with u the offset from the image centre, so rotations and mirrors turn
/// the image about its centre exactly; `translate` shifts cyclically (exact on a torus).
public enum ImageAction {
    /// g·f for a point-group element. An element that swaps the axes (a quarter turn, a
    /// diagonal mirror) turns an H×W image into a W×H one.
    public static func transform(_ f: [Double], height h: Int, width w: Int, channels c: Int,
                                 by g: Matrix2) -> [Double] {
        let (oh, ow) = g.swapsAxes ? (w, h) : (h, w)
        var out = [Double](repeating: 0, count: f.count)
        let gi = g.inverse
        for i in 0..<oh {
            for j in 0..<ow {
                // Doubled centred coordinates keep even sizes on the integer lattice.
                let (yy, xx) = gi.apply(2 * i - (oh - 1), 2 * j - (ow - 1))
                let si = (yy + h - 1) / 2, sj = (xx + w - 1) / 2
                for k in 0..<c { out[(i * ow + j) * c + k] = f[(si * w + sj) * c + k] }
            }
        }
        return out
    }

    /// Cyclic shift: out(i, j) = f(i − dy mod H, j − dx mod W).
    public static func translate(_ f: [Double], height h: Int, width w: Int, channels c: Int,
                                 dy: Int, dx: Int) -> [Double] {
        var out = [Double](repeating: 0, count: f.count)
        for i in 0..<h {
            for j in 0..<w {
                let si = ((i - dy) % h + h) % h, sj = ((j - dx) % w + w) % w
                for k in 0..<c { out[(i * w + j) * c + k] = f[(si * w + sj) * c + k] }
            }
        }
        return out
    }
}
