import XCTest
@testable import NTKEngine

/// The layers fused over rows (`RowPipeline`, issue 10 round three) against the
/// layer-by-layer route (`rowPipeline = .never`: whole blocks through `spatialBlock`), which
/// NaiveGroupKernelTests/ReferenceTests tie to independent evaluations. The pipeline does the
/// same arithmetic in another order of rows and sums with the same partial sums, so float64
/// results must agree to rounding (asserted ≤ 1e-15; bit-equal in practice). Edge cases:
/// circular/same/valid, filters as wide as or wider than the image, non-square images and
/// filters, heights that the ring does not divide, groups C1/C4/D4 with lift and gconv, ReLU
/// and erf, self pairs, and stacks the pipeline declines (nonlinearity first, two in a row).
final class RowPipelineTests: XCTestCase {
    static func stack(_ size: [Int], _ layers: String) -> String {
        """
        {"parameterization": "ntk", "input_shape": [\(size.map(String.init).joined(separator: ", "))], "layers": [\(layers)]}
        """
    }
    static func conv(_ f: [Int], _ pad: String, type: String = "conv", group: String? = nil, w: Double = 1.3) -> String {
        let g = group.map { ", \"group\": \"\($0)\"" } ?? ""
        return "{\"type\": \"\(type)\", \"filter\": [\(f[0]), \(f[1])], \"padding\": \"\(pad)\", \"W_std\": \(w), \"b_std\": 0.1\(g)}"
    }

