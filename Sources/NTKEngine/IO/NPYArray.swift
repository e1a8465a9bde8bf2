/// The element types entk reads from and writes to NumPy files.
///
/// Why a closed list: these are the dtypes real image/label arrays come in (`uint8` pixels,
/// `float32`/`float64` features, `int64`/`int32` labels, `bool` masks); everything is converted
/// to `Double` on read, so the list only has to say how to decode bytes.
public enum NPYDType: String, Sendable, Equatable, CaseIterable {
    case float64, float32, int64, int32, int16, uint16, int8, uint8, bool

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .int16, .uint16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// NumPy's type character and size (`f8`, `u1`, `b1`, …) without the byte-order mark.
    var code: String {
        switch self {
        case .float64: "f8"
        case .float32: "f4"
        case .int64: "i8"
        case .int32: "i4"
        case .int16: "i2"
        case .uint16: "u2"
        case .int8: "i1"
        case .uint8: "u1"
        case .bool: "b1"
        }
    }

    /// The `descr` string entk writes: little-endian, `|` for single bytes.
    public var descr: String { (size == 1 ? "|" : "<") + code }

    /// Whether values of this dtype are integers (so writing requires integral values).
    var isInteger: Bool { self != .float64 && self != .float32 }

    /// Inclusive range of representable values for integer dtypes.
    var integerRange: ClosedRange<Double> {
        switch self {
        case .int64: -9.223372036854775808e18...9.223372036854774784e18
        case .int32: Double(Int32.min)...Double(Int32.max)
        case .int16: Double(Int16.min)...Double(Int16.max)
        case .uint16: 0...Double(UInt16.max)
        case .int8: Double(Int8.min)...Double(Int8.max)
        case .uint8: 0...255
        case .bool: 0...1
        case .float32, .float64: -Double.infinity...Double.infinity
        }
    }
}

/// An n-dimensional array as stored in a `.npy` file, values widened to `Double`, C order.
///
/// Why `Double` for everything: the kernel engine works in float64 and datasets are small
/// enough (≤ 10⁵ images of 32×32×3) that widening costs nothing worth a generic type.
/// `dtype` remembers what the file held, e.g. to tell labels (`int64`) from features.
public struct NPYArray: Sendable, Equatable {
    /// Dimensions, outermost first; `[]` is a scalar (one element).
    public var shape: [Int]
    /// Elements in C (row-major) order; `data.count == shape.reduce(1, *)`.
    public var data: [Double]
    /// The element type the values came from (or should be written as by default).
    public var dtype: NPYDType

    /// Creates an array, checking that `data` has exactly as many elements as `shape` says.
    public init(shape: [Int], data: [Double], dtype: NPYDType = .float64) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw DataError(path: "NPYArray", "negative dimension in shape \(shape)")
        }
        let n = shape.reduce(1, *)
        guard n == data.count else {
            throw DataError(path: "NPYArray", "shape \(shape) needs \(n) elements but \(data.count) were given")
        }
        self.shape = shape
        self.data = data
        self.dtype = dtype
    }

    /// Number of elements.
    public var count: Int { data.count }
}
