/// Why a curses screen could not be started.
public enum ScreenError: Error, Equatable, CustomStringConvertible {
    case notATerminal
    case unsupportedTerminal(String)

    public var description: String {
        switch self {
        case .notATerminal: return "not running in a terminal"
        case let .unsupportedTerminal(t): return "unsupported terminal TERM=\(t.isEmpty ? "(unset)" : t)"
        }
    }
}
