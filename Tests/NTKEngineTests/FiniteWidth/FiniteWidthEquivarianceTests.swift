import XCTest
@testable import NTKEngine

/// A finite GCNN ending in group_pool is exactly invariant: under its point group acting on
/// the input (every padding — zero padding and the shrinking valid grid are symmetric about
/// the image centre) and, with circular padding, under cyclic translations too.
final class FiniteWidthEquivarianceTests: XCTestCase {
    func spec(_ g: PointGroup, _ p: Padding, _ shape: [Int]) -> ArchitectureSpec {
        ArchitectureSpec(inputShape: shape,
                         layers: [FW.lift(g, 3, p, 1.3, 0.2), FW.relu, FW.gconv(g, 3, p, 1.1, 0.1), .activation(.gelu),
                                  FW.gconv(g, 3, p, 1, nil), .activation(.numeric(.tanh)), .groupPool,
                                  FW.dense(1, 0.1), FW.relu, FW.dense(1, 0.1)])
    }

    func testInvarianceUnderGroupAndTranslations() throws {
        for g in PointGroup.all {
            for p in Padding.allCases {
                // Three 3×3 layers: valid padding needs ≥ 7 pixels; odd, even and (no quarter
                // turns) non-square grids.
                let m = p == .valid ? 2 : 0
                let shapes = [[5 + m, 5 + m, 2], [6 + m, 6 + m, 1]] + (g.needsSquareGrid ? [] : [[5 + m, 6 + m, 2]])
                for shape in shapes {
                    let net = try FiniteNetwork(spec: spec(g, p, shape), width: 4, seed: 11)
                    let (h, w, c) = (shape[0], shape[1], shape[2])
                    for x in FW.inputs(2, h * w * c, seed: 5) {
                        let f = net.forward(x)
                        XCTAssertGreaterThan(abs(f), 1e-6)
                        for e in g.elements {
                            let gx = ImageAction.transform(x, height: h, width: w, channels: c, by: e)
                            XCTAssertEqual(net.forward(gx), f, accuracy: 1e-10 * max(1, abs(f)), "\(g.name) \(p) \(shape) \(e)")
                        }
                        if p == .circular {
                            let tx = ImageAction.translate(x, height: h, width: w, channels: c, dy: 2, dx: -1)
                            XCTAssertEqual(net.forward(tx), f, accuracy: 1e-10 * max(1, abs(f)), "\(g.name) translation")
                        }
                    }
                }
            }
        }
    }

    /// Control: a plain CNN with the same readout is not rotation invariant, so the test above
    /// does measure something.
    func testPlainCNNIsNotInvariant() throws {
        let spec = ArchitectureSpec(inputShape: [5, 5, 1],
                                    layers: [FW.conv([3, 3], .circular, 1.3, 0.2), FW.relu, .globalAvgPool, FW.dense(1, 0.1)])
        let net = try FiniteNetwork(spec: spec, width: 4, seed: 11)
        let x = FW.inputs(1, 25, seed: 5)[0]
        let rx = ImageAction.transform(x, height: 5, width: 5, channels: 1, by: .rotation90)
        XCTAssertGreaterThan(abs(net.forward(rx) - net.forward(x)), 1e-4)
    }
}
