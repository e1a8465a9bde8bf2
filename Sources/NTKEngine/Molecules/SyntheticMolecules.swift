import Foundation

/// Small generated "molecules" with a QM9-like energy, so the QM9 curve runs without the data
/// (used by the workbench's QM9 view, `entk experiment qm9 --synthetic` and the tests):
/// 3–5 atoms at random positions in a 3 Å box, at least 0.9 Å apart, the first one C or N, the
/// others heavy (C, N, O, F) or H with probability ½ each. U0 = Σ_atoms E_ref(Z) − 0.2 Ha per
/// heavy atom − Σ_pairs 0.05 Ha·Å / r: a composition part plus a pair term the composition
/// cannot see, so a structure-aware kernel has something to learn.
public enum SyntheticMolecules {
    public static func make(_ count: Int, seed: UInt64) -> [Molecule] {
        (0..<count).map { i in molecule(atoms: 3 + i % 3, seed: seed &* 1_000_003 &+ UInt64(100 + i), index: i) }
    }

    public static func molecule(atoms count: Int, seed: UInt64, index: Int) -> Molecule {
        var rng = SplitMix64(seed: seed)
        var atoms: [Atom] = []
        let heavy: [Element] = [.carbon, .nitrogen, .oxygen, .fluorine]
        while atoms.count < count {
            let p = SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) * 3
            guard atoms.allSatisfy({ (($0.position - p) * ($0.position - p)).sum() > 0.81 }) else { continue }
            let e: Element = atoms.isEmpty || rng.uniform() < 0.5 ? heavy[rng.int(below: atoms.isEmpty ? 2 : 4)] : .hydrogen
            atoms.append(Atom(e, p))
        }
        var u0 = atoms.reduce(0.0) { $0 + $1.element.referenceEnergyHartree } - 0.2 * Double(atoms.filter { $0.element != .hydrogen }.count)
        for a in atoms.indices { for b in atoms.indices where a < b {
            let d = atoms[a].position - atoms[b].position
            u0 -= 0.05 / (d * d).sum().squareRoot()
        } }
        return Molecule(index: index, smiles: "synthetic-\(index)", atoms: atoms, u0Hartree: u0)
    }
}
