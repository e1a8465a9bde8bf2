/// A command that could not run, worded for the status line, the replay summary and
/// `file:line:` session diagnostics.
struct CommandError: Error, CustomStringConvertible, Equatable, Sendable {
    var description: String
    init(_ message: String) { description = message }
}
