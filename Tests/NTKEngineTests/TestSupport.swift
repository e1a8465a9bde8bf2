import Foundation
@testable import NTKEngine

/// Deterministic Gaussian samples for tests.
struct TestRNG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
    mutating func normals(_ n: Int) -> [Double] { (0..<n).map { _ in normal() } }
}

func spec(_ json: String) throws -> ArchitectureSpec { try ArchitectureSpec.parse(json: Data(json.utf8)) }

/// A group stack lift → σ → gconv → σ → group_pool → dense, as JSON.
func groupStackJSON(group: String, padding: String, act: String = "relu", size: Int = 5, channels: Int = 2) -> String {
    """
    {"parameterization": "ntk", "input_shape": [\(size), \(size), \(channels)], "layers": [
      {"type": "lift", "group": "\(group)", "filter": [3, 3], "padding": "\(padding)", "W_std": 1.4, "b_std": 0.1},
      {"type": "\(act)"},
      {"type": "gconv", "group": "\(group)", "filter": [3, 3], "padding": "\(padding)", "W_std": 1.3, "b_std": 0.2},
      {"type": "\(act)"},
      {"type": "group_pool"},
      {"type": "dense", "W_std": 1.1, "b_std": 0.05}]}
    """
}

/// The matching CNN: conv instead of lift/gconv, GAP instead of group_pool.
func cnnStackJSON(padding: String, act: String = "relu", size: Int = 5, channels: Int = 2) -> String {
    """
    {"parameterization": "ntk", "input_shape": [\(size), \(size), \(channels)], "layers": [
      {"type": "conv", "filter": [3, 3], "padding": "\(padding)", "W_std": 1.4, "b_std": 0.1},
      {"type": "\(act)"},
      {"type": "conv", "filter": [3, 3], "padding": "\(padding)", "W_std": 1.3, "b_std": 0.2},
      {"type": "\(act)"},
      {"type": "global_avg_pool"},
      {"type": "dense", "W_std": 1.1, "b_std": 0.05}]}
    """
}

func kernel(_ ev: KernelEvaluator, _ a: [Double], _ b: [Double]) -> KernelValue {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            ev.pair(pa, pb, ev.selfKernel(pa), ev.selfKernel(pb))
        }
    }
}

/// `body(i, j, a, b)` for every pair i ≤ j of the inputs, with their buffers.
func forEachPair(_ xs: [[Double]], _ body: (Int, Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) -> Void) {
    for i in xs.indices {
        for j in i..<xs.count {
            xs[i].withUnsafeBufferPointer { a in xs[j].withUnsafeBufferPointer { b in body(i, j, a, b) } }
        }
    }
}

func relDiff(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(a), abs(b), 1e-300) }
