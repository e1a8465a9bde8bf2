import Foundation
import NTKEngine

// Shared by the NTKEngine and Workbench fuzz suites (one copy, a test-support target).

/// Fuzz case counts: `ENTK_FUZZ_CASES` (total over the suites; `make fuzz` sets 100000),
/// default 2000 for the quick profile that runs with the normal tests.
public enum FuzzBudget {
    public static var total: Int {
        if let s = ProcessInfo.processInfo.environment["ENTK_FUZZ_CASES"], let n = Int(s), n > 0 { return n }
        return 2000
    }
    public static var seed: UInt64 {
        if let s = ProcessInfo.processInfo.environment["ENTK_FUZZ_SEED"], let n = UInt64(s) { return n }
        return 0x5EED_F022
    }
}

/// Seeded generator helpers on SplitMix64 (our own, reproducible on every platform).
public struct FuzzRNG {
    public var g: SplitMix64
    public init(_ seed: UInt64) { g = SplitMix64(seed: seed) }
    public mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + g.int(below: r.count) }
    public mutating func chance(_ p: Double) -> Bool { g.uniform() < p }
    public mutating func pick<T>(_ xs: [T]) -> T { xs[g.int(below: xs.count)] }
    public mutating func uniform() -> Double { g.uniform() }
    public mutating func gaussian() -> Double { g.gaussian() }
    /// A number that is usually ordinary and sometimes extreme (0, huge, tiny, negative).
    public mutating func wild(_ usual: ClosedRange<Double>) -> Double {
        if chance(0.85) { return usual.lowerBound + uniform() * (usual.upperBound - usual.lowerBound) }
        return pick([0, -1, 1e-300, 1e-9, 1e9, 1e150, 1e300, 1e308, 2.5, 0.5])
    }
}

/// Counts of what the fuzzers saw, printed at the end of each suite.
public struct FuzzTally: CustomStringConvertible {
    public var cases = 0, accepted = 0, rejected = 0, computed = 0, refusedNonFinite = 0, skippedWork = 0
    public init() {}
    public var description: String {
        "\(cases) cases: \(accepted) accepted (\(computed) computed, \(refusedNonFinite) refused as non-finite, \(skippedWork) over the work bound), \(rejected) rejected with located errors"
    }
}
