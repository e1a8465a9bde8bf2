import Foundation
import NTKEngine
import TUI

/// The four panes, in Tab order.
enum Pane: String, Sendable, CaseIterable {
    case stack, data, jobs, views
    var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// An overlay that takes the keys while it is open.
enum Modal: Sendable, Hashable {
    case help(HelpState)
    case palette(CommandPaletteState)
    /// Choose from a list; `purpose` says what Enter does with the choice.
    case picker(Picker)
    case edit(EditForm)
    case confirmQuit
    /// Reopening a session whose view needs computations the cache cannot answer: list them
    /// and ask before starting (never restart a long job silently).
    case confirmCompute(ComputePrompt)
}

/// What reopening a session would recompute, with what the session log says of earlier runs.
struct ComputePrompt: Sendable, Hashable {
    var computations: [Computation]
    /// One line per computation, e.g. `Gram cnn — took 8m12s last time`.
    var lines: [String]
}

/// A list to choose from (layer type to add, preset for a new stack).
struct Picker: Sendable, Hashable {
    enum Purpose: String, Sendable, Hashable { case addLayer, newStack }
    var purpose: Purpose
    var items: [String]
    var list = ListState()
    var title: String { purpose == .addLayer ? "Add layer" : "New stack from preset" }
}

/// The parameter editor of a layer or of the data choice: a list of fields, one of them
/// being edited, with the engine's validation message shown inline.
struct EditForm: Sendable, Hashable {
    enum Target: Sendable, Hashable { case layer(Int), data }
    var target: Target
    var fields: [String]
    var values: [String]
    var selected = 0
    var editing: TextFieldState?
    var error: String?
}

/// Progress through a recorded session during interactive replay (`▶ i/N`).
struct ReplayCursor: Sendable, Hashable {
    var commands: [Invocation]
    /// Source line of each command, for messages.
    var lines: [Int]
    var next = 0
    var playing = true
    var failed = 0
    var isFinished: Bool { next >= commands.count }
}

/// Side effects a command asks the app (or headless replay) to carry out.
enum Effect: Sendable {
    case start(Computation)
    case cancel(jobID: Int?)
    case export(directory: String)
    case quit
}

/// Everything the workbench shows, as one value. Views and panes are pure functions of it;
/// `perform(_:)` is the only way commands change it, so the same code serves keys, the
/// palette, interactive replay and headless replay.
struct AppState: Sendable {
    var stacks: [NamedStack]
    var selected = 0
    var selectedLayer = 0
    var data = DataChoice()
    var dataField = 0
    var jobs: [JobSnapshot] = []
    var selectedJob = 0
    var view = ViewChoice()
    /// Finished results by `Computation.key`.
    var results: [String: ComputeResult] = [:]
    /// Failure messages by `Computation.key`.
    var failures: [String: String] = [:]
    var status = "? help · : commands · Tab panes · q quit"
    var statusIsError = false
    var focus: Pane = .stack
    var modal: Modal?
    var replay: ReplayCursor?
    var sessionName = "untitled"
    var exportDirectory = "entk-export"

    init(stacks: [NamedStack] = []) {
        self.stacks = stacks
    }

    /// The default state: a CNN and a C4 group-CNN on small synthetic patterns.
    static func initial() -> AppState {
        var s = AppState()
        let shape = s.data.inputShape
        for (name, preset) in [("cnn", "cnn"), ("gcnn-c4", "gcnn-c4")] {
            if let spec = try? StackPresets.make(preset, inputShape: shape) { s.stacks.append(NamedStack(name: name, spec: spec)) }
        }
        return s
    }

    var currentStack: NamedStack? { stacks.indices.contains(selected) ? stacks[selected] : nil }
    var runningJobs: Int { jobs.filter(\.isRunning).count }

    mutating func setStatus(_ s: String, error: Bool = false) { status = s; statusIsError = error }

    // MARK: - Computations the current view needs

    /// The spec layer the blocks view shows by default: the last spatial (image/lifted) layer.
    static func defaultBlocksLayer(_ stack: NamedStack) -> Int? {
        guard let shapes = stack.shapes else { return nil }
        return shapes.indices.last { i in
            switch shapes[i] { case .image, .lifted: true; case .spherical(_, _, let onGroup): onGroup; default: false }
        }
    }

    /// The group of the invariance grid: the view's choice, else the first non-trivial stack group, else C4.
    var invarianceGroup: String {
        if let g = view.group { return g }
        return stacks.compactMap(\.group).first { $0.order > 1 }?.name ?? "C4"
    }

