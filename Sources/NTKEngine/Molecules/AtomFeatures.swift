import Foundation

/// Per-atom descriptors of a molecule: spherical "potential" signals on the Driscoll–Healy grid
/// (input of the SO(3) stack) and their exactly rotation-invariant l = 0 part (input of the MLP
/// baseline).
///
/// Why these: a spherical CNN needs a function on S² per atom that rotates with the molecule.
/// Seen from centre atom i, each neighbour n (|r_n − r_i| = r < cutoff) contributes a smooth bump
/// around its direction r̂, in the channel of its element, weighted by a power of 1/r and a smooth
/// cutoff; summing over neighbours makes the signal independent of atom order. For grid direction
/// u(θ_j, φ_k) = (sin θ cos φ, sin θ sin φ, cos θ):
///
///     f_{e,p}(u) = Σ_{n ≠ i, Z_n = e, r < r_c} r^{−p} · s(r) · exp(κ (u·r̂ − 1)),
///     s(r) = ½ (1 + cos(π r / r_c)),
///
/// for elements e ∈ (H, C, N, O, F) and powers p ∈ `powers`, plus 5 constant channels
/// f_{centre,e}(u) = [Z_i = e] saying which element sits at the centre. Channels are ordered
/// [centre H…F, then for each element e: for each power p]. The features depend only on relative
/// positions, so translations change nothing; a rotation Q maps f to f∘Q⁻¹ exactly (the grid
/// sampling of f∘Q⁻¹ equals a shift of samples only for rotations about z by multiples of
/// 2π/(2L−1)).
public struct AtomFeatures: Sendable, Hashable {
    /// Which atoms carry a network copy (are summed over by the molecule kernel).
    public enum Centres: String, Sendable, Hashable, CaseIterable {
        /// Every atom, hydrogens included.
        case all
        /// Non-hydrogen atoms only; hydrogens still appear as neighbours. ≈ 2× fewer centres
        /// for QM9 (≈ 4× fewer atom pairs), which is what makes the SO(3) Gram affordable.
        case heavy
    }

    /// Bandwidth L of the DH grid (2L × (2L−1) points).
    public var bandwidth: Int
    /// Neighbour cutoff r_c in Å.
    public var cutoff: Double
    /// Concentration κ of the angular bump exp(κ(cos γ − 1)); larger is sharper and aliases more
    /// on a coarse grid.
    public var kappa: Double
    /// Distance powers p of the weights r^{−p}.
    public var powers: [Int]
    public var centres: Centres
    /// Keep the 5 constant "which element is the centre" channels (entk's default). The paper's
    /// features (arXiv:2406.06504: H/C/N/O/F × powers {2, 6}) have none: `centreOneHot: false`.
    public var centreOneHot: Bool

    public init(bandwidth: Int = 2, cutoff: Double = 5, kappa: Double = 2, powers: [Int] = [1, 2], centres: Centres = .heavy,
                centreOneHot: Bool = true) {
        self.bandwidth = bandwidth; self.cutoff = cutoff; self.kappa = kappa; self.powers = powers; self.centres = centres
        self.centreOneHot = centreOneHot
    }

    /// The paper's QM9 features: bandwidth 6, elements H…F × powers {2, 6} = 10 channels, no centre
    /// one-hot; r_c = 5 Å, κ = 2 and the centres are entk's choices (heavy atoms by default).
    public static func paper(centres: Centres = .heavy) -> AtomFeatures {
        AtomFeatures(bandwidth: 6, cutoff: 5, kappa: 2, powers: [2, 6], centres: centres, centreOneHot: false)
    }

    /// Constant centre channels in front of the neighbour channels: 5 or 0.
    var centreChannels: Int { centreOneHot ? Element.allCases.count : 0 }

