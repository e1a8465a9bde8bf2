import XCTest
@testable import NTKEngine

/// The self-pair savings of the Gram engine: for (x, x) only one block of each {s, s⁻¹} is
/// computed (B_{s⁻¹}(t′, t) = B_s(t, t′)), and the Gram diagonal reuses the pooled self kernel
/// when a nonlinearity follows the pooling. Both must equal the evaluation without them.
final class SelfPairSavingTests: XCTestCase {
    /// The reduced self pair against the mean over every relative element's block, each
    /// computed (the identity block with the exact self diagonal, as the engine does).
    func testSelfPairComputesEachInversePairOnce() throws {
        var rng = TestRNG(21)
        for (g, pad) in [("C4", "circular"), ("D4", "same"), ("C2", "circular"), ("D1", "same")] {
            let ev = try KernelEvaluator(spec: try spec(groupStackJSON(group: g, padding: pad, size: 5)))
            guard let group = ev.stack.group else { return XCTFail("no group") }
            let x = rng.normals(5 * 5 * 2)
            x.withUnsafeBufferPointer { px in
                let sk = ev.selfKernel(px)
                let ws = ev.makeWorkspace(Double.self)
                let got = ev.reducedPair(px, px, sk, sk, workspace: ws)
                ev.inputKernel(px, px, workspace: ws)
                var wantK = 0.0, wantT = 0.0
                for s in group.elements {
                    let r = ev.spatialBlock(s: s, sk, sk, selfPair: s == .identity, workspace: ws, capture: nil)
                    let n = r.dims.reduce(1, *)
                    guard let th = r.theta else { return XCTFail("no Θ") }
                    wantK += KernelEvaluator.sum(r.k, n) / Double(n)
                    wantT += KernelEvaluator.sum(th, n) / Double(n)
                }
                wantK /= Double(group.order); wantT /= Double(group.order)
                XCTAssertLessThan(relDiff(got.nngp, wantK), 1e-13, "\(g) nngp")
                XCTAssertLessThan(relDiff(got.ntk, wantT), 1e-13, "\(g) ntk")
                // And the evaluation with no self shortcut at all (every s, no exact self
                // diagonal) agrees to the conditioning of arccos at ρ = 1.
                var plainK = 0.0, plainT = 0.0
                for s in group.elements {
                    let r = ev.spatialBlock(s: s, sk, sk, selfPair: false, workspace: ws, capture: nil)
                    let n = r.dims.reduce(1, *)
                    guard let th = r.theta else { return XCTFail("no Θ") }
                    plainK += KernelEvaluator.sum(r.k, n) / Double(n) / Double(group.order)
                    plainT += KernelEvaluator.sum(th, n) / Double(n) / Double(group.order)
                }
                XCTAssertLessThan(relDiff(got.nngp, plainK), 1e-12, "\(g) nngp vs no shortcut")
                XCTAssertLessThan(relDiff(got.ntk, plainT), 1e-8, "\(g) ntk vs no shortcut")
                // A bitwise-equal copy in another buffer is a self pair too: exactly the same.
                let copy = x.map { $0 + 0 }
                let other = copy.withUnsafeBufferPointer { pc in ev.reducedPair(px, pc, sk, sk, workspace: ws) }
                XCTAssertEqual(got.nngp, other.nngp, "\(g) nngp vs copy")
                XCTAssertEqual(got.ntk, other.ntk, "\(g) ntk vs copy")
            }
        }
    }

    /// A cross Gram (x1, x2) whose x2 repeats inputs of x1 bit for bit gives those pairs the
    /// self-pair path, so its entries equal the symmetric Gram's (before: ReLU entries
    /// differed by ~1e-10, arccos's conditioning at ρ = 1); a near-copy (one ulp off) does not.
    func testCrossGramIdenticalInputsMatchSymmetricGram() throws {
        var rng = TestRNG(23)
        for json in [groupStackJSON(group: "C4", padding: "circular", size: 5), cnnStackJSON(padding: "same", size: 5)] {
            let n = 3, f = 5 * 5 * 2
            let data = rng.normals(n * f)
            let engine = try GramEngine(spec: try spec(json), threads: 2)
            let sym = try engine.compute(try InputBatch(shape: [5, 5, 2], data: data))
            // x2 = (x1[2], x1[0]) as fresh copies, plus x1[1] nudged by one ulp in one entry.
            var nudged = Array(data[f..<(2 * f)])
            nudged[7] = nudged[7].nextUp
            let x2 = Array(data[(2 * f)..<(3 * f)]) + Array(data[0..<f]) + nudged
            let cross = try engine.compute(try InputBatch(shape: [5, 5, 2], data: data), try InputBatch(shape: [5, 5, 2], data: x2))
            for (i, j) in [(2, 0), (0, 1)] {
                XCTAssertEqual(cross.nngp[i, j], sym.nngp[i, i], "nngp x1[\(i)] vs its copy")
                XCTAssertEqual(cross.ntk[i, j], sym.ntk[i, i], "ntk x1[\(i)] vs its copy")
            }
            // The nudged input is a different input: the generic pair path, close but not forced equal.
            XCTAssertLessThan(relDiff(cross.ntk[1, 2], sym.ntk[1, 1]), 1e-6)
            data.withUnsafeBufferPointer { d in
                nudged.withUnsafeBufferPointer { nb in
                    XCTAssertFalse(KernelEvaluator.identicalInputs(UnsafeBufferPointer(rebasing: d[f..<(2 * f)]), nb))
                    XCTAssertFalse(KernelEvaluator.identicalInputs(UnsafeBufferPointer(rebasing: d[f..<(2 * f - 1)]), nb))
                    XCTAssertTrue(KernelEvaluator.identicalInputs(UnsafeBufferPointer(rebasing: d[0..<f]), UnsafeBufferPointer(rebasing: d[0..<f])))
                }
            }
        }
    }

    func testGramDiagonalWithNonlinearityAfterPooling() throws {
        let json = """
        {"parameterization": "ntk", "input_shape": [5, 5, 2], "layers": [
          {"type": "lift", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1},
          {"type": "relu"}, {"type": "group_pool"},
          {"type": "dense", "W_std": 1.2, "b_std": 0.1}, {"type": "relu"}, {"type": "dense", "W_std": 1.1, "b_std": 0.05}]}
        """
        var rng = TestRNG(22)
        let n = 3
        let data = rng.normals(n * 50)
        let ev = try KernelEvaluator(spec: try spec(json))
        let m = try GramEngine(spec: try spec(json), threads: 2).compute(try InputBatch(shape: [5, 5, 2], data: data))
        for i in 0..<n {
            let x = Array(data[(i * 50)..<((i + 1) * 50)])
            let want = kernel(ev, x, x)
            XCTAssertLessThan(relDiff(m.nngp[i, i], want.nngp), 1e-13, "nngp[\(i), \(i)]")
            XCTAssertLessThan(relDiff(m.ntk[i, i], want.ntk), 1e-13, "ntk[\(i), \(i)]")
        }
    }
}
