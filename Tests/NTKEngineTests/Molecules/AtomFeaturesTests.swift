import Foundation
import XCTest
@testable import NTKEngine

/// The spherical features follow the documented formula; the invariant ones are their exact sphere means.
final class MoleculesAtomFeaturesTests: XCTestCase {
    func testFormulaOnAHandBuiltMolecule() {
        // O at the origin, H at distance 0.96 Å straight up (θ = 0), C at 6 Å (beyond the cutoff).
        let m = Molecule(index: 0, atoms: [Atom(.oxygen, .zero), Atom(.hydrogen, SIMD3(0, 0, 0.96)), Atom(.carbon, SIMD3(6, 0, 0))], u0Hartree: 0)
        let f = AtomFeatures(bandwidth: 3, cutoff: 5, kappa: 3, powers: [1, 2], centres: .all)
        let x = f.spherical(atom: 0, in: m)
        let grid = S2Grid(bandwidth: 3)
        XCTAssertEqual(x.count, 6 * 5 * 15)
        let s = 0.5 * (1 + cos(Double.pi * 0.96 / 5))
        for j in 0..<6 {
            for k in 0..<5 {
                let base = grid.index(j: j, k: k) * 15
                let bump = exp(3 * (cos(grid.theta[j]) - 1)) * s
                XCTAssertEqual(x[base + Element.oxygen.rawValue], 1)   // centre one-hot
                XCTAssertEqual(x[base + Element.hydrogen.rawValue], 0)
                XCTAssertEqual(x[base + 5 + 0], bump / 0.96, accuracy: 1e-14)          // (H, 1/r)
                XCTAssertEqual(x[base + 5 + 1], bump / (0.96 * 0.96), accuracy: 1e-14) // (H, 1/r²)
                XCTAssertEqual(x[base + 5 + 2], 0)                                      // C is beyond the cutoff
            }
        }
        let inv = f.invariant(atom: 0, in: m)
        XCTAssertEqual(inv[5], (1 - exp(-6)) / 6 * s / 0.96, accuracy: 1e-15)
        XCTAssertEqual(inv[Element.oxygen.rawValue], 1)
    }

    func testInvariantFeaturesAreTheSphereMeans() {
        // On a fine grid, the DH quadrature of each channel approaches the exact mean.
        let m = syntheticMolecule(5, seed: 7)
        let f = AtomFeatures(bandwidth: 16, cutoff: 4, kappa: 2, powers: [1, 2], centres: .all)
        let grid = S2Grid(bandwidth: 16)
        let x = f.spherical(atom: 1, in: m), inv = f.invariant(atom: 1, in: m)
        let w = grid.pointWeights
        for c in 0..<f.channelCount {
            var mean = 0.0
            for p in 0..<grid.count { mean += w[p] * x[p * f.channelCount + c] }
            mean /= 4 * Double.pi
            XCTAssertEqual(mean, inv[c], accuracy: 1e-9, "channel \(c)")
        }
    }
}
