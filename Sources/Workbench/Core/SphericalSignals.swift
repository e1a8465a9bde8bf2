import Foundation
import NTKEngine

/// Generated signals on the sphere for SO(3) stacks: the `sphere` dataset of the workbench.
///
/// Each example is sampled on the Driscoll–Healy grid of bandwidth L (`[2L, 2L−1, 1]`,
/// θ_j = π(2j+1)/(4L), φ_k = 2πk/(2L−1), as `S2Grid`). Class c has c+1 smooth bumps
/// exp(κ(n·u − 1)) (κ = 3) around directions u drawn uniformly on the sphere, plus white
/// noise; class 3 is a band around a random great circle instead. The class depends only on
/// rotation-invariant properties (how many bumps, bump vs band), so it is invariant under
/// every rotation, and an SO(3)-pooled kernel should find it. Seeded with `SplitMix64`, so a
/// seed gives the same signals everywhere.
enum SphericalSignals {
    static let classNames = ["1 bump", "2 bumps", "3 bumps", "band"]
    static let kappa = 3.0

    static func make(count: Int, bandwidth L: Int, classes: Int, noise: Double = 0.1, seed: UInt64) throws -> Dataset {
        guard L >= 1, classes >= 1, classes <= classNames.count else {
            throw CommandError("sphere signals need bandwidth ≥ 1 and 1…\(classNames.count) classes")
        }
        let grid = S2Grid(bandwidth: L)
        // Unit vectors of the grid points, [j][k].
        var points: [(Double, Double, Double)] = []
        for j in 0..<grid.thetaCount {
            for k in 0..<grid.phiCount {
                let t = grid.theta[j], p = grid.phi[k]
                points.append((sin(t) * cos(p), sin(t) * sin(p), cos(t)))
            }
        }
        var rng = SplitMix64(seed: seed &+ 0x5EED_5F3)
        func direction() -> (Double, Double, Double) {
            let z = 2 * rng.uniform() - 1, a = 2 * Double.pi * rng.uniform()
            let r = (1 - z * z).squareRoot()
            return (r * cos(a), r * sin(a), z)
        }
        var images: [Double] = []
        images.reserveCapacity(count * points.count)
        var labels: [Int] = []
        for i in 0..<count {
            let c = i % classes
            labels.append(c)
            if c == 3 {
                let u = direction()
                for q in points {
                    let d = q.0 * u.0 + q.1 * u.1 + q.2 * u.2
                    images.append(exp(-kappa * d * d * 2) + noise * rng.gaussian())
                }
            } else {
                let us = (0...c).map { _ in direction() }
                for q in points {
                    var v = 0.0
                    for u in us { v += exp(kappa * (q.0 * u.0 + q.1 * u.1 + q.2 * u.2 - 1)) }
                    images.append(v + noise * rng.gaussian())
                }
            }
        }
        return try Dataset(name: "sphere signals L=\(L)", images: images, shape: [grid.thetaCount, grid.phiCount, 1],
                           labels: labels, classNames: Array(classNames.prefix(classes)))
    }

    /// The signal rotated about the z axis by `steps`·2π/(2L−1): a cyclic shift of the φ
    /// index, exact on the grid.
    static func rotatedAboutZ(_ x: [Double], thetaCount: Int, phiCount: Int, channels: Int, steps: Int) -> [Double] {
        var out = x
        for j in 0..<thetaCount {
            for k in 0..<phiCount {
                let src = (k - steps % phiCount + phiCount) % phiCount
                for c in 0..<channels { out[(j * phiCount + k) * channels + c] = x[(j * phiCount + src) * channels + c] }
            }
        }
        return out
    }
}
