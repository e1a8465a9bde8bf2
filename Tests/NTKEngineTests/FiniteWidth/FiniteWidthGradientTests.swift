import XCTest
@testable import NTKEngine

/// Hand-written backpropagation against central finite differences, one test per layer kind.
final class FiniteWidthGradientTests: XCTestCase {
    /// Compares ∂f/∂θ with (f(θ+h) − f(θ−h))/2h on up to `probes` parameters spread over
    /// every layer; relative to the largest gradient entry.
    func check(_ spec: ArchitectureSpec, width: Int = 3, probes: Int = 60, file: StaticString = #filePath, line: UInt = #line) throws {
        var net = try FiniteNetwork(spec: spec, width: width, seed: 7)
        let x = FW.inputs(1, net.inputSize, seed: 99)[0]
        let g = net.gradient(x)
        XCTAssertEqual(g.count, net.parameterCount, file: file, line: line)
        let scale = max(g.map(abs).max() ?? 0, 1e-8)
        let h = 1e-5
        let stride = max(1, net.parameterCount / probes)
        var worst = 0.0
        var idx = Array(Swift.stride(from: 0, to: net.parameterCount, by: stride))
        idx.append(net.parameterCount - 1)
        for i in idx {
            let p0 = net.parameters[i]
            net.parameters[i] = p0 + h
            let fp = net.forward(x)
            net.parameters[i] = p0 - h
            let fm = net.forward(x)
            net.parameters[i] = p0
            worst = max(worst, abs((fp - fm) / (2 * h) - g[i]) / scale)
        }
        XCTAssertLessThan(worst, 1e-6, "\(spec.name): worst relative gradient error \(worst)", file: file, line: line)
    }

    func testDenseWithEveryActivation() throws {
        let acts: [Activation] = [.relu, .abRelu(a: 0.1, b: 1), .abRelu(a: -0.5, b: 2), .erf, .gelu, .identity,
                                  .numeric(.tanh), .numeric(.sin), .numeric(.softplus), .numeric(.swish), .numeric(.sigmoid)]
        for a in acts {
            let spec = ArchitectureSpec(name: a.typeName, inputShape: [5],
                                        layers: [FW.dense(1.3, 0.2), .activation(a), FW.dense(0.9, 0.1), .activation(a), FW.dense(1, 0.3)])
            try check(spec, width: 4)
        }
    }

    func testConvEveryPadding() throws {
        for p in Padding.allCases {
            let spec = ArchitectureSpec(name: "conv-\(p)", inputShape: [6, 5, 2],
                                        layers: [FW.conv([3, 3], p, 1.2, 0.1), FW.relu, FW.conv([2, 3], p, 1, nil), .activation(.erf),
                                                 .globalAvgPool, FW.dense(1, 0.2)])
            try check(spec)
        }
    }

    func testConvFlattenDense() throws {
        let spec = ArchitectureSpec(name: "conv-flatten", inputShape: [4, 4, 1],
                                    layers: [FW.conv([3, 3], .same, 1.1, 0.3), .activation(.gelu), .flatten,
                                             FW.dense(1, 0.1), FW.relu, FW.dense(1, nil)])
        try check(spec)
    }

    func testLiftGconvEveryGroupAndPadding() throws {
        for g in PointGroup.all {
            for p in Padding.allCases {
                let spec = ArchitectureSpec(name: "\(g.name)-\(p)", inputShape: [5, 5, 2],
                                            layers: [FW.lift(g, 3, p, 1.1, 0.2), FW.relu, FW.gconv(g, 3, p, 1, 0.1),
                                                     .activation(.numeric(.tanh)), .groupPool, FW.dense(1, 0.1)])
                try check(spec, width: 2)
            }
        }
    }

    func testGroupFlatten() throws {
        let spec = ArchitectureSpec(name: "d4-flatten", inputShape: [4, 4, 1],
                                    layers: [FW.lift(.d4, 3, .same, 1, 0.1), .activation(.erf), .flatten, FW.dense(1, 0.2)])
        try check(spec, width: 2)
    }

    /// The standard parameterization trains W = (W_std/√K)·w: its gradient is the raw one / scale.
    func testStandardParameterizationScalesTheGradient() throws {
        let layers = [FW.dense(1.5, 0.5), FW.relu, FW.dense(2, nil)]
        let ntk = try FiniteNetwork(spec: ArchitectureSpec(parameterization: .ntk, inputShape: [3], layers: layers), width: 4, seed: 3)
        let std = try FiniteNetwork(spec: ArchitectureSpec(parameterization: .standard, inputShape: [3], layers: layers), width: 4, seed: 3)
        let x = [0.3, -1.2, 0.8]
        XCTAssertEqual(ntk.forward(x), std.forward(x), accuracy: 1e-14)
        let gn = ntk.gradient(x), gs = std.gradient(x)
        let s1 = 1.5 / 3.0.squareRoot(), s2 = 2 / 4.0.squareRoot()
        for i in 0..<12 { XCTAssertEqual(gs[i] * s1, gn[i], accuracy: 1e-12) }      // first weights
        for i in 12..<16 { XCTAssertEqual(gs[i] * 0.5, gn[i], accuracy: 1e-12) }     // first biases
        for i in 16..<20 { XCTAssertEqual(gs[i] * s2, gn[i], accuracy: 1e-12) }      // readout weights
    }

    func testSeededDeterminismAndSplitMixReference() throws {
        var r = SplitMix64(seed: 0)
        XCTAssertEqual(r.next(), 0xE220_A839_7B1D_CDAF)  // published SplitMix64 value for seed 0
        let spec = ArchitectureSpec(inputShape: [4, 4, 1], layers: [FW.lift(.c4), FW.relu, .groupPool, FW.dense()])
        let a = try FiniteNetwork(spec: spec, width: 5, seed: 42), b = try FiniteNetwork(spec: spec, width: 5, seed: 42)
        let c = try FiniteNetwork(spec: spec, width: 5, seed: 43)
        XCTAssertEqual(a.parameters, b.parameters)
        XCTAssertNotEqual(a.parameters, c.parameters)
        XCTAssertEqual(a.parameterCount, 5 * 9 + 5)  // lift weights + readout weights, no biases
    }

    func testRejectsStacksWithoutScalarReadout() {
        let spec = ArchitectureSpec(inputShape: [4, 4, 1], layers: [FW.conv([3, 3], .same), .globalAvgPool])
        XCTAssertThrowsError(try FiniteNetwork(spec: spec, width: 4, seed: 0))
        XCTAssertThrowsError(try FiniteNetwork(spec: ArchitectureSpec(inputShape: [3], layers: [FW.dense()]), width: 0, seed: 0))
    }
}
