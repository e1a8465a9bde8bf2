import Foundation
@testable import NTKEngine

/// Fuzz case counts: `ENTK_FUZZ_CASES` (total over the suites; `make fuzz` sets 100000),
/// default 2000 for the quick profile that runs with the normal tests.
enum FuzzBudget {
    static var total: Int {
        if let s = ProcessInfo.processInfo.environment["ENTK_FUZZ_CASES"], let n = Int(s), n > 0 { return n }
        return 2000
    }
    static var seed: UInt64 {
        if let s = ProcessInfo.processInfo.environment["ENTK_FUZZ_SEED"], let n = UInt64(s) { return n }
        return 0x5EED_F022
    }
}

/// Seeded generator helpers on SplitMix64 (our own, reproducible on every platform).
struct FuzzRNG {
    var g: SplitMix64
    init(_ seed: UInt64) { g = SplitMix64(seed: seed) }
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + g.int(below: r.count) }
    mutating func chance(_ p: Double) -> Bool { g.uniform() < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[g.int(below: xs.count)] }
    mutating func uniform() -> Double { g.uniform() }
    mutating func gaussian() -> Double { g.gaussian() }
    /// A number that is usually ordinary and sometimes extreme (0, huge, tiny, negative).
    mutating func wild(_ usual: ClosedRange<Double>) -> Double {
        if chance(0.85) { return usual.lowerBound + uniform() * (usual.upperBound - usual.lowerBound) }
        return pick([0, -1, 1e-300, 1e-9, 1e9, 1e150, 1e300, 1e308, 2.5, 0.5])
    }
}

/// Counts of what the fuzzers saw, printed at the end of each suite.
struct FuzzTally: CustomStringConvertible {
    var cases = 0, accepted = 0, rejected = 0, computed = 0, refusedNonFinite = 0, skippedWork = 0
    var description: String {
        "\(cases) cases: \(accepted) accepted (\(computed) computed, \(refusedNonFinite) refused as non-finite, \(skippedWork) over the work bound), \(rejected) rejected with located errors"
    }
}
