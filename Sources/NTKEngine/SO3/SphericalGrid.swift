import Foundation

/// The Driscoll–Healy sampling of the sphere S² at bandwidth L (s2fft `sampling="dh"`),
/// the grid on which spherical-CNN inputs are given (FORMAT.md, "SO(3) layers").
///
/// Points are θ_j = π(2j+1)/(4L) (j < 2L, poles not sampled) and φ_k = 2πk/(2L−1) (k < 2L−1),
/// stored row-major as [j][k]. The weights make Σ_{j,k} w_j f(θ_j, φ_k) equal ∫_{S²} f for every
/// product of two band-limited (degree < L) functions, which is what makes the harmonic
/// transforms and the kernel maps exact to round-off.
public struct S2Grid: Sendable, Hashable {
    /// Bandwidth L: harmonics of degree l < L are resolved.
    public let bandwidth: Int
    /// Colatitudes θ_j, j = 0 … 2L−1.
    public let theta: [Double]
    /// Longitudes φ_k, k = 0 … 2L−2.
    public let phi: [Double]
    /// Quadrature weight of one point in row j (includes the 2π/(2L−1) longitude factor).
    public let weight: [Double]

    public init(bandwidth L: Int) {
        precondition(L >= 1, "bandwidth must be ≥ 1")
        bandwidth = L
        theta = (0..<(2 * L)).map { Double.pi * Double(2 * $0 + 1) / Double(4 * L) }
        phi = (0..<(2 * L - 1)).map { 2 * Double.pi * Double($0) / Double(2 * L - 1) }
        weight = theta.map { t in
            var s = 0.0
            for q in 0..<L { s += Foundation.sin(Double(2 * q + 1) * t) / Double(2 * q + 1) }
            return 2 * Double.pi / Double(2 * L - 1) * (2 / Double(L)) * Foundation.sin(t) * s
        }
    }

    public var thetaCount: Int { 2 * bandwidth }
    public var phiCount: Int { 2 * bandwidth - 1 }
    /// Number of grid points, 2L·(2L−1).
    public var count: Int { thetaCount * phiCount }
    /// Flat index of (θ_j, φ_k).
    @inlinable public func index(j: Int, k: Int) -> Int { j * phiCount + k }
    /// The weight of every point, in flat order (Σ = 4π).
    public var pointWeights: [Double] {
        var w = [Double](repeating: 0, count: count)
        for j in 0..<thetaCount { for k in 0..<phiCount { w[index(j: j, k: k)] = weight[j] } }
        return w
    }
}

/// The SO(3) grid of bandwidth L used by the spherical CNN layers:
/// R_{gjk} = R_z(α_k) R_y(β_j) R_z(γ_g) with α_k = φ_k, β_j = θ_j of the DH sphere grid and
/// γ_g = 2πg/(2L−1), stored in s2fft order [γ, β, α] (shape (2L−1, 2L, 2L−1)).
///
/// The weights ω_j = w_j · 2π/(2L−1) sum to 8π² and integrate products of two Wigner-D
/// functions of degree < L exactly, so the SO(3) Fourier transforms are exact on band-limited maps.
public struct SO3Grid: Sendable, Hashable {
    public let bandwidth: Int
    /// The sphere grid providing α (= φ) and β (= θ).
    public let sphere: S2Grid
    /// γ_g = 2πg/(2L−1).
    public let gamma: [Double]
    /// ω_j: weight of one point with β index j.
    public let weight: [Double]

    public init(bandwidth L: Int) {
        bandwidth = L
        sphere = S2Grid(bandwidth: L)
        gamma = sphere.phi
        weight = sphere.weight.map { $0 * 2 * Double.pi / Double(2 * L - 1) }
    }

    public var gammaCount: Int { 2 * bandwidth - 1 }
    public var betaCount: Int { 2 * bandwidth }
    public var alphaCount: Int { 2 * bandwidth - 1 }
    public var alpha: [Double] { sphere.phi }
    public var beta: [Double] { sphere.theta }
    /// Number of grid points, (2L−1)·2L·(2L−1).
    public var count: Int { gammaCount * betaCount * alphaCount }
    /// Flat index of (γ_g, β_j, α_k) in [γ, β, α] order.
    @inlinable public func index(g: Int, j: Int, k: Int) -> Int { (g * betaCount + j) * alphaCount + k }
    /// (g, j, k) of a flat index.
    @inlinable public func components(_ i: Int) -> (g: Int, j: Int, k: Int) {
        (i / (betaCount * alphaCount), (i / alphaCount) % betaCount, i % alphaCount)
    }
    /// The weight of every point, in flat order (Σ = 8π²).
    public var pointWeights: [Double] {
        var w = [Double](repeating: 0, count: count)
        for i in 0..<count { w[i] = weight[components(i).j] }
        return w
    }
}
