/// Why a finite-width network or an empirical kernel could not be built, worded for the user.
public enum FiniteWidthError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The architecture cannot be realised as a finite network (e.g. no dense readout).
    case unsupported(String)
    /// An argument is out of range (width ≤ 0, no seeds, mismatched input shape…).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unsupported(let s): "finite-width network: \(s)"
        case .invalidArgument(let s): "finite-width network: \(s)"
        }
    }
}
