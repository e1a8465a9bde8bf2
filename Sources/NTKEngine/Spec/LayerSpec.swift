/// One layer of an architecture, exactly as written in the spec JSON
/// (`../shared/reference/FORMAT.md` is the format; sessions embed it).
public enum LayerSpec: Sendable, Hashable {
    case dense(Affine)
    case conv(Convolution)
    case lift(GroupConvolution)
    case gconv(GroupConvolution)
    case activation(Activation)
    case globalAvgPool
    case groupPool
    case flatten
    case s2Lift(SphericalConvolution)
    case so3Conv(SphericalConvolution)
    case so3Pool
    /// φ(x) = c·x (`ScaleLayerKind`).
    case scale(Double)

    /// Weight and bias scales shared by every linear layer. `bStd == nil` means no bias.
    public struct Affine: Sendable, Hashable {
        public var wStd: Double
        public var bStd: Double?
        /// Output features/channels; only the `standard` parameterization uses it.
        public var width: Int?
        public init(wStd: Double = 1, bStd: Double? = nil, width: Int? = nil) {
            self.wStd = wStd; self.bStd = bStd; self.width = width
        }
    }

    public struct Convolution: Sendable, Hashable {
        public var filter: [Int]
        public var padding: Padding
        public var affine: Affine
        public init(filter: [Int], padding: Padding, affine: Affine) {
            self.filter = filter; self.padding = padding; self.affine = affine
        }
    }

    public struct GroupConvolution: Sendable, Hashable {
        public var group: PointGroup
        public var conv: Convolution
        public init(group: PointGroup, conv: Convolution) { self.group = group; self.conv = conv }
    }

    /// SO(3) layers (issue: spherical kernels); parsed here so specs round-trip.
    public struct SphericalConvolution: Sendable, Hashable {
        public var bandwidthIn: Int
        public var bandwidthOut: Int
        public var maxBeta: Double
        public var affine: Affine
        public init(bandwidthIn: Int, bandwidthOut: Int, maxBeta: Double, affine: Affine) {
            self.bandwidthIn = bandwidthIn; self.bandwidthOut = bandwidthOut
            self.maxBeta = maxBeta; self.affine = affine
        }
    }

    /// Whether this layer works on spherical signals (decides `ArchitectureSpec.backend`).
    var isSphericalLayer: Bool { kind.isSpherical }

    /// The spec's `type` string (for elementwise functions, the function's name).
    public var typeName: String {
        if case .activation(let a) = self { return a.typeName }
        return kind.typeNames[0]
    }
}
