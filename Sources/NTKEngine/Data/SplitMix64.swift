import Foundation

/// A tiny seeded pseudo-random generator (SplitMix64) with uniform, integer and Gaussian draws.
///
/// Why our own: datasets, splits and augmentations must be identical for a given seed on every
/// machine and Swift version, so that experiments and tests are reproducible. Swift's
/// `random(in:using:)` and `shuffle(using:)` do not promise a stable algorithm; every draw here
/// is defined in this file (Lemire-free rejection sampling, Box–Muller without caching).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits (Steele, Lea & Flood's SplitMix64 finaliser).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in `0..<n` (n > 0), unbiased by rejection.
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "int(below:) needs a positive bound")
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// A standard normal draw (Box–Muller; one draw consumes two uniforms).
    public mutating func gaussian() -> Double {
        let u1 = 1 - uniform() // (0, 1]
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A Fisher–Yates shuffle of `0..<n`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, int(below: i + 1)) }
        }
        return p
    }
}