    /// (name, spec, whether the pipeline takes it)
    static let cases: [(String, String, Bool)] = [
        ("CNN circular 3×3 ×3 on 14×5, GAP", stack([14, 5, 2], [conv([3, 3], "circular"), "{\"type\": \"relu\"}", conv([3, 3], "circular"),
            "{\"type\": \"relu\"}", conv([3, 3], "circular"), "{\"type\": \"relu\"}", "{\"type\": \"global_avg_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), true),
        ("CNN same 5×3 + valid 2×3 + circular 7×7 wider than 4×2", stack([6, 4, 2], [conv([5, 3], "same"), "{\"type\": \"erf\"}", conv([2, 3], "valid"),
            "{\"type\": \"relu\"}", conv([7, 7], "circular"), "{\"type\": \"relu\"}", "{\"type\": \"global_avg_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), true),
        ("CNN same 7×7 on 13×4 (filter wider), no activation after the last conv", stack([13, 4, 3], [conv([3, 3], "same"), "{\"type\": \"relu\"}", conv([7, 7], "same"),
            "{\"type\": \"global_avg_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}", "{\"type\": \"relu\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), true),
        ("C4 circular lift + 2 gconv on 13×13", stack([13, 13, 1], [conv([3, 3], "circular", type: "lift", group: "C4"), "{\"type\": \"relu\"}",
            conv([3, 3], "circular", type: "gconv", group: "C4"), "{\"type\": \"relu\"}", conv([5, 5], "circular", type: "gconv", group: "C4"), "{\"type\": \"relu\"}",
            "{\"type\": \"group_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), true),
        ("C4 valid lift + 7×7 circular gconv on 4×4", stack([6, 6, 2], [conv([3, 3], "valid", type: "lift", group: "C4"), "{\"type\": \"relu\"}",
            conv([7, 7], "circular", type: "gconv", group: "C4"), "{\"type\": \"relu\"}", "{\"type\": \"group_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), true),
        ("D4 same erf, 5×5 gconv", stack([7, 7, 2], [conv([3, 3], "same", type: "lift", group: "D4"), "{\"type\": \"erf\"}",
            conv([5, 5], "same", type: "gconv", group: "D4"), "{\"type\": \"erf\"}", "{\"type\": \"group_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), true),
        ("C1 lift + gconv circular", stack([11, 6, 2], [conv([3, 3], "circular", type: "lift", group: "C1"), "{\"type\": \"relu\"}",
            conv([3, 3], "circular", type: "gconv", group: "C1"), "{\"type\": \"relu\"}", "{\"type\": \"group_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), true),
        ("ReLU first (declined)", stack([5, 5, 2], ["{\"type\": \"relu\"}", conv([3, 3], "circular"), "{\"type\": \"relu\"}",
            "{\"type\": \"global_avg_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), false),
        ("two nonlinearities in a row (declined)", stack([5, 5, 2], [conv([3, 3], "same"), "{\"type\": \"relu\"}", "{\"type\": \"erf\"}",
            "{\"type\": \"global_avg_pool\"}", "{\"type\": \"dense\", \"W_std\": 1.0}"].joined(separator: ", ")), false),
    ]

    func testPipelineMatchesLayerByLayer() throws {
        var rng = TestRNG(41)
        for (name, json, taken) in Self.cases {
            var ev = try KernelEvaluator(spec: try spec(json))
            ev.rowPipeline = .always
            // The all-circular cases would take the slice route (`SlicePipelineTests`) on both sides.
            ev.slicePath = false
            var ref = ev
            ref.rowPipeline = .never
            let xs = (0..<3).map { _ in rng.normals(ev.inputSize) }
            let ws = ev.makeWorkspace(Double.self)
            forEachPair(xs) { i, j, a, b in
                let sa = ev.selfKernel(a), sb = ev.selfKernel(b)
                if i == 0 && j == 1, let g = ev.stack.group {
                    for s in g.elements {
                        let p = RowPipeline<Double>(ev, s: s, sa, sb, selfPair: false, workspace: ws)
                        XCTAssertEqual(p != nil, taken, "\(name): pipeline taken for s = \(s)")
                    }
                }
                let got = ev.reducedPair(a, b, sa, sb, workspace: ws)
                let want = ref.reducedPair(a, b, sa, sb, workspace: ws)
                XCTAssertLessThan(relDiff(got.nngp, want.nngp), 1e-15, "\(name) (\(i),\(j)) nngp \(got.nngp) vs \(want.nngp)")
                XCTAssertLessThan(relDiff(got.ntk, want.ntk), 1e-15, "\(name) (\(i),\(j)) ntk \(got.ntk) vs \(want.ntk)")
                // float32 through both routes: the same float32 arithmetic.
                let ws32 = ev.makeWorkspace(Float.self)
                let g32 = ev.reducedPair(a, b, sa, sb, workspace: ws32), w32 = ref.reducedPair(a, b, sa, sb, workspace: ws32)
                XCTAssertLessThan(relDiff(g32.nngp, w32.nngp), 1e-12, "\(name) float32 nngp")
                XCTAssertLessThan(relDiff(g32.ntk, w32.ntk), 1e-12, "\(name) float32 ntk")
            }
        }
    }

    /// Each ring row is computed once when the dry run's slots are used (no recomputation),
    /// and the 32×32 CNN rings fit one block per channel (memory ≤ 3 blocks per worker).
    func testRingsAreSmallAndSufficient() throws {
        let json = Self.stack([32, 32, 3], Array(repeating: [Self.conv([3, 3], "circular"), "{\"type\": \"relu\"}"], count: 4).flatMap { $0 }
            .joined(separator: ", ") + ", {\"type\": \"global_avg_pool\"}, {\"type\": \"dense\", \"W_std\": 1.0}")
        let ev = try KernelEvaluator(spec: try spec(json))
        let x = [Double](repeating: 0.5, count: ev.inputSize)
        x.withUnsafeBufferPointer { px in
            let sk = ev.selfKernel(px)
            let ws = ev.makeWorkspace(Double.self)
            guard let p = RowPipeline<Double>(ev, s: .identity, sk, sk, selfPair: false, workspace: ws) else { return XCTFail("declined") }
            // Circular 3×3: 3 taps + rows 0 (and, from the layer below, 1) kept for the wrap.
            XCTAssertTrue(p.slots.allSatisfy { $0 <= 6 }, "slots \(p.slots)")
            _ = p.run()
            // Output rows computed per stage: the last stage 32, every other stage 32 (once each).
            XCTAssertEqual(p.calls, [32, 32, 32, 32])
        }
    }
}
