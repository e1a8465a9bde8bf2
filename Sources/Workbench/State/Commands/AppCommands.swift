import NTKEngine
import TUI

/// Commands of the app itself: help, palette, quit, focus, the cursor and Enter (which act
/// on the focused pane), and the interactive-replay controls.
enum AppCommands {
    static let all: [Command] = [
        Command("help", keys: [.char("?"), .function(1)], logged: false, "Show keys and commands") { s in
            s.modal = .help(HelpState()); return Outcome()
        },
        Command("palette", keys: [.char(":")], logged: false, "Command palette (type, Tab completes, Enter runs; args as key=value)") { s in
            s.modal = .palette(CommandPaletteState()); return Outcome()
        },
        Command("quit", keys: [.char("q")], logged: false, "Quit (asks first while jobs run)", QuitArguments.self) { s, a in
            if s.runningJobs > 0 && !a.force { s.modal = .confirmQuit; return Outcome() }
            return Outcome(effects: [.quit])
        },
        Command("pane.next", keys: [.tab], logged: false, "Focus the next pane") { s in s.cycleFocus(by: 1); return Outcome() },
        Command("pane.prev", keys: [.backTab], logged: false, "Focus the previous pane") { s in s.cycleFocus(by: -1); return Outcome() },
        Command("cursor.up", keys: [.up, .char("k")], logged: false, "Move up (layer, data field, job; in Views: next layer)") { s in
            try s.moveCursor(delta: -1, vertical: true)
        },
        Command("cursor.down", keys: [.down, .char("j")], logged: false, "Move down (in Views: previous layer)") { s in
            try s.moveCursor(delta: 1, vertical: true)
        },
        Command("cursor.left", keys: [.left, .char("h")], logged: false, "Previous value (Data: cycle; Views: previous x′)") { s in
            try s.moveCursor(delta: -1, vertical: false)
        },
        Command("cursor.right", keys: [.right, .char("l")], logged: false, "Next value (Data: cycle; Views: next x′)") { s in
            try s.moveCursor(delta: 1, vertical: false)
        },
        Command("activate", keys: [.enter], logged: false, "Edit the selected layer (Stack) or data field (Data)") { s in
            s.activate(); return Outcome()
        },
    ]

    /// Listed last in the help screen.
    static let replay: [Command] = [
        Command("replay.step", keys: [.char(" ")], logged: false, "Replay: run the next recorded command") { s in
            guard s.replay != nil else { throw CommandError("no session is being replayed (entk replay FILE)") }
            s.replay?.playing = false
            return Outcome()
        },
        Command("replay.toggle", keys: [.char("p")], logged: false, "Replay: play / pause") { s in
            guard s.replay != nil else { throw CommandError("no session is being replayed (entk replay FILE)") }
            s.replay?.playing.toggle()
            return Outcome()
        },
    ]

    struct QuitArguments: CommandArguments {
        /// `force=yes` quits without asking even while jobs run.
        var force: Bool
        init(_ a: ArgumentReader) { force = a.yes("force") }
    }
}

// MARK: - Cursor and Enter, which depend on the focused pane

extension AppState {
    mutating func cycleFocus(by step: Int) {
        focus = Pane.allCases[TabsBar.cycle(Pane.allCases.firstIndex(of: focus) ?? 0, count: 4, by: step)]
    }

    /// The cursor keys: move within the focused pane, or (Data, Views, stack switching) run
    /// the command the move stands for.
    mutating func moveCursor(delta: Int, vertical: Bool) throws -> Outcome {
        switch focus {
        case .stack:
            if vertical {
                let n = currentStack?.spec.layers.count ?? 0
                selectedLayer = max(0, min(n - 1, selectedLayer + delta))
            } else {
                guard !stacks.isEmpty else { return Outcome() }
                let i = (selected + delta + stacks.count) % stacks.count
                return try dispatch(Invocation("stack.select", ["name": stacks[i].name]))
            }
        case .data:
            if vertical { dataField = max(0, min(DataChoice.fieldNames.count - 1, dataField + delta)) } else {
                let field = DataChoice.fieldNames[dataField]
                return try dispatch(Invocation("data.choose", [field: nextDataValue(field, delta: delta)]))
            }
        case .jobs:
            selectedJob = max(0, min(jobs.count - 1, selectedJob + (vertical ? delta : 0)))
        case .views:
            if vertical {
                guard let s = currentStack, !s.spec.layers.isEmpty else { return Outcome() }
                let cur = view.layer ?? AppState.defaultBlocksLayer(s) ?? 0
                let l = max(0, min(s.spec.layers.count - 1, cur - delta))
                return try dispatch(Invocation("view.layer", ["layer": String(l)]))
            } else {
                let n = trainingCount
                let j = (view.pair.1 + delta + n) % max(1, n)
                return try dispatch(Invocation("view.pair", ["i": String(view.pair.0), "j": String(j)]))
            }
        }
        return Outcome()
    }

    /// The value ←/→ moves a data field to: cycles the dataset and augmentation, steps numbers.
    private func nextDataValue(_ field: String, delta: Int) -> String {
        switch field {
        case "dataset":
            let all = DataChoice.Source.allCases
            return all[((all.firstIndex(of: data.source) ?? 0) + delta + all.count) % all.count].rawValue
        case "augment":
            let all = ["none"] + ImageSymmetry.Group.allCases.map(\.rawValue)
            let cur = all.firstIndex(of: data.augment ?? "none") ?? 0
            return all[(cur + delta + all.count) % all.count]
        default:
            let cur = Int(data.value(of: field)) ?? 0
            return String(max(0, cur + delta * (field == "train" || field == "test" ? 4 : 1)))
        }
    }

    /// Enter: open the editor of the selected layer (or the layer picker) or of the data.
    mutating func activate() {
        switch focus {
        case .stack:
            guard let s = currentStack, s.spec.layers.indices.contains(selectedLayer) else {
                modal = .picker(Picker(purpose: .addLayer, items: LayerCatalog.types)); return
            }
            let f = NamedStack.fields(of: s.spec.layers[selectedLayer])
            guard !f.isEmpty else { setStatus("\(s.spec.layers[selectedLayer].typeName) has no parameters"); return }
            modal = .edit(EditForm(target: .layer(selectedLayer), fields: f.map(\.key), values: f.map(\.value)))
        case .data:
            modal = .edit(EditForm(target: .data, fields: DataChoice.fieldNames, values: DataChoice.fieldNames.map { data.value(of: $0) },
                                   selected: dataField))
        case .jobs, .views:
            break
        }
    }
}
