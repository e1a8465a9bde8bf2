import XCTest
import Foundation
@testable import NTKEngine

/// Empirical NNGP/NTK of random finite networks against the exact infinite-width kernels.
/// For the mirror groups D1, D2, D4 this is the only independent check of `GramEngine`.
final class FiniteWidthMonteCarloTests: XCTestCase {
    static func groupStack(_ g: PointGroup, _ p: Padding, shape: [Int] = [4, 4, 2]) -> ArchitectureSpec {
        ArchitectureSpec(name: "\(g.name)-\(p)", inputShape: shape,
                         layers: [FW.lift(g, 3, p, 1.2, 0.1), FW.relu, FW.gconv(g, 3, p, 1, 0.1), FW.relu,
                                  .groupPool, FW.dense(1, 0.1)])
    }

    func testMLPOutputProduct() throws {
        let spec = ArchitectureSpec(inputShape: [5], layers: [FW.dense(1.2, 0.1), FW.relu, FW.dense(1, 0.2),
                                                               .activation(.gelu), FW.dense(1, 0.1)])
        try MonteCarloCheck.assertAgrees("mlp (f·f′)", spec, width: 64, seeds: 14000, estimator: .outputProduct, maxSE: 0.018)
    }

    func testMLPStandardParameterization() throws {
        let spec = ArchitectureSpec(parameterization: .standard, inputShape: [5],
                                    layers: [FW.dense(1.2, 0.1), .activation(.erf), FW.dense(1, 0.2)])
        try MonteCarloCheck.assertAgrees("mlp standard", spec, width: 64, seeds: 400)
    }

    /// `standard`: the NTK depends on the widths, which `resolvedSpec` hands to the engine.
    func testStandardParameterizationCNNAndGCNN() throws {
        let cnn = ArchitectureSpec(parameterization: .standard, inputShape: [4, 4, 2],
                                   layers: [FW.conv([3, 3], .same, 1.3, 0.1), FW.relu, .globalAvgPool, FW.dense(1, 0.1)])
        try MonteCarloCheck.assertAgrees("cnn standard", cnn, width: 32, seeds: 400)
        var g = Self.groupStack(.d2, .circular)
        g.parameterization = .standard
        try MonteCarloCheck.assertAgrees("D2 standard", g, width: 32, seeds: 900)
    }

    func testCNNCircular() throws {
        let spec = ArchitectureSpec(inputShape: [5, 5, 2], layers: [FW.conv([3, 3], .circular, 1.3, 0.1), FW.relu,
                                                                     FW.conv([3, 3], .circular, 1, 0.1), FW.relu,
                                                                     .globalAvgPool, FW.dense(1, 0.1)])
        try MonteCarloCheck.assertAgrees("cnn circular", spec, width: 64, seeds: 300)
    }

    func testCNNSameFlatten() throws {
        let spec = ArchitectureSpec(inputShape: [5, 5, 2], layers: [FW.conv([3, 3], .same, 1.3, 0.1), .activation(.erf),
                                                                     FW.conv([3, 3], .same, 1, nil), FW.relu,
                                                                     .flatten, FW.dense(1, 0.1)])
        try MonteCarloCheck.assertAgrees("cnn same+flatten", spec, width: 64, seeds: 150)
    }

    func testC4() throws {
        try MonteCarloCheck.assertAgrees("C4 circular", Self.groupStack(.c4, .circular), width: 32, seeds: 600)
    }

    func testD1() throws {
        // D1 needs no square grid: a 5×4 image.
        try MonteCarloCheck.assertAgrees("D1 circular 5x4", Self.groupStack(.d1, .circular, shape: [5, 4, 2]), width: 32, seeds: 600)
        try MonteCarloCheck.assertAgrees("D1 same", Self.groupStack(.d1, .same), width: 32, seeds: 600)
    }

    func testD2() throws {
        try MonteCarloCheck.assertAgrees("D2 circular", Self.groupStack(.d2, .circular), width: 32, seeds: 500)
        try MonteCarloCheck.assertAgrees("D2 same", Self.groupStack(.d2, .same), width: 32, seeds: 500)
    }

    func testD4Circular() throws {
        try MonteCarloCheck.assertAgrees("D4 circular", Self.groupStack(.d4, .circular), width: 24, seeds: 600)
    }

    func testD4Same() throws {
        try MonteCarloCheck.assertAgrees("D4 same", Self.groupStack(.d4, .same), width: 24, seeds: 500)
    }

    /// Opt-in, minutes long: width 128, 120 seeds, 5×5 images, every group and padding.
    /// Run with FW_HEAVY=1 (quoted in docs/finite-width.md).
    func testHeavyAllGroups() throws {
        guard ProcessInfo.processInfo.environment["FW_HEAVY"] == "1" else { throw XCTSkip("set FW_HEAVY=1") }
        for g in PointGroup.all {
            for p in Padding.allCases {
                try MonteCarloCheck.assertAgrees("heavy \(g.name) \(p)", Self.groupStack(g, p, shape: [5, 5, 2]),
                                                 width: 128, seeds: 120, maxSE: 0.02)
            }
        }
    }
}
