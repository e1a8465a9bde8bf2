import Foundation

/// A small seeded generator of standard normal draws (SplitMix64 + Box–Muller), so finite-width
/// networks are reproducible from a seed on every platform (the system generator is not seedable).
struct GaussianSource {
    private var state: UInt64
    private var spare: Double?

    init(seed: UInt64) { state = seed }

    mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    mutating func uniform() -> Double { (Double(nextBits() >> 11) + 1) / Double(1 << 53) }

    mutating func normal() -> Double {
        if let s = spare { spare = nil; return s }
        let r = (-2 * Foundation.log(uniform())).squareRoot(), t = 2 * Double.pi * uniform()
        spare = r * Foundation.sin(t)
        return r * Foundation.cos(t)
    }
}
