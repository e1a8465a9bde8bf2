/// An error in an architecture spec, located by a JSON path such as `layers[2].filter`,
/// so a user editing a file (or a session line) sees exactly which field is wrong.
public struct SpecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Where the problem is, e.g. `layers[3].padding`; empty for the whole document.
    public var path: String
    /// What is wrong, in words.
    public var message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
