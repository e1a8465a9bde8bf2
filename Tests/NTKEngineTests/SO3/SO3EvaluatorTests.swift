import Foundation
import XCTest
@testable import NTKEngine

/// Spec validation (located errors), the layer-wise accessor, input checks and cancellation.
final class SO3EvaluatorTests: XCTestCase {
    func spec(_ shape: [Int], _ layers: [[String: Any]], param: String = "ntk") throws -> ArchitectureSpec {
        try ArchitectureSpec.parse(object: ["parameterization": param, "input_shape": shape, "layers": layers])
    }
    let lift: [String: Any] = ["type": "s2_lift", "bandwidth_in": 3, "bandwidth_out": 2]
    let pool: [String: Any] = ["type": "so3_pool"]
    let dense: [String: Any] = ["type": "dense", "W_std": 1.0]

    func assertSpecError(_ s: ArchitectureSpec, path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SO3KernelEvaluator(spec: s), file: file, line: line) { e in
            guard let se = e as? SpecError else { return XCTFail("not a SpecError: \(e)", file: file, line: line) }
            XCTAssertEqual(se.path, path, "\(se)", file: file, line: line)
        }
    }

    func testValidationErrorsAreLocated() throws {
        assertSpecError(try spec([6, 5, 1], [lift, pool, dense], param: "standard"), path: "parameterization")
        assertSpecError(try spec([6, 5, 1], [["type": "relu"], lift, pool, dense]), path: "layers[0].type")
        assertSpecError(try spec([6, 6, 1], [lift, pool, dense]), path: "input_shape")
        assertSpecError(try spec([30], [lift, pool, dense]), path: "input_shape")
        assertSpecError(try spec([6, 5, 1], [lift, ["type": "so3_conv", "bandwidth_in": 3, "bandwidth_out": 2], pool, dense]),
                        path: "layers[1].bandwidth_in")
        assertSpecError(try spec([6, 5, 1], [lift, dense, pool]), path: "layers[1].type")
        assertSpecError(try spec([6, 5, 1], [lift, ["type": "relu"]]), path: "layers")
        assertSpecError(try spec([6, 5, 1], [lift, lift, pool, dense]), path: "layers[1].type")
        assertSpecError(try spec([6, 5, 1], [lift, pool, pool, dense]), path: "layers[2].type")
        assertSpecError(try spec([6, 5, 1], [lift, ["type": "so3_conv", "bandwidth_in": 2, "bandwidth_out": 2, "max_beta": 0.2], pool, dense]),
                        path: "layers[1].max_beta")
        assertSpecError(try spec([6, 5, 1], [lift, ["type": "conv", "filter": [3, 3]], pool, dense]), path: "layers[1].type")
        XCTAssertNoThrow(try SO3KernelEvaluator(spec: try spec([6, 5, 1], [lift, ["type": "erf"], pool, ["type": "relu"], dense])))
    }

    func testInputShapeAndFinitenessChecked() throws {
        let ev = try SO3KernelEvaluator(spec: try spec([6, 5, 1], [lift, ["type": "relu"], pool, dense]))
        XCTAssertThrowsError(try ev.compute(try InputBatch(shape: [5, 6, 1], data: Array(repeating: 1, count: 30 * 2)))) // same size, wrong layout
        let bad = try InputBatch(shape: [6, 5, 2], data: Array(repeating: 1, count: 60))
        XCTAssertThrowsError(try ev.compute(bad)) { XCTAssertTrue(($0 as? KernelError).map { if case .shape = $0 { true } else { false } } ?? false) }
        XCTAssertNoThrow(try ev.compute(try InputBatch(shape: [30], data: (0..<60).map { sin(Double($0)) })))
        var d = Array(repeating: 0.5, count: 30); d[7] = .nan
        XCTAssertThrowsError(try ev.compute(try InputBatch(shape: [6, 5, 1], data: d)))
    }

    func testCancellationThrows() throws {
        let c = try SO3Fixtures.load("so3_lift_relu_pool_nobias.json")
        let ev = try SO3KernelEvaluator(spec: c.spec, threads: 2)
        let p = GramProgress()
        p.cancel()
        XCTAssertThrowsError(try ev.compute(c.inputs, progress: p)) { XCTAssertEqual($0 as? KernelError, .cancelled) }
        let q = GramProgress()
        _ = try ev.compute(c.inputs, progress: q)
        XCTAssertEqual(q.completed, q.total)
        XCTAssertEqual(q.total, c.inputs.count + c.inputs.count * (c.inputs.count + 1) / 2)
    }

    /// The accessor's last layer is the Gram entry; its grid kernels have the documented sizes,
    /// and the self-pair kernel after the lift is symmetric positive semi-definite on the diagonal.
    func testIntermediateMatchesGram() throws {
        let c = try SO3Fixtures.load("so3_lift_erf_conv_erf_pool.json")
        let ev = try SO3KernelEvaluator(spec: c.spec, threads: 2)
        let g = try ev.compute(c.inputs)
        let x0 = Array(c.inputs.input(0)), x1 = Array(c.inputs.input(1))
        let last = c.spec.layers.count - 1
        let r = try ev.intermediate(x0, x1, afterLayer: last)
        XCTAssertEqual(r.nngp.rows, 1)
        XCTAssertEqual(r.nngp[0, 0], g.nngp[0, 1], accuracy: 1e-14 * g.nngp.maxAbs)
        XCTAssertEqual(r.ntk[0, 0], g.ntk[0, 1], accuracy: 1e-14 * g.ntk.maxAbs)
        XCTAssertEqual(ev.layerSizes, [5 * 6 * 5, 5 * 6 * 5, 5 * 6 * 5, 5 * 6 * 5, 1, 1])
        let s = try ev.intermediate(x0, x0, afterLayer: 0)
        XCTAssertEqual(s.nngp.rows, 150)
        var asym = 0.0
        for i in 0..<150 { for j in 0..<150 { asym = max(asym, abs(s.nngp[i, j] - s.nngp[j, i])) } }
        XCTAssertLessThan(asym, 1e-13 * s.nngp.maxAbs)
        XCTAssertTrue(s.nngp.diagonal.allSatisfy { $0 > 0 })
        // Θ = K right after the lift (NTK parameterization, Θ⁰ = 0).
        XCTAssertEqual(s.nngp, s.ntk)
        XCTAssertThrowsError(try ev.intermediate(x0, x1, afterLayer: last + 1))
    }
}
