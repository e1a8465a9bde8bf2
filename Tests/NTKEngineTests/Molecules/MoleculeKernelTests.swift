import Foundation
import XCTest
@testable import NTKEngine

/// Synthetic molecules: `count` atoms of random elements in a 3 Å box, at least 0.9 Å apart.
func syntheticMolecule(_ count: Int, seed: UInt64, index: Int = 0) -> Molecule {
    SyntheticMolecules.molecule(atoms: count, seed: seed, index: index)
}

/// Rotation matrix R_z(a)·R_y(b)·R_z(c).
func rotation(_ a: Double, _ b: Double, _ c: Double) -> (SIMD3<Double>) -> SIMD3<Double> {
    func rz(_ t: Double, _ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(cos(t) * v.x - sin(t) * v.y, sin(t) * v.x + cos(t) * v.y, v.z) }
    func ry(_ t: Double, _ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(cos(t) * v.x + sin(t) * v.z, v.y, -sin(t) * v.x + cos(t) * v.z) }
    return { v in rz(a, ry(b, rz(c, v))) }
}

func moved(_ m: Molecule, _ f: (SIMD3<Double>) -> SIMD3<Double>) -> Molecule {
    var out = m
    out.atoms = m.atoms.map { Atom($0.element, f($0.position)) }
    return out
}

