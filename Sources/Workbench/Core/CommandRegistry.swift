import TUI

/// The one list of everything the workbench can do. Keys, the `:` palette (with
/// completion), the `?` help screen and session replay all look commands up here, so a
/// key binding, its help line and its session record can never disagree.
struct CommandSpec: Sendable {
    /// Dotted name, e.g. `stack.add-layer`; what the palette completes and sessions record.
    var name: String
    /// Keys that run it (empty = palette/replay only).
    var keys: [Key]
    /// Only active when this pane has focus (nil = everywhere).
    var pane: Pane?
    var description: String
    /// Whether a session records it (semantic commands; not cursor movement).
    var logged: Bool

    /// The keys as the help screen shows them.
    var keyLabel: String { keys.map(CommandRegistry.label).joined(separator: " ") }
}

enum CommandRegistry {
    static let all: [CommandSpec] = [
        CommandSpec(name: "help", keys: [.char("?"), .function(1)], pane: nil, description: "Show keys and commands", logged: false),
        CommandSpec(name: "palette", keys: [.char(":")], pane: nil, description: "Command palette (type, Tab completes, Enter runs; args as key=value)", logged: false),
        CommandSpec(name: "quit", keys: [.char("q")], pane: nil, description: "Quit (asks first while jobs run)", logged: false),
        CommandSpec(name: "pane.next", keys: [.tab], pane: nil, description: "Focus the next pane", logged: false),
        CommandSpec(name: "pane.prev", keys: [.backTab], pane: nil, description: "Focus the previous pane", logged: false),
        CommandSpec(name: "cursor.up", keys: [.up, .char("k")], pane: nil, description: "Move up (layer, data field, job; in Views: next layer)", logged: false),
        CommandSpec(name: "cursor.down", keys: [.down, .char("j")], pane: nil, description: "Move down (in Views: previous layer)", logged: false),
        CommandSpec(name: "cursor.left", keys: [.left, .char("h")], pane: nil, description: "Previous value (Data: cycle; Views: previous x′)", logged: false),
        CommandSpec(name: "cursor.right", keys: [.right, .char("l")], pane: nil, description: "Next value (Data: cycle; Views: next x′)", logged: false),
        CommandSpec(name: "activate", keys: [.enter], pane: nil, description: "Edit the selected layer (Stack) or data field (Data)", logged: false),
        CommandSpec(name: "stack.new", keys: [.char("n")], pane: nil, description: "New stack from a preset (name=, preset=cnn|gcnn-c4|gcnn-d4|gcnn-c2|mlp|empty)", logged: true),
        CommandSpec(name: "stack.define", keys: [], pane: nil, description: "Define or replace a stack from spec JSON (name=, spec)", logged: true),
        CommandSpec(name: "stack.select", keys: [.char("]")], pane: nil, description: "Select the next stack (name= selects by name)", logged: true),
        CommandSpec(name: "stack.select-prev", keys: [.char("[")], pane: nil, description: "Select the previous stack", logged: false),
        CommandSpec(name: "stack.delete", keys: [.char("D")], pane: .stack, description: "Delete the selected stack", logged: true),
        CommandSpec(name: "stack.rename", keys: [], pane: nil, description: "Rename the selected stack (name=)", logged: true),
        CommandSpec(name: "stack.add-layer", keys: [.char("a")], pane: .stack, description: "Add a layer after the selection (type=, at=, group=)", logged: true),
        CommandSpec(name: "stack.remove-layer", keys: [.char("x"), .delete], pane: .stack, description: "Remove the selected layer (layer=)", logged: true),
        CommandSpec(name: "stack.move-up", keys: [.char("K")], pane: .stack, description: "Move the selected layer up (layer=)", logged: true),
        CommandSpec(name: "stack.move-down", keys: [.char("J")], pane: .stack, description: "Move the selected layer down (layer=)", logged: true),
        CommandSpec(name: "stack.set-param", keys: [], pane: nil, description: "Set a layer parameter (layer=, param=, value=); Enter on a layer opens the editor", logged: true),
        CommandSpec(name: "stack.set-group", keys: [.char("G")], pane: .stack, description: "Set the group of every lift/gconv layer (group=C1|C2|C4|D1|D2|D4; key cycles)", logged: true),
        CommandSpec(name: "data.choose", keys: [], pane: nil, description: "Choose data (dataset=, train=, test=, size=, classes=, seed=, augment=)", logged: true),
        CommandSpec(name: "job.gram", keys: [.char("g")], pane: nil, description: "Compute the Gram matrices of the selected stack in the background", logged: true),
        CommandSpec(name: "job.cancel", keys: [.char("c"), .escape, .ctrl("c")], pane: nil, description: "Cancel the selected/newest running job (Ctrl-C: all; quits when none run)", logged: true),
        CommandSpec(name: "view.gram", keys: [.char("1")], pane: nil, description: "Gram heatmap of K or Θ, rows sorted by class", logged: true),
        CommandSpec(name: "view.symmetry-blocks", keys: [.char("2")], pane: nil, description: "|G|×|G| block matrix Θ_{r,r′}(t,t′) of a pair after a layer", logged: true),
        CommandSpec(name: "view.invariance", keys: [.char("3")], pane: nil, description: "Θ(g·x, h·x′) over the group, for every stack", logged: true),
        CommandSpec(name: "view.spectrum", keys: [.char("4")], pane: nil, description: "Eigenvalue spectra of every stack (log scale)", logged: true),
        CommandSpec(name: "view.learning-curve", keys: [.char("5")], pane: nil, description: "Test accuracy vs training-set size, every stack (sizes=, t=)", logged: true),
        CommandSpec(name: "view.convergence", keys: [.char("6")], pane: nil, description: "Finite-width kernel error vs width, log–log, selected stack (widths=, seeds=, groups=, inputs=)", logged: true),
        CommandSpec(name: "view.augmentation", keys: [.char("7")], pane: nil, description: "Group stack on N points vs the matching CNN on |G|·N augmented points along t (times=)", logged: true),
        CommandSpec(name: "view.qm9", keys: [.char("8")], pane: nil, description: "QM9 energy MAE (meV) vs training size: SO(3) vs MLP vs composition (molecules=auto|synthetic|qm9, sizes=, test=, pool=, bandwidth=, conv=, diag_reg=, seed=)", logged: true),
        CommandSpec(name: "view.refresh", keys: [.char("r")], pane: nil, description: "Start the jobs the current view still lacks (after edits)", logged: true),
        CommandSpec(name: "view.kernel", keys: [.char("t")], pane: nil, description: "Toggle K (NNGP) / Θ (NTK) (kernel=ntk|nngp)", logged: true),
        CommandSpec(name: "view.pair", keys: [], pane: nil, description: "Choose the input pair of the blocks/invariance views (i=, j=)", logged: true),
        CommandSpec(name: "view.layer", keys: [], pane: nil, description: "Choose the layer of the blocks view (layer=)", logged: true),
        CommandSpec(name: "export", keys: [.char("e")], pane: nil, description: "Export the current view as PNG, SVG, PDF, CSV (+ .npy for matrices, .txt) (dir=)", logged: true),
        CommandSpec(name: "replay.step", keys: [.char(" ")], pane: nil, description: "Replay: run the next recorded command", logged: false),
        CommandSpec(name: "replay.toggle", keys: [.char("p")], pane: nil, description: "Replay: play / pause", logged: false),
    ]

    static func named(_ name: String) -> CommandSpec? { all.first { $0.name == name } }

    /// The command a key runs with `focus` (pane-specific bindings win over global ones).
    static func command(for key: Key, focus: Pane) -> CommandSpec? {
        all.first { $0.pane == focus && $0.keys.contains(key) } ?? all.first { $0.pane == nil && $0.keys.contains(key) }
    }

    /// A command bound to `key` in a pane other than `focus` (nil when the key is global or unbound).
    static func paneCommand(for key: Key, notIn focus: Pane) -> CommandSpec? {
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
