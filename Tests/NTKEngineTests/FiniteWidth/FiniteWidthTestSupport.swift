@testable import NTKEngine

/// Shared builders for the finite-width tests: small specs and seeded inputs.
enum FW {
    static func dense(_ w: Double = 1, _ b: Double? = nil) -> LayerSpec { .dense(.init(wStd: w, bStd: b)) }
    static func conv(_ k: [Int], _ p: Padding, _ w: Double = 1, _ b: Double? = nil) -> LayerSpec {
        .conv(.init(filter: k, padding: p, affine: .init(wStd: w, bStd: b)))
    }
    static func lift(_ g: PointGroup, _ k: Int = 3, _ p: Padding = .circular, _ w: Double = 1, _ b: Double? = nil) -> LayerSpec {
        .lift(.init(group: g, conv: .init(filter: [k, k], padding: p, affine: .init(wStd: w, bStd: b))))
    }
    static func gconv(_ g: PointGroup, _ k: Int = 3, _ p: Padding = .circular, _ w: Double = 1, _ b: Double? = nil) -> LayerSpec {
        .gconv(.init(group: g, conv: .init(filter: [k, k], padding: p, affine: .init(wStd: w, bStd: b))))
    }
    static let relu = LayerSpec.activation(.relu)

    /// `n` inputs of `size` values, N(0, 1) from a fixed seed.
    static func inputs(_ n: Int, _ size: Int, seed: UInt64 = 12345) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in (0..<size).map { _ in rng.gaussian() } }
    }

    static func batch(_ shape: [Int], _ xs: [[Double]]) throws -> InputBatch {
        try InputBatch(shape: shape, data: xs.flatMap { $0 })
    }
}
