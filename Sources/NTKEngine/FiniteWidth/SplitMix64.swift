import Foundation

/// A seeded, platform-independent source of standard normal draws.
///
/// Finite-width networks must be reproducible from `(spec, width, seed)` alone — on every
/// machine and across Swift versions — so Monte-Carlo kernels and their tests are
/// deterministic. SplitMix64 (Steele, Lea & Flood 2014) gives 64-bit uniform words with a
/// fixed, documented recurrence; Box–Muller turns pairs of uniforms into pairs of N(0, 1)
/// draws (the second one is kept for the next call).
public struct SplitMix64: Sendable {
    private var state: UInt64
    private var spare: Double?

    /// Starts the stream at `seed` (any value, including 0, is a good seed).
    public init(seed: UInt64) { state = seed }

    /// The next 64-bit word.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in (0, 1): 53 random bits, offset by half a step so it is never 0
    /// (Box–Muller takes its logarithm).
    public mutating func nextUniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal draw (Box–Muller; draws come in pairs, the second is cached).
    public mutating func nextNormal() -> Double {
        if let s = spare { spare = nil; return s }
        let u1 = nextUniform(), u2 = nextUniform()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        let phi = 2 * Double.pi * u2
        spare = r * Foundation.sin(phi)
        return r * Foundation.cos(phi)
    }
}
