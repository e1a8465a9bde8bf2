import XCTest
@testable import NTKEngine

/// The identities of arXiv:2406.06504 that entk's group kernels must satisfy exactly.
final class SymmetryTests: XCTestCase {
    let size = 5, channels = 2

    /// The pooled kernel of a group stack is invariant under every group element and every
    /// cyclic translation applied to either input (circular padding: the grid is a torus).
    func testPooledKernelIsInvariantForEveryGroup() throws {
        var rng = TestRNG(7)
        for g in PointGroup.all {
            for act in ["relu", "erf"] {
                let ev = try KernelEvaluator(spec: try spec(groupStackJSON(group: g.name, padding: "circular", act: act)))
                let x = rng.normals(size * size * channels), y = rng.normals(size * size * channels)
                let base = kernel(ev, x, y)
                for e in g.elements {
                    for (dy, dx) in [(0, 0), (1, 2), (3, 1)] {
                        var y2 = ImageAction.transform(y, height: size, width: size, channels: channels, by: e)
                        y2 = ImageAction.translate(y2, height: size, width: size, channels: channels, dy: dy, dx: dx)
                        let x2 = ImageAction.translate(ImageAction.transform(x, height: size, width: size, channels: channels, by: e),
                                                       height: size, width: size, channels: channels, dy: dx, dx: dy)
                        let k1 = kernel(ev, x, y2), k2 = kernel(ev, x2, y)
                        for k in [k1, k2] {
                            XCTAssertLessThan(relDiff(k.nngp, base.nngp), 1e-12, "\(g.name) \(act) nngp under \(e) shift (\(dy),\(dx))")
                            XCTAssertLessThan(relDiff(k.ntk, base.ntk), 1e-12, "\(g.name) \(act) ntk under \(e) shift (\(dy),\(dx))")
                        }
                    }
                }
            }
        }
    }

    /// A plain CNN kernel is NOT rotation invariant — the invariance test above can fail.
    func testCNNKernelIsNotRotationInvariant() throws {
        var rng = TestRNG(8)
        let ev = try KernelEvaluator(spec: try spec(cnnStackJSON(padding: "circular")))
        let x = rng.normals(size * size * channels), y = rng.normals(size * size * channels)
        let yr = ImageAction.transform(y, height: size, width: size, channels: channels, by: .rotation90)
        XCTAssertGreaterThan(relDiff(kernel(ev, x, y).ntk, kernel(ev, x, yr).ntk), 1e-6)
    }

    /// The pooled G-kernel equals (1/|G|) Σ_g of the CNN kernel between x and g·x′ (same
    /// filters, padding, nonlinearities; GAP instead of group_pool): a GCNN and a G-augmented
    /// CNN have the same mean training dynamics. Holds for paddings that commute with G.
    func testGroupKernelEqualsGroupAveragedCNNKernel() throws {
        var rng = TestRNG(9)
        for g in PointGroup.all {
            for padding in ["circular", "same"] {
                let gev = try KernelEvaluator(spec: try spec(groupStackJSON(group: g.name, padding: padding)))
                let cev = try KernelEvaluator(spec: try spec(cnnStackJSON(padding: padding)))
                let x = rng.normals(size * size * channels), y = rng.normals(size * size * channels)
                let gk = kernel(gev, x, y)
                var avgK = 0.0, avgT = 0.0
                for e in g.elements {
                    let k = kernel(cev, x, ImageAction.transform(y, height: size, width: size, channels: channels, by: e))
                    avgK += k.nngp / Double(g.order); avgT += k.ntk / Double(g.order)
                }
                XCTAssertLessThan(relDiff(gk.nngp, avgK), 1e-12, "\(g.name) \(padding) nngp")
                XCTAssertLessThan(relDiff(gk.ntk, avgT), 1e-12, "\(g.name) \(padding) ntk")
            }
        }
    }

    /// C1 stacks are plain CNNs, exactly.
    func testC1StackEqualsCNN() throws {
        var rng = TestRNG(10)
        for padding in ["circular", "same", "valid"] {
            let gev = try KernelEvaluator(spec: try spec(groupStackJSON(group: "C1", padding: padding, size: 6)))
            let cev = try KernelEvaluator(spec: try spec(cnnStackJSON(padding: padding, size: 6)))
            let x = rng.normals(6 * 6 * channels), y = rng.normals(6 * 6 * channels)
            let a = kernel(gev, x, y), b = kernel(cev, x, y)
            XCTAssertEqual(a, b, "\(padding)")
        }
    }
}
