import XCTest
@testable import NTKEngine

/// The `flatten` readout's diagonal recursion (`KernelEvaluator.diagonalPair`, issue 10 round
/// three) against the full-block route (`reducedPairFromBlocks`: the P×P input gemm, every
/// window pass and dual on whole blocks, then the diagonal read), which it replaced for
/// flatten: on padding kinds, filters wider than the image, non-square filters, valid
/// shrinking, lift/gconv of C4/D4, erf/ReLU/GELU, a nonlinearity first, cross and self pairs.
final class DiagonalRecursionTests: XCTestCase {
    static func stack(_ size: [Int], _ layers: String, param: String = "ntk") -> String {
        """
        {"parameterization": "\(param)", "input_shape": [\(size.map(String.init).joined(separator: ", "))], "layers": [\(layers)]}
        """
    }

    static let cases: [(String, String)] = [
        ("CNN valid 3×2 + circular 7×7 on 3×4 + erf", stack([5, 5, 2], """
          {"type": "conv", "filter": [3, 2], "padding": "valid", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"},
          {"type": "conv", "filter": [7, 7], "padding": "circular", "W_std": 1.3, "b_std": 0.2}, {"type": "erf"},
          {"type": "flatten"}, {"type": "dense", "W_std": 1.1, "b_std": 0.05}, {"type": "relu"},
          {"type": "dense", "W_std": 0.9}
          """)),
        ("CNN same 5×3 wider than 4×3, standard", stack([4, 3, 3], """
          {"type": "conv", "filter": [5, 3], "padding": "same", "W_std": 1.2, "b_std": 0.3, "width": 4}, {"type": "gelu"},
          {"type": "conv", "filter": [3, 5], "padding": "same", "W_std": 1.1, "width": 5}, {"type": "relu"},
          {"type": "flatten"}, {"type": "dense", "W_std": 1.0, "b_std": 0.1, "width": 1}
          """, param: "standard")),
        ("ReLU first, then circular conv", stack([4, 6, 2], """
          {"type": "relu"}, {"type": "conv", "filter": [3, 3], "padding": "circular", "W_std": 1.5, "b_std": 0.2},
          {"type": "flatten"}, {"type": "dense", "W_std": 1.0}
          """)),
        ("C4 lift circular + gconv same", stack([5, 5, 2], """
          {"type": "lift", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"},
          {"type": "gconv", "group": "C4", "filter": [3, 3], "padding": "same", "W_std": 1.3, "b_std": 0.2}, {"type": "relu"},
          {"type": "flatten"}, {"type": "dense", "W_std": 1.1, "b_std": 0.05}
          """)),
        ("D4 lift valid + 7×7 circular gconv on 4×4, erf", stack([6, 6, 2], """
          {"type": "lift", "group": "D4", "filter": [3, 3], "padding": "valid", "W_std": 1.4, "b_std": 0.1}, {"type": "erf"},
          {"type": "gconv", "group": "D4", "filter": [7, 7], "padding": "circular", "W_std": 1.3, "b_std": 0.2}, {"type": "erf"},
          {"type": "flatten"}, {"type": "dense", "W_std": 1.1, "b_std": 0.05}, {"type": "erf"}, {"type": "dense", "W_std": 1.0}
          """)),
        ("flatten first (MLP on an image)", stack([4, 5, 3], """
          {"type": "flatten"}, {"type": "dense", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"},
          {"type": "dense", "W_std": 1.1, "b_std": 0.05}
          """)),
    ]

    /// diagonalPair against the full-block route, cross pairs (≤ 1e-12: libm arccos/atan2
    /// here, the polynomial block dual there) and self pairs (≤ 1e-13, exact correlation 1).
    func testDiagonalRecursionMatchesFullBlocks() throws {
        var rng = TestRNG(31)
        for (name, json) in Self.cases {
            let ev = try KernelEvaluator(spec: try spec(json))
            let f = ev.inputSize
            let xs = (0..<3).map { _ in rng.normals(f) }
            let ws = ev.makeWorkspace(Double.self)
            forEachPair(xs) { i, j, a, b in
                let sa = ev.selfKernel(a), sb = ev.selfKernel(b)
                let got = ev.reducedPair(a, b, sa, sb, workspace: ws)
                let want = ev.reducedPairFromBlocks(a, b, sa, sb, workspace: ws)
                let tol = i == j ? 1e-13 : 1e-12
                XCTAssertLessThan(relDiff(got.nngp, want.nngp), tol, "\(name) (\(i),\(j)) nngp \(got.nngp) vs \(want.nngp)")
                XCTAssertLessThan(relDiff(got.ntk, want.ntk), tol, "\(name) (\(i),\(j)) ntk \(got.ntk) vs \(want.ntk)")
                XCTAssertTrue(got.nngp.isFinite && got.ntk.isFinite && (i != j || got.nngp > 0), name)
            }
        }
    }

    /// flatten → dense → ReLU → dense on an H×W×C image is the MLP on the flattened vector
    /// (an independent route: the scalar phase from x·x′/D, no spatial code at all).
    func testFlattenFirstEqualsMLPOnTheFlattenedVector() throws {
        var rng = TestRNG(37)
        let layers = """
          {"type": "dense", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"}, {"type": "dense", "W_std": 1.1, "b_std": 0.05}
          """
        let image = try KernelEvaluator(spec: try spec(Self.stack([4, 5, 3], "{\"type\": \"flatten\"}, " + layers)))
        let mlp = try KernelEvaluator(spec: try spec(Self.stack([60], layers)))
        let a = rng.normals(60), b = rng.normals(60)
        for (x, y) in [(a, b), (a, a)] {
            let gi = kernel(image, x, y), gm = kernel(mlp, x, y)
            XCTAssertLessThan(relDiff(gi.nngp, gm.nngp), 1e-13)
            XCTAssertLessThan(relDiff(gi.ntk, gm.ntk), 1e-13)
        }
    }
}
