import Foundation
import TUI

/// What one input event did: effects to run and commands to record in the session.
struct InputOutcome: Sendable {
    var effects: [Effect] = []
    var logged: [Invocation] = []
}

extension AppState {
    /// Routes one event: an open modal takes it, otherwise the registry maps the key to a
    /// command for the focused pane. Errors become a red status line; nothing is lost.
    mutating func handle(_ event: InputEvent) -> InputOutcome {
        if modal != nil { return handleModal(event) }
        guard case .key(let key) = event else { return InputOutcome() }
        if key == .ctrlC {
            // Ctrl-C stops work, not the app; with nothing running it quits.
            return runningJobs > 0 ? run(Invocation("job.cancel", ["all": "yes"])) : InputOutcome(effects: [.quit])
        }
        if key == .escape && runningJobs == 0 { setStatus("? help · : commands · q quit"); return InputOutcome() }
        guard let spec = CommandRegistry.command(for: key, focus: focus) else {
            // A key bound only in another pane (e.g. G = stack.set-group while the view has
            // focus): say which pane it belongs to and move the focus there, without running
            // it, so a pane key never acts on a pane the user is not looking at.
            if let other = CommandRegistry.paneCommand(for: key, notIn: focus), let pane = other.pane {
                focus = pane
                setStatus("\(CommandRegistry.label(key)) is a \(pane.title)-pane key (\(other.name)); focus moved to \(pane.title) — press \(CommandRegistry.label(key)) again")
                return InputOutcome()
            }
            setStatus("no command on \(CommandRegistry.label(key)); ? lists the keys"); return InputOutcome()
        }
        return run(Invocation(spec.name))
    }

    /// Runs a command, turning a CommandError into the status line.
    mutating func run(_ inv: Invocation) -> InputOutcome {
        do {
            let o = try perform(inv)
            return InputOutcome(effects: o.effects, logged: o.logged.map { [$0] } ?? [])
        } catch {
            setStatus("\(inv.name): \(error)", error: true)
            return InputOutcome()
        }
    }

    private mutating func handleModal(_ event: InputEvent) -> InputOutcome {
        guard let m = modal else { return InputOutcome() }
        switch m {
        case .help(var h):
            if h.handle(event, rowCount: CommandRegistry.helpRows.count, visibleRows: 16) == .close { modal = nil } else { modal = .help(h) }
        case .confirmQuit:
            modal = nil
            if event == .key(.char("y")) || event == .key(.char("q")) {
                return InputOutcome(effects: [.cancel(jobID: nil), .quit])
            }
            setStatus("quit cancelled; jobs keep running")
        case .confirmCompute(let p):
            modal = nil
            if event == .key(.char("y")) || event == .key(.enter) {
                setStatus("computing \(p.computations.count) job(s) for \(view.kind.title)")
                return InputOutcome(effects: p.computations.map { .start($0) })
            }
            setStatus("not computed — r computes the view when you want it")
        case .palette(var p):
            let text = p.query.string.trimmingCharacters(in: .whitespaces)
            if event == .key(.enter), text.contains(" ") {
                modal = nil
                do { return run(try Invocation.parse(commandLine: text)) } catch {
                    setStatus("\(error)", error: true); return InputOutcome()
                }
            }
            switch p.handle(event, commands: CommandRegistry.paletteCommands) {
            case .cancel: modal = nil
            case .run(let name): modal = nil; return run(Invocation(name))
            case .none: modal = .palette(p)
            }
        case .picker(var pk):
            switch event {
            case .key(.escape), .key(.ctrlC): modal = nil
            case .key(.enter):
                modal = nil
                guard pk.items.indices.contains(pk.list.selected) else { return InputOutcome() }
                let choice = pk.items[pk.list.selected]
                switch pk.purpose {
                case .addLayer: return run(Invocation("stack.add-layer", ["type": choice]))
                case .newStack: return run(Invocation("stack.new", ["preset": choice]))
                }
            default:
                _ = pk.list.handle(event, count: pk.items.count, visibleRows: 12)
                modal = .picker(pk)
            }
        case .edit(var form):
            return handleEdit(&form, event)
        }
        return InputOutcome()
    }

    private mutating func handleEdit(_ form: inout EditForm, _ event: InputEvent) -> InputOutcome {
        defer { if case .edit? = modal { modal = .edit(form) } }
        if var field = form.editing {
            switch event {
            case .key(.escape): form.editing = nil; form.error = nil
            case .key(.enter):
                let key = form.fields[form.selected], value = field.string
                let inv: Invocation
                switch form.target {
                case .layer(let l): inv = Invocation("stack.set-param", ["layer": String(l), "param": key, "value": value])
                case .data: inv = Invocation("data.choose", [key: value])
                }
                do {
                    let o = try perform(inv)
                    form.editing = nil; form.error = nil
                    form.values[form.selected] = value
                    if case .layer(let l) = form.target, let s = currentStack, s.spec.layers.indices.contains(l) {
                        form.values = NamedStack.fields(of: s.spec.layers[l]).map(\.value)
                    }
                    if case .data = form.target { form.values = DataChoice.fieldNames.map { data.value(of: $0) } }
                    return InputOutcome(effects: o.effects, logged: o.logged.map { [$0] } ?? [])
                } catch {
                    form.error = "\(error)"   // inline, the field stays open with the typed text
                }
            default:
                if field.handle(event) { form.editing = field; form.error = nil }
            }
            return InputOutcome()
        }
        switch event {
        case .key(.escape), .key(.ctrlC), .key(.char("q")): modal = nil
        case .key(.up), .key(.char("k")): form.selected = max(0, form.selected - 1)
        case .key(.down), .key(.char("j")): form.selected = min(form.fields.count - 1, form.selected + 1)
        case .key(.enter): form.editing = TextFieldState(form.values[form.selected]); form.error = nil
        default: break
        }
        return InputOutcome()
    }
}