func maxRelDiff(_ a: Matrix, _ b: Matrix) -> Double {
    let scale = max(a.maxAbs, b.maxAbs, 1e-300)
    return zip(a.data, b.data).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

/// The molecule kernel: block sums, atom-permutation invariance (exact), rigid motions (exact for
/// translations and grid rotations about z; measured for generic rotations), the MLP baseline.
final class MoleculesKernelTests: XCTestCase {
    let features = AtomFeatures(bandwidth: 2, cutoff: 4, kappa: 2, powers: [1, 2], centres: .all)
    var so3: ArchitectureSpec { QM9LearningCurve.defaultSO3Spec(features) }
    var mlp: ArchitectureSpec { QM9LearningCurve.defaultMLPSpec(features) }
    let mols = [syntheticMolecule(4, seed: 1), syntheticMolecule(5, seed: 2), syntheticMolecule(3, seed: 3)]

    func testMoleculeGramIsTheBlockSumOfTheAtomGram() throws {
        let k = try MoleculeKernel(spec: so3, features: features, threads: 2)
        XCTAssertEqual(k.representation, .spherical)
        let (batch, owners) = try k.atomInputs(mols)
        XCTAssertEqual(owners, [0..<4, 4..<9, 9..<12])
        XCTAssertEqual(batch.shape, [4, 3, 15])
        let atom = try k.engine.compute(batch)
        let g = try k.gram(mols)
        for a in 0..<3 {
            for b in 0..<3 {
                var s = 0.0, t = 0.0
                for i in owners[a] { for j in owners[b] { s += atom.nngp[i, j]; t += atom.ntk[i, j] } }
                XCTAssertEqual(g.nngp[a, b], s, accuracy: 1e-12 * abs(s))
                XCTAssertEqual(g.ntk[a, b], t, accuracy: 1e-12 * abs(t))
            }
        }
        // The cross kernel is the off-diagonal block of the joint Gram.
        let cross = try k.compute([mols[0]], [mols[1], mols[2]])
        XCTAssertEqual(cross.nngp[0, 1], g.nngp[0, 2], accuracy: 1e-12 * abs(g.nngp[0, 2]))
        XCTAssertEqual(cross.ntk[0, 0], g.ntk[0, 1], accuracy: 1e-12 * abs(g.ntk[0, 1]))
        XCTAssertGreaterThan(g.ntk[0, 0], g.nngp[0, 0])
    }

    func testHeavyCentresSkipHydrogens() throws {
        let f = AtomFeatures(bandwidth: 2, centres: .heavy)
        let m = mols[1]
        XCTAssertEqual(f.centreIndices(m), m.atoms.indices.filter { m.atoms[$0].element != .hydrogen })
        XCTAssertFalse(f.centreIndices(m).isEmpty)
    }

    /// Two Grams, one with a molecule's atoms listed in another order: equal to rounding.
    /// (Comparing a molecule with its own shuffled copy inside one Gram would not be a fair test:
    /// identical atoms off the diagonal hit ReLU's arccos at correlation 1 − ε, ≈ 1e-10 noise.)
    func testInvariantUnderAtomPermutation() throws {
        for spec in [so3, mlp] {
            let k = try MoleculeKernel(spec: spec, features: features, threads: 2)
            var shuffled = mols[1]
            shuffled.atoms = [3, 0, 4, 2, 1].map { mols[1].atoms[$0] }
            let g = try k.gram(mols), gs = try k.gram([mols[0], shuffled, mols[2]])
            XCTAssertLessThan(maxRelDiff(g.nngp, gs.nngp), 1e-12, spec.name)
            XCTAssertLessThan(maxRelDiff(g.ntk, gs.ntk), 1e-12, spec.name)
            let c = try k.compute([shuffled], [mols[0], mols[2]]), c0 = try k.compute([mols[1]], [mols[0], mols[2]])
            XCTAssertLessThan(maxRelDiff(c.ntk, c0.ntk), 1e-12, spec.name)
        }
    }

    /// Pairing atom i with atom i (the published demo) is not permutation invariant: the reason
    /// for the double sum.
    func testIndexPairingWouldDependOnAtomOrder() throws {
        let k = try MoleculeKernel(spec: mlp, features: features)
        var shuffled = mols[1]
        shuffled.atoms = [3, 0, 4, 2, 1].map { mols[1].atoms[$0] }
        let (b, _) = try k.atomInputs([mols[1], mols[0]])
        let (bs, _) = try k.atomInputs([shuffled, mols[0]])
        let atom = try k.engine.compute(b), atomS = try k.engine.compute(bs)
        let paired = (0..<4).reduce(0.0) { $0 + atom.nngp[$1, 5 + $1] }
        let pairedS = (0..<4).reduce(0.0) { $0 + atomS.nngp[$1, 5 + $1] }
        XCTAssertGreaterThan(abs(paired - pairedS), 1e-3 * abs(paired))
    }

    func testInvariantUnderTranslationAndGridRotationsAboutZ() throws {
        let k = try MoleculeKernel(spec: so3, features: features, threads: 2)
        let L = features.bandwidth
        for s in 1..<(2 * L - 1) {
            let r = rotation(2 * .pi * Double(s) / Double(2 * L - 1), 0, 0)
            let a = moved(mols[0], { r($0) + SIMD3(0.3, -1.2, 2.5) }), b = moved(mols[1], r)
            let g0 = try k.compute([mols[0]], [mols[1], mols[2]]), g1 = try k.compute([a], [b, mols[2]])
            XCTAssertLessThan(maxRelDiff(g0.nngp, g1.nngp), 1e-12, "s = \(s)")
            XCTAssertLessThan(maxRelDiff(g0.ntk, g1.ntk), 1e-12, "s = \(s)")
        }
    }

    /// Generic rotations are not exact on the DH grid (the features are not band-limited and the
    /// nonlinearities act on grid samples). The error is measured here and must shrink with L.
    func testGenericRotationErrorIsSmallAndShrinksWithBandwidth() throws {
        let r = rotation(0.7, 1.1, -0.4)
        var errors: [Double] = []
        for L in [2, 4] {
            let f = AtomFeatures(bandwidth: L, cutoff: 4, kappa: 2, powers: [1, 2], centres: .all)
            let k = try MoleculeKernel(spec: QM9LearningCurve.defaultSO3Spec(f), features: f, threads: 2)
            let g0 = try k.compute([mols[0]], [mols[0], mols[2]]), g1 = try k.compute([moved(mols[0], r)], [mols[0], moved(mols[2], r)])
            errors.append(max(maxRelDiff(g0.nngp, g1.nngp), maxRelDiff(g0.ntk, g1.ntk)))
        }
        print("generic-rotation relative kernel error: L=2 \(errors[0]), L=4 \(errors[1])")
        XCTAssertLessThan(errors[0], 0.05)
        XCTAssertLessThan(errors[1], errors[0])
    }

    func testMLPBaselineIsExactlyRotationInvariant() throws {
        let k = try MoleculeKernel(spec: mlp, features: features)
        XCTAssertEqual(k.representation, .invariant)
        let r = rotation(0.7, 1.1, -0.4)
        let g0 = try k.compute([mols[0]], [mols[1]]), g1 = try k.compute([moved(mols[0], r)], [mols[1]])
        XCTAssertLessThan(maxRelDiff(g0.ntk, g1.ntk), 1e-12)
    }

    func testShapeMismatchIsRefused() throws {
        let other = AtomFeatures(bandwidth: 3, powers: [1])
        XCTAssertThrowsError(try MoleculeKernel(spec: so3, features: other)) { e in
            XCTAssertTrue(String(describing: e).contains("[6, 5, 10]"), "\(e)")
        }
    }
}