    /// What the current view needs computed, per stack shown.
    func computations(for v: ViewChoice) -> [Computation] {
        let valid = stacks.filter { $0.validation == nil }
        switch v.kind {
        case .gram:
            guard let s = currentStack, s.validation == nil else { return [] }
            return [.gram(s, data)]
        case .symmetryBlocks:
            guard let s = currentStack, s.validation == nil, let l = v.layer ?? AppState.defaultBlocksLayer(s) else { return [] }
            return [.blocks(s, data, i: v.pair.0, j: v.pair.1, layer: l)]
        case .invariance:
            return valid.map { .invariance($0, data, i: v.pair.0, j: v.pair.1, group: invarianceGroup) }
        case .spectrum:
            return valid.map { .spectrum($0, data) }
        case .learningCurve:
            return valid.map { .learningCurve($0, data, sizes: v.sizes, time: v.time) }
        case .convergence:
            guard let s = currentStack, s.validation == nil else { return [] }
            return [.convergence(s, data, widths: v.widths, seedsPerGroup: v.seedsPerGroup, groups: v.groups, inputs: v.inputs)]
        case .augmentation:
            guard let s = augmentationStack else { return [] }
            return [.augmentation(s, data, times: v.times)]
        case .qm9:
            return [.qm9(v.qm9.source == .auto ? v.qm9.resolved() : v.qm9)]
        }
    }

    /// The stack of the augmentation view: the selected one if it is a valid group stack
    /// (|G| > 1), else the first such stack.
    var augmentationStack: NamedStack? {
        func ok(_ s: NamedStack) -> Bool { s.validation == nil && (s.group?.order ?? 1) > 1 }
        if let s = currentStack, ok(s) { return s }
        return stacks.first(where: ok)
    }

    /// Effects that start whatever the current view still lacks.
    func missingComputations() -> [Effect] {
        computations(for: view).filter { c in
            results[c.key] == nil && failures[c.key] == nil && !jobs.contains { $0.key == c.key && $0.isRunning }
        }.map { .start($0) }
    }

    /// Opening a recorded session: what the current view needs and the cache (`isCached`)
    /// can answer starts at once (cheap); anything else is listed in a question — y starts
    /// it, n leaves it for `r`. `history` maps a computation key to how its last run ended
    /// (from the session's job events). Returns the effects to run now.
    mutating func reopen(isCached: (Computation) -> Bool, history: [String: String] = [:]) -> [Effect] {
        var now: [Effect] = [], ask: [Computation] = []
        for e in missingComputations() {
            guard case .start(let c) = e else { continue }
            if isCached(c) { now.append(e) } else { ask.append(c) }
        }
        if !ask.isEmpty {
            let lines = ask.map { c in c.title + (history[c.key].map { " — \($0)" } ?? "") }
            modal = .confirmCompute(ComputePrompt(computations: ask, lines: lines))
            if !statusIsError { setStatus("reopened: \(ask.count) computation(s) not in the cache — y computes now, n leaves them (r later)") }
        } else if !now.isEmpty, !statusIsError {
            setStatus("reopened: \(now.count) view job(s) answered from the Gram cache")
        }
        return now
    }

    /// `8m12s`, `40s`, `1h05m`.
    static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "?" }
        let t = Int(s.rounded())
        if t < 60 { return s < 10 ? String(format: "%.1fs", s) : "\(t)s" }
        if t < 3600 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t / 3600)h\(String(format: "%02d", (t % 3600) / 60))m"
    }

    /// Merges a finished job into the state.
    mutating func receive(_ f: JobCenter.Finished) {
        let key = f.computation.key
        switch f.snapshot.status {
        case .done:
            if let r = f.result { results[key] = r; failures[key] = nil }
            if case .learningCurve(_, _, let w)? = f.result, let first = w.first {
                setStatus("\(f.snapshot.title) done; warning: \(first)")
            } else {
                setStatus(String(format: "%@ done in %.2fs", f.snapshot.title, f.seconds) + (f.snapshot.note.map { " (\($0))" } ?? ""))
            }
        case .failed(let msg):
            failures[key] = msg
            setStatus("\(f.snapshot.title) failed: \(msg)", error: true)
        case .cancelled:
            setStatus("\(f.snapshot.title) cancelled; the app and other results are untouched")
        case .running: break
        }
    }
}
