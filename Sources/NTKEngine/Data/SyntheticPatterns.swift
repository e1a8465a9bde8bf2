import Foundation

/// Generated, seeded image datasets whose classes are invariant under the symmetries of the
/// square: each class is a pattern family, each instance is drawn with random parameters, then
/// rotated by a random multiple of 90°, possibly mirrored, and noised.
///
/// Why: tests and the no-network default need data that exists everywhere, is identical for a
/// seed on every machine, is small enough for exact kernels, and has exactly the D4 invariance
/// the equivariant kernels are built for (so C4/D4 kernels should beat plain ones on it).
public enum SyntheticPatterns {
    /// The pattern families, in label order.
    public enum Family: String, CaseIterable, Sendable {
        /// Two to three periods of a sinusoidal grating along one axis (a small random tilt).
        case stripes
        /// Five to seven periods of a grating: same shape, higher frequency.
        case fineStripes = "fine-stripes"
        /// A product of two gratings: a checkerboard.
        case checker
        /// A few Gaussian blobs at random places.
        case blobs
        /// Concentric rings around a random centre.
        case rings
        /// An L-shaped corner: its orientation is random, its class is not.
        case corner
    }

    /// Makes `count` images of `height × width × channels`, labels cycling through the first
    /// `classes` families (so classes are balanced), Gaussian noise of std `noise`.
    /// Pixel values are roughly in [-1, 1] before noise. Odd rotations need `height == width`;
    /// for non-square images only rotations by 0°/180° and mirrors are drawn.
    public static func make(count: Int, height: Int = 16, width: Int = 16, channels: Int = 1,
                            classes: Int = 4, noise: Double = 0.1, seed: UInt64 = 0) throws -> Dataset {
        let families = Family.allCases
        guard (1...families.count).contains(classes) else {
            throw DataError(path: "synthetic", "classes must be within 1…\(families.count), got \(classes)")
        }
        guard count >= 0, height >= 2, width >= 2, channels >= 1 else {
            throw DataError(path: "synthetic", "need count ≥ 0, images at least 2×2 and ≥ 1 channel")
        }
        var rng = SplitMix64(seed: seed)
        let group = height == width ? ImageSymmetry.all : ImageSymmetry.Group.d2.elements
        let shape = [height, width, channels]
        var images = [Double]()
        images.reserveCapacity(count * height * width * channels)
        var labels = [Int]()
        for n in 0..<count {
            let label = n % classes
            let base = pattern(families[label], height: height, width: width, rng: &rng)
            var img = [Double](repeating: 0, count: height * width * channels)
            let gains = (0..<channels).map { _ in channels == 1 ? 1 : 0.5 + rng.uniform() }
            for p in 0..<(height * width) {
                for c in 0..<channels { img[p * channels + c] = gains[c] * base[p] + noise * rng.gaussian() }
            }
            let g = group[rng.int(below: group.count)]
            images += g.apply(to: img, shape: shape)
            labels.append(label)
        }
        return try Dataset(name: "synthetic-patterns", images: images, shape: shape, labels: labels,
                           classNames: families.prefix(classes).map(\.rawValue))
    }

    /// One H × W pattern in canonical orientation, values in about [-1, 1].
    static func pattern(_ family: Family, height h: Int, width w: Int, rng: inout SplitMix64) -> [Double] {
        var out = [Double](repeating: 0, count: h * w)
        let size = Double(max(h, w))
        func u(_ y: Int, _ x: Int) -> (Double, Double) { ((Double(x) + 0.5) / size, (Double(y) + 0.5) / size) }
        switch family {
        case .stripes, .fineStripes, .checker:
            let periods = family == .fineStripes ? 5 + 2 * rng.uniform() : 2 + rng.uniform()
            let tilt = (rng.uniform() - 0.5) * 0.3
            let phase = 2 * Double.pi * rng.uniform(), phase2 = 2 * Double.pi * rng.uniform()
            for y in 0..<h {
                for x in 0..<w {
                    let (px, py) = u(y, x)
                    let along = px * cos(tilt) + py * sin(tilt), across = -px * sin(tilt) + py * cos(tilt)
                    var v = sin(2 * Double.pi * periods * along + phase)
                    if family == .checker { v *= sin(2 * Double.pi * periods * across + phase2) * 1.5 }
                    out[y * w + x] = v
                }
            }
        case .blobs:
            let k = 2 + rng.int(below: 3)
            let centres = (0..<k).map { _ in (0.15 + 0.7 * rng.uniform(), 0.15 + 0.7 * rng.uniform(), 0.06 + 0.06 * rng.uniform()) }
            for y in 0..<h {
                for x in 0..<w {
                    let (px, py) = u(y, x)
                    var v = -1.0
                    for (cx, cy, r) in centres { v += 2 * exp(-((px - cx) * (px - cx) + (py - cy) * (py - cy)) / (2 * r * r)) }
                    out[y * w + x] = min(1, v)
                }
            }
        case .rings:
            let cx = 0.35 + 0.3 * rng.uniform(), cy = 0.35 + 0.3 * rng.uniform()
            let periods = 3 + 1.5 * rng.uniform(), phase = 2 * Double.pi * rng.uniform()
            for y in 0..<h {
                for x in 0..<w {
                    let (px, py) = u(y, x)
                    out[y * w + x] = cos(2 * Double.pi * periods * ((px - cx) * (px - cx) + (py - cy) * (py - cy)).squareRoot() + phase)
                }
            }
        case .corner:
            // An L: a horizontal bar along the bottom and a vertical bar on the left, random thickness.
            let t = 0.15 + 0.15 * rng.uniform(), inset = 0.1 + 0.15 * rng.uniform()
            for y in 0..<h {
                for x in 0..<w {
                    let (px, py) = u(y, x)
                    let inLeft = px >= inset && px < inset + t && py >= inset && py < 1 - inset
                    let inBottom = py >= 1 - inset - t && py < 1 - inset && px >= inset
                    out[y * w + x] = inLeft || inBottom ? 1 : -1
                }
            }
        }
        return out
    }
}
