import TUI

/// The one list of everything the workbench can do, assembled from the command groups (each
/// command is declared once, with its arguments and handler, in its group's file). Keys, the
/// `:` palette (with completion), the `?` help screen and session replay all look commands
/// up here, so a key binding, its help line and its session record can never disagree.
enum CommandRegistry {
    /// In help-screen order; for a key bound twice in one scope the first entry wins.
    static let all: [Command] = AppCommands.all + StackCommands.all + DataCommands.all + JobCommands.all + ViewCommands.all
        + AppCommands.replay

    static func named(_ name: String) -> Command? { all.first { $0.name == name } }

    /// The command a key runs with `focus` (pane-specific bindings win over global ones).
    static func command(for key: Key, focus: Pane) -> Command? {
        all.first { $0.pane == focus && $0.keys.contains(key) } ?? all.first { $0.pane == nil && $0.keys.contains(key) }
    }

    /// A command bound to `key` in a pane other than `focus` (nil when the key is global or unbound).
    static func paneCommand(for key: Key, notIn focus: Pane) -> Command? {
        all.first { $0.pane != nil && $0.pane != focus && $0.keys.contains(key) }
    }

    static var paletteCommands: [PaletteCommand] { all.map { PaletteCommand(name: $0.name, description: $0.description) } }

    /// Rows of the help screen.
    static var helpRows: [(key: String, description: String)] {
        all.map { spec in
            let k = spec.keyLabel.isEmpty ? ":" : spec.keyLabel
            let where_ = spec.pane.map { " [\($0.title)]" } ?? ""
            return (k, "\(spec.name) — \(spec.description)\(where_)")
        }
    }

    static func label(_ key: Key) -> String {
        switch key {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "C-\(c)"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "BS"
        case .delete: "Del"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .function(let n): "F\(n)"
        }
    }
}

extension AppState {
    /// Runs one command. Throws `CommandError` (state unchanged) when it cannot run.
    mutating func perform(_ inv: Invocation) throws -> Outcome {
        guard let command = CommandRegistry.named(inv.name) else {
            let near = CommandPaletteState.filter(CommandRegistry.paletteCommands, query: inv.name).prefix(3).map(\.name)
            throw CommandError("unknown command \"\(inv.name)\"" + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?"))
        }
        var copy = self
        var out = try command.run(inv, on: &copy)
        if command.logged, out.logged == nil { out.logged = inv }
        if !command.logged { out.logged = nil }
        self = copy
        return out
    }

    /// Runs another command from inside a handler (cursor keys, select-prev): no logging
    /// rules applied, the caller's `perform` decides what is recorded.
    mutating func dispatch(_ inv: Invocation) throws -> Outcome {
        guard let command = CommandRegistry.named(inv.name) else { throw CommandError("unknown command \"\(inv.name)\"") }
        return try command.run(inv, on: &self)
    }
}