    /// Channels C = (5 if centreOneHot) + 5·|powers|.
    public var channelCount: Int { centreChannels + Element.allCases.count * powers.count }
    /// `[2L, 2L−1, C]`: the `input_shape` of an SO(3) stack on these features.
    public var sphericalShape: [Int] { [2 * bandwidth, 2 * bandwidth - 1, channelCount] }
    /// Length of the invariant vector (= C).
    public var invariantSize: Int { channelCount }
    /// Length of the flattened spherical features, 2L·(2L−1)·C (input of an MLP on the grid values).
    public var flatSphericalSize: Int { sphericalShape.reduce(1, *) }

    /// Indices of the centre atoms of `m`, in atom order.
    public func centreIndices(_ m: Molecule) -> [Int] {
        m.atoms.indices.filter { centres == .all || m.atoms[$0].element != .hydrogen }
    }

    /// s(r) = ½(1 + cos(π r / r_c)) for r < r_c, else 0: weights go to 0 smoothly at the cutoff.
    func cutoffWeight(_ r: Double) -> Double { r < cutoff ? 0.5 * (1 + cos(Double.pi * r / cutoff)) : 0 }

    /// Neighbours of atom i inside the cutoff: element, distance, unit direction.
    func neighbours(of i: Int, in m: Molecule) -> [(element: Element, r: Double, dir: SIMD3<Double>)] {
        var out: [(Element, Double, SIMD3<Double>)] = []
        let ri = m.atoms[i].position
        for (n, a) in m.atoms.enumerated() where n != i {
            let d = a.position - ri
            let r = (d * d).sum().squareRoot()
            guard r < cutoff, r > 0 else { continue }
            out.append((a.element, r, d / r))
        }
        return out
    }

    /// Spherical features of centre atom i: 2L·(2L−1)·C values flattened [j][k][c].
    public func spherical(atom i: Int, in m: Molecule) -> [Double] {
        let grid = S2Grid(bandwidth: bandwidth)
        return spherical(atom: i, in: m, grid: grid)
    }

    func spherical(atom i: Int, in m: Molecule, grid: S2Grid) -> [Double] {
        let c = channelCount, np = powers.count
        var f = [Double](repeating: 0, count: grid.count * c)
        let centre = m.atoms[i].element.rawValue
        let nbrs = neighbours(of: i, in: m)
        for j in 0..<grid.thetaCount {
            let st = sin(grid.theta[j]), ct = cos(grid.theta[j])
            for k in 0..<grid.phiCount {
                let u = SIMD3(st * cos(grid.phi[k]), st * sin(grid.phi[k]), ct)
                let base = grid.index(j: j, k: k) * c
                if centreOneHot { f[base + centre] = 1 }
                for nb in nbrs {
                    let bump = exp(kappa * ((u * nb.dir).sum() - 1)) * cutoffWeight(nb.r)
                    for (q, p) in powers.enumerated() {
                        f[base + centreChannels + nb.element.rawValue * np + q] += bump * pow(nb.r, Double(-p))
                    }
                }
            }
        }
        return f
    }

    /// Rotation-invariant features of centre atom i: the sphere means (l = 0 parts) of the
    /// channels, computed exactly: (1/4π)∫exp(κ(u·r̂ − 1))du = (1 − e^{−2κ})/(2κ), so channel
    /// (e, p) is (1 − e^{−2κ})/(2κ) · Σ_{n: Z_n = e} r^{−p} s(r), and the centre channels are the
    /// one-hot element. Same information as the spherical features minus all angular structure.
    public func invariant(atom i: Int, in m: Molecule) -> [Double] {
        let np = powers.count
        var f = [Double](repeating: 0, count: channelCount)
        if centreOneHot { f[m.atoms[i].element.rawValue] = 1 }
        let mean = kappa > 0 ? -expm1(-2 * kappa) / (2 * kappa) : 1
        for nb in neighbours(of: i, in: m) {
            for (q, p) in powers.enumerated() {
                f[centreChannels + nb.element.rawValue * np + q] += mean * cutoffWeight(nb.r) * pow(nb.r, Double(-p))
            }
        }
        return f
    }
}
