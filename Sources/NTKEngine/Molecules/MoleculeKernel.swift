import Foundation

/// Permutation-invariant NNGP/NTK of a network that reads a molecule atom by atom and sums.
///
/// The network applies one shared per-atom network g to every centre atom's descriptor and
/// outputs f(A) = Σ_{i∈A} g(φ_i). With independent Gaussian weights shared across atoms, the
/// infinite-width kernels of f are the double sums of the per-atom kernels:
///
///     K(A, B) = Σ_{i∈A} Σ_{j∈B} K_g(φ_i, φ′_j),   Θ(A, B) = Σ_{i∈A} Σ_{j∈B} Θ_g(φ_i, φ′_j).
///
/// Both are computed from one atom-level Gram over every centre atom of every molecule (by
/// `GramEngine`, so SO(3) stacks go to `SO3KernelEvaluator`), then summed by molecule blocks.
/// Why: the double sum does not depend on the order of atoms, unlike pairing atom i of A with
/// atom i of B (the published demo's choice), which changes when a file lists atoms differently.
///
/// Two representations:
/// * `.spherical`: g is an SO(3) stack (s2_lift … so3_pool … dense) on `AtomFeatures.spherical`;
///   rotation invariant because the pooled spherical-CNN kernel is (exactly for grid rotations,
///   up to discretisation otherwise).
/// * `.invariant`: g is an MLP on `AtomFeatures.invariant` (sphere means of the same channels),
///   rotation invariant exactly. An MLP on the *flattened* spherical features would not be: a
///   rotation moves values between grid points, and an MLP treats grid points as unrelated inputs.
public struct MoleculeKernel: Sendable {
    public enum Representation: String, Sendable {
        case spherical, invariant
        /// The spherical grid values flattened into one vector, for an MLP (the paper's baseline;
        /// not rotation invariant).
        case flatSpherical
    }

    public let features: AtomFeatures
    public let representation: Representation
    public let engine: GramEngine

    /// `spec.input_shape` decides the representation: `features.sphericalShape` ([2L, 2L−1, C])
    /// for an SO(3) stack, `[features.invariantSize]` for an MLP; anything else is refused.
    public init(spec: ArchitectureSpec, features: AtomFeatures, threads: Int? = nil) throws {
        if spec.inputShape == features.sphericalShape {
            representation = .spherical
        } else if spec.inputShape == [features.invariantSize] {
            representation = .invariant
        } else if spec.inputShape == [features.flatSphericalSize] {
            representation = .flatSpherical
        } else {
            throw KernelError.shape("the per-atom network expects input_shape \(spec.inputShape); these atom features are \(features.sphericalShape) (spherical, for an SO(3) stack), [\(features.invariantSize)] (invariant, for an MLP) or [\(features.flatSphericalSize)] (flattened spherical, for an MLP)")
        }
        self.features = features
        self.engine = try GramEngine(spec: spec, threads: threads)
    }

    /// Descriptors of every centre atom of `molecules`, and which rows belong to which molecule.
    public func atomInputs(_ molecules: [Molecule]) throws -> (batch: InputBatch, owners: [Range<Int>]) {
        var data: [Double] = []
        var owners: [Range<Int>] = []
        var count = 0
        let grid = S2Grid(bandwidth: features.bandwidth)
        for m in molecules {
            let centres = features.centreIndices(m)
            for i in centres {
                switch representation {
                case .spherical, .flatSpherical: data += features.spherical(atom: i, in: m, grid: grid)
                case .invariant: data += features.invariant(atom: i, in: m)
                }
            }
            owners.append(count..<(count + centres.count))
            count += centres.count
        }
        let shape: [Int]
        switch representation {
        case .spherical: shape = features.sphericalShape
        case .invariant: shape = [features.invariantSize]
        case .flatSpherical: shape = [features.flatSphericalSize]
        }
        return (try InputBatch(shape: shape, data: data), owners)
    }

    /// Symmetric molecule Gram (K and Θ) of `molecules`: one atom-level Gram, block-summed.
    public func gram(_ molecules: [Molecule], progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        let (batch, owners) = try atomInputs(molecules)
        let atom = try engine.compute(batch, nil, progress: progress)
        return KernelMatrices(nngp: Self.sumBlocks(atom.nngp, rows: owners, cols: owners),
                              ntk: Self.sumBlocks(atom.ntk, rows: owners, cols: owners))
    }

    /// Cross kernel between molecules `a` (rows) and `b` (columns).
    public func compute(_ a: [Molecule], _ b: [Molecule], progress: GramProgress = GramProgress()) throws -> KernelMatrices {
        let (ba, oa) = try atomInputs(a)
        let (bb, ob) = try atomInputs(b)
        let atom = try engine.compute(ba, bb, progress: progress)
        return KernelMatrices(nngp: Self.sumBlocks(atom.nngp, rows: oa, cols: ob),
                              ntk: Self.sumBlocks(atom.ntk, rows: oa, cols: ob))
    }

    /// M[A, B] = Σ_{i ∈ rows[A]} Σ_{j ∈ cols[B]} atom[i, j].
    public static func sumBlocks(_ atom: Matrix, rows: [Range<Int>], cols: [Range<Int>]) -> Matrix {
        var out = Matrix(rows: rows.count, cols: cols.count)
        for (a, ra) in rows.enumerated() {
            // Row sums over B's columns first, then over A's rows: O(atoms²) in all.
            for (b, cb) in cols.enumerated() {
                var s = 0.0
                for i in ra { for j in cb { s += atom[i, j] } }
                out[a, b] = s
            }
        }
        return out
    }
}
