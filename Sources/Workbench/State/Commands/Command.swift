import NTKEngine
import TUI

/// Arguments of one command as a typed value. Parsed from an `Invocation` (the palette's
/// `key=value` text and a session line's `args` both become one), so a bad value gets the
/// same message wherever it was typed. Unknown keys are ignored: session lines record extra
/// context (e.g. `job.gram` logs the Gram `hash`) that replay does not need.
protocol CommandArguments: Sendable {
    init(_ args: ArgumentReader) throws
}

/// Typed access to an invocation's string arguments, with the error texts of the workbench.
struct ArgumentReader: Sendable {
    let invocation: Invocation
    init(_ invocation: Invocation) { self.invocation = invocation }

    var command: String { invocation.name }
    /// The architecture JSON riding along (stack.define).
    var spec: ArchitectureSpec? { invocation.spec }

    func string(_ key: String) -> String? { invocation.args[key] }

    /// `name: key must be an integer, got "x"`.
    func int(_ key: String) throws -> Int? { try invocation.int(key) }

    /// True when the argument is exactly `yes` (quit force=yes, job.cancel all=yes).
    func yes(_ key: String) -> Bool { invocation.args[key] == "yes" }

    /// `kernel=ntk|nngp`.
    func kernel() throws -> KernelKind? {
        guard let k = string("kernel") else { return nil }
        guard let kk = KernelKind(rawValue: k) else { throw CommandError("kernel must be ntk or nngp, got \(k)") }
        return kk
    }

    /// `layer=N` or `layer=auto` (nil: absent).
    func layerChoice() throws -> LayerChoice? {
        if string("layer") == "auto" { return .auto }
        return try int("layer").map(LayerChoice.index)
    }
}

/// A layer argument that may be `auto` (the view picks the last spatial layer).
enum LayerChoice: Sendable, Hashable {
    case auto
    case index(Int)
    var value: Int? { if case .index(let l) = self { return l }; return nil }
}

/// For commands that take no arguments.
struct NoArguments: CommandArguments {
    init(_ args: ArgumentReader) {}
}

/// One workbench command: its name, keys, help text, whether sessions record it, its typed
/// arguments and its handler — declared once, in the file of its group (`AppCommands`,
/// `StackCommands`, `DataCommands`, `JobCommands`, `ViewCommands`). Keys, the `:` palette,
/// the `?` help screen and session replay all read `CommandRegistry.all`.
struct Command: Sendable {
    /// Dotted name, e.g. `stack.add-layer`; what the palette completes and sessions record.
    let name: String
    /// Keys that run it (empty = palette/replay only).
    let keys: [Key]
    /// Only active when this pane has focus (nil = everywhere).
    let pane: Pane?
    let description: String
    /// Whether a session records it (semantic commands; not cursor movement).
    let logged: Bool
    private let body: @Sendable (inout AppState, Invocation) throws -> Outcome

    /// `run` receives the arguments already parsed and checked into `A`.
    init<A: CommandArguments>(_ name: String, keys: [Key] = [], pane: Pane? = nil, logged: Bool = true, _ description: String,
                              _ arguments: A.Type, run: @escaping @Sendable (inout AppState, A) throws -> Outcome) {
        self.name = name; self.keys = keys; self.pane = pane; self.description = description; self.logged = logged
        body = { state, inv in try run(&state, try A(ArgumentReader(inv))) }
    }

    /// A command without arguments.
    init(_ name: String, keys: [Key] = [], pane: Pane? = nil, logged: Bool = true, _ description: String,
         run: @escaping @Sendable (inout AppState) throws -> Outcome) {
        self.init(name, keys: keys, pane: pane, logged: logged, description, NoArguments.self) { s, _ in try run(&s) }
    }

    /// Parses `inv`'s arguments and runs the handler on `state`.
    func run(_ inv: Invocation, on state: inout AppState) throws -> Outcome { try body(&state, inv) }

    /// The keys as the help screen shows them.
    var keyLabel: String { keys.map(CommandRegistry.label).joined(separator: " ") }
}

/// What running a command did: effects to carry out and, for semantic commands, the
/// fully-resolved invocation a session records (explicit arguments, so replay does not
/// depend on where the cursor was).
struct Outcome: Sendable {
    var effects: [Effect] = []
    var logged: Invocation?
}
