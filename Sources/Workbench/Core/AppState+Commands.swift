import Foundation
import NTKEngine
import TUI

/// What running a command did: effects to carry out and, for semantic commands, the
/// fully-resolved invocation a session records (explicit arguments, so replay does not
/// depend on where the cursor was).
struct Outcome: Sendable {
    var effects: [Effect] = []
    var logged: Invocation?
}

extension AppState {
    /// Runs one command. Throws `CommandError` (state unchanged) when it cannot run.
    mutating func perform(_ inv: Invocation) throws -> Outcome {
        guard let spec = CommandRegistry.named(inv.name) else {
            let near = CommandPaletteState.filter(CommandRegistry.paletteCommands, query: inv.name).prefix(3).map(\.name)
            throw CommandError("unknown command \"\(inv.name)\"" + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?"))
        }
        var copy = self
        var out = try copy.runCommand(inv)
        if spec.logged, out.logged == nil { out.logged = inv }
        if !spec.logged { out.logged = nil }
        self = copy
        return out
    }

    private func stackIndex(_ inv: Invocation) throws -> Int {
        if let name = inv.args["stack"] {
            guard let i = stacks.firstIndex(where: { $0.name == name }) else { throw CommandError("no stack named \"\(name)\"") }
            return i
        }
        guard stacks.indices.contains(selected) else { throw CommandError("there is no stack; create one with n (stack.new)") }
        return selected
    }

    private func layerIndex(_ inv: Invocation, in s: NamedStack) throws -> Int {
        let l = try inv.int("layer") ?? selectedLayer
        guard s.spec.layers.indices.contains(l) else {
            throw CommandError("layer \(l) does not exist in \(s.name) (\(s.spec.layers.count) layers)")
        }
        return l
    }

    private func uniqueName(_ base: String) -> String {
        var name = base, k = 2
        while stacks.contains(where: { $0.name == name }) { name = "\(base)-\(k)"; k += 1 }
        return name
    }

    /// Keeps every stack's input shape equal to the data's, so jobs never see a mismatch.
    private mutating func syncInputShapes() {
        for i in stacks.indices { stacks[i].spec.inputShape = data.inputShape }
    }

    private mutating func runCommand(_ inv: Invocation) throws -> Outcome {
        var out = Outcome()
        switch inv.name {
        case "help": modal = .help(HelpState())
        case "palette": modal = .palette(CommandPaletteState())
        case "quit":
            if runningJobs > 0 && inv.args["force"] != "yes" { modal = .confirmQuit } else { out.effects = [.quit] }
        case "pane.next": focus = Pane.allCases[TabsBar.cycle(Pane.allCases.firstIndex(of: focus) ?? 0, count: 4, by: 1)]
        case "pane.prev": focus = Pane.allCases[TabsBar.cycle(Pane.allCases.firstIndex(of: focus) ?? 0, count: 4, by: -1)]
        case "cursor.up", "cursor.down", "cursor.left", "cursor.right": return try moveCursor(inv.name)
        case "activate": try activate()

        case "stack.new":
            let preset = inv.args["preset"]
            guard let preset else {
                modal = .picker(Picker(purpose: .newStack, items: StackPresets.names)); return out
            }
            let spec = try StackPresets.make(preset, inputShape: data.inputShape)
            let name = inv.args["name"] ?? uniqueName(preset)
            guard !stacks.contains(where: { $0.name == name }) else { throw CommandError("a stack named \"\(name)\" exists already") }
            stacks.append(NamedStack(name: name, spec: spec))
            selected = stacks.count - 1; selectedLayer = 0
            out.logged = Invocation("stack.new", ["name": name, "preset": preset])
            setStatus("new stack \(name) (\(preset))")
        case "stack.define":
            guard let name = inv.args["name"], !name.isEmpty else { throw CommandError("stack.define needs name=") }
            guard var spec = inv.spec else { throw CommandError("stack.define needs a \"spec\" object (the architecture JSON)") }
            spec.inputShape = data.inputShape
            if let i = stacks.firstIndex(where: { $0.name == name }) { stacks[i].spec = spec; selected = i } else {
                stacks.append(NamedStack(name: name, spec: spec)); selected = stacks.count - 1
            }
            selectedLayer = 0
            setStatus("defined stack \(name)")
        case "stack.select":
            guard !stacks.isEmpty else { throw CommandError("there is no stack") }
            let i: Int
            if let name = inv.args["name"] {
                guard let k = stacks.firstIndex(where: { $0.name == name }) else { throw CommandError("no stack named \"\(name)\"") }
                i = k
            } else { i = (selected + 1) % stacks.count }
            selected = i; selectedLayer = 0
            out.logged = Invocation("stack.select", ["name": stacks[i].name])
            out.effects = missingComputations()
        case "stack.select-prev":
            guard !stacks.isEmpty else { throw CommandError("there is no stack") }
            return try runCommand(Invocation("stack.select", ["name": stacks[(selected + stacks.count - 1) % stacks.count].name]))
        case "stack.delete":
            let i = try stackIndex(inv)
            let name = stacks[i].name
            stacks.remove(at: i)
            selected = min(selected, max(0, stacks.count - 1)); selectedLayer = 0
            out.logged = Invocation("stack.delete", ["stack": name])
            setStatus("deleted stack \(name)")
        case "stack.rename":
            let i = try stackIndex(inv)
            guard let name = inv.args["name"], !name.isEmpty else { throw CommandError("stack.rename needs name=") }
            guard !stacks.contains(where: { $0.name == name }) else { throw CommandError("a stack named \"\(name)\" exists already") }
            let old = stacks[i].name
            stacks[i].name = name
            out.logged = Invocation("stack.rename", ["stack": old, "name": name])

        case "stack.add-layer":
            let i = try stackIndex(inv)
            guard let type = inv.args["type"] else {
                modal = .picker(Picker(purpose: .addLayer, items: LayerCatalog.types)); return out
            }
            let groupName = inv.args["group"] ?? stacks[i].group?.name ?? "C4"
            guard let g = PointGroup.named(groupName.uppercased()) else { throw CommandError("unknown group \(groupName)") }
            let count = stacks[i].spec.layers.count
            let at = try inv.int("at") ?? (count == 0 ? 0 : min(count, selectedLayer + 1))
            guard (0...count).contains(at) else { throw CommandError("at=\(at) is outside 0…\(count)") }
            let layer = try LayerCatalog.make(type, group: g, bandwidth: try inv.int("bandwidth") ?? bandwidth(before: at, in: stacks[i]))
            stacks[i].spec.layers.insert(layer, at: at)
            selected = i; selectedLayer = at
            out.logged = Invocation("stack.add-layer", ["stack": stacks[i].name, "type": type, "at": String(at), "group": g.name], spec: stacks[i].spec)
            setValidationStatus(i, did: "added \(type) at \(at)")
        case "stack.remove-layer":
            let i = try stackIndex(inv)
            let l = try layerIndex(inv, in: stacks[i])
            let removed = stacks[i].spec.layers.remove(at: l)
            selectedLayer = max(0, min(l, stacks[i].spec.layers.count - 1))
            out.logged = Invocation("stack.remove-layer", ["stack": stacks[i].name, "layer": String(l)], spec: stacks[i].spec)
            setValidationStatus(i, did: "removed \(removed.typeName)")
        case "stack.move-up", "stack.move-down":
            let i = try stackIndex(inv)
            let l = try layerIndex(inv, in: stacks[i])
            let to = inv.name == "stack.move-up" ? l - 1 : l + 1
            guard stacks[i].spec.layers.indices.contains(to) else { throw CommandError("layer \(l) cannot move further") }
            stacks[i].spec.layers.swapAt(l, to)
            selectedLayer = to
            out.logged = Invocation(inv.name, ["stack": stacks[i].name, "layer": String(l)], spec: stacks[i].spec)
            setValidationStatus(i, did: "moved layer \(l) to \(to)")
        case "stack.set-param":
            let i = try stackIndex(inv)
            let l = try layerIndex(inv, in: stacks[i])
            guard let p = inv.args["param"], let v = inv.args["value"] else { throw CommandError("stack.set-param needs param= and value=") }
            stacks[i] = try stacks[i].setting(p, to: v, layer: l)
            out.logged = Invocation("stack.set-param", ["stack": stacks[i].name, "layer": String(l), "param": p, "value": v], spec: stacks[i].spec)
            setValidationStatus(i, did: "layer \(l) \(p) = \(v)")
        case "stack.set-group":
            let i = try stackIndex(inv)
            let current = stacks[i].group ?? .c1
            let name: String
            if let g = inv.args["group"] { name = g.uppercased() } else {
                let all = PointGroup.all.map(\.name)
                name = all[((all.firstIndex(of: current.name) ?? 0) + 1) % all.count]
            }
            guard PointGroup.named(name) != nil else { throw CommandError("unknown group \(name); use C1, C2, C4, D1, D2 or D4") }
            var s = stacks[i]
            var changed = 0
            for (l, layer) in s.spec.layers.enumerated() {
                if case .lift = layer { s = try s.setting("group", to: name, layer: l); changed += 1 }
                if case .gconv = layer { s = try s.setting("group", to: name, layer: l); changed += 1 }
            }
            guard changed > 0 else { throw CommandError("\(s.name) has no lift/gconv layer to set a group on") }
            stacks[i] = s
            out.logged = Invocation("stack.set-group", ["stack": s.name, "group": name], spec: s.spec)
            setValidationStatus(i, did: "group \(name) on \(changed) layers")

        case "data.choose":
            data = try data.applying(inv.args)
            syncInputShapes()
            view.pair = (min(view.pair.0, data.train - 1), min(view.pair.1, data.train - 1))
            out.logged = Invocation("data.choose", data.arguments)
            setStatus("data: \(data.summary)" + (data.isAvailable ? "" : " — not in the cache; run make data"), error: !data.isAvailable)
            out.effects = missingComputations()

        case "job.gram":
            let i = try stackIndex(inv)
            if let e = stacks[i].validation { throw CommandError("\(stacks[i].name) is not valid: \(e)") }
            let c = Computation.gram(stacks[i], data)
            out.logged = Invocation("job.gram", ["stack": stacks[i].name, "hash": c.key])
            if results[c.key] != nil { setStatus("Gram \(stacks[i].name) is cached (\(c.key.prefix(8)))") } else {
                failures[c.key] = nil
                out.effects = [.start(c)]
                setStatus("started Gram \(stacks[i].name) on \(data.summary)")
            }
        case "job.cancel":
            let running = jobs.filter(\.isRunning)
            if inv.args["all"] == "yes" {
                out.effects = [.cancel(jobID: nil)]
            } else if let id = try inv.int("id") {
                out.effects = [.cancel(jobID: id)]
            } else if focus == .jobs, jobs.indices.contains(selectedJob), jobs[selectedJob].isRunning {
                out.effects = [.cancel(jobID: jobs[selectedJob].id)]
            } else if let last = running.last {
                out.effects = [.cancel(jobID: last.id)]
            } else {
                setStatus("no job is running"); return out
            }
            setStatus("cancelling…")

        case "view.qm9":
            var q = view.qm9
            let a = inv.args
            if let m = a["molecules"] {
                guard let src = QM9Choice.Source(rawValue: m) else { throw CommandError("molecules must be auto, synthetic or qm9, got \(m)") }
                q.source = src
            }
            if let text = a["sizes"] {
                let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let vals = parts.compactMap { Int($0) }
                guard !vals.isEmpty, vals.count == parts.count else { throw CommandError("sizes must be integers separated by commas, got \(text)") }
                q.trainSizes = vals
            }
            if let n = try inv.int("test") { q.testSize = n }
            if let n = try inv.int("pool") { q.pool = n }
            if let n = try inv.int("bandwidth") { q.bandwidth = n }
            if let c = a["conv"] {
                switch c.lowercased() {
                case "yes", "true", "1", "on": q.convolution = true
                case "no", "false", "0", "off": q.convolution = false
                default: throw CommandError("conv must be yes or no, got \(c)")
                }
            }
            if let d = a["diag_reg"] {
                guard let v = Double(d) else { throw CommandError("diag_reg must be a number, got \(d)") }
                q.diagReg = v
            }
            if let sd = a["seed"] {
                guard let v = UInt64(sd) else { throw CommandError("seed must be a non-negative integer, got \(sd)") }
                q.seed = v
            }
            if let k = a["kernel"] {
                guard let kk = KernelKind(rawValue: k) else { throw CommandError("kernel must be ntk or nngp, got \(k)") }
                view.kernel = kk
            }
            q = q.resolved()
            try q.validate()
            if q.source == .qm9, !QM9Choice.cacheHasQM9() {
                throw CommandError("QM9 is not in the data cache \(DataCache.directory()); run `make data` (scripts/fetch-qm9.sh), or molecules=synthetic")
            }
            view.kind = .qm9
            view.qm9 = q
            focus = .views
            out.logged = Invocation(inv.name, viewArguments(view))
            out.effects = missingComputations()
            setStatus("QM9 learning curve on \(q.sourceText)" + (out.effects.isEmpty ? "" : " — computing"))

        case "view.gram", "view.symmetry-blocks", "view.invariance", "view.spectrum", "view.learning-curve", "view.convergence",
             "view.augmentation":
            guard let kind = ViewKind(rawValue: String(inv.name.dropFirst(5))) else { throw CommandError("unknown view") }
            var v = view
            v.kind = kind
            if let k = inv.args["kernel"] {
                guard let kk = KernelKind(rawValue: k) else { throw CommandError("kernel must be ntk or nngp, got \(k)") }
                v.kernel = kk
            }
            if let i = try inv.int("i") { v.pair.0 = i }
            if let j = try inv.int("j") { v.pair.1 = j }
            if inv.args["layer"] == "auto" { v.layer = nil } else if let l = try inv.int("layer") { v.layer = l }
            if let g = inv.args["group"] {
                guard PointGroup.named(g.uppercased()) != nil else { throw CommandError("unknown group \(g)") }
                v.group = g.uppercased()
            }
            if let s = inv.args["sizes"] {
                let sizes = s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !sizes.isEmpty, sizes.count == s.split(separator: ",").count, sizes.allSatisfy({ $0 > 0 }) else {
                    throw CommandError("sizes must be positive integers separated by commas, got \(s)")
                }
                v.sizes = sizes
            }
            if let t = inv.args["t"] {
                if t == "inf" || t == "none" { v.time = nil } else {
                    guard let tv = Double(t), tv >= 0, tv.isFinite else { throw CommandError("t must be a non-negative number or inf, got \(t)") }
                    v.time = tv
                }
            }
            func list<T>(_ key: String, _ parse: (String) -> T?, _ ok: (T) -> Bool, _ what: String) throws -> [T]? {
                guard let text = inv.args[key] else { return nil }
                let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let vals = parts.compactMap(parse)
                guard !vals.isEmpty, vals.count == parts.count, vals.allSatisfy(ok) else {
                    throw CommandError("\(key) must be \(what) separated by commas, got \(text)")
                }
                return vals
            }
            if let w = try list("widths", { Int($0) }, { $0 >= 1 && $0 <= 4096 }, "widths in 1…4096") {
                guard w.count >= 2 else { throw CommandError("widths needs at least two widths to fit a slope, got \(w.count)") }
                v.widths = w
            }
            if let n = try inv.int("seeds") { guard n >= 1 else { throw CommandError("seeds must be ≥ 1, got \(n)") }; v.seedsPerGroup = n }
            if let n = try inv.int("groups") { guard n >= 1 else { throw CommandError("groups must be ≥ 1, got \(n)") }; v.groups = n }
            if let n = try inv.int("inputs") {
                guard n >= 2, n <= data.train else { throw CommandError("inputs must be in 2…\(data.train) (the training examples), got \(n)") }
                v.inputs = n
            }
            if let ts = try list("times", { Double($0) }, { $0 > 0 && $0.isFinite }, "positive times") { v.times = ts }
            try checkPair(v)
            view = v
            focus = .views
            out.logged = Invocation(inv.name, viewArguments(v))
            out.effects = missingComputations()
            setStatus("\(kind.title)" + (out.effects.isEmpty ? "" : " — computing \(out.effects.count) job(s)"))
        case "view.refresh":
            for c in computations(for: view) { failures[c.key] = nil }
            out.effects = missingComputations()
            setStatus(out.effects.isEmpty ? "\(view.kind.title) is up to date" : "computing \(out.effects.count) job(s) for \(view.kind.title)")
        case "view.kernel":
            if let k = inv.args["kernel"] {
                guard let kk = KernelKind(rawValue: k) else { throw CommandError("kernel must be ntk or nngp, got \(k)") }
                view.kernel = kk
            } else { view.kernel = view.kernel == .ntk ? .nngp : .ntk }
            out.logged = Invocation("view.kernel", ["kernel": view.kernel.rawValue])
            setStatus("showing \(view.kernel.symbol) (\(view.kernel.rawValue))")
        case "view.pair":
            var v = view
            if let i = try inv.int("i") { v.pair.0 = i }
            if let j = try inv.int("j") { v.pair.1 = j }
            try checkPair(v)
            view = v
            out.logged = Invocation("view.pair", ["i": String(v.pair.0), "j": String(v.pair.1)])
            out.effects = missingComputations()
            setStatus("pair (\(v.pair.0), \(v.pair.1))")
        case "view.layer":
            guard let s = currentStack else { throw CommandError("there is no stack") }
            if inv.args["layer"] == "auto" { view.layer = nil } else {
                guard let l = try inv.int("layer"), s.spec.layers.indices.contains(l) else {
                    throw CommandError("view.layer needs layer= within 0..<\(s.spec.layers.count) (or auto)")
                }
                view.layer = l
            }
            out.logged = Invocation("view.layer", ["layer": view.layer.map(String.init) ?? "auto"])
            out.effects = missingComputations()
        case "export":
            let dir = inv.args["dir"] ?? exportDirectory
            out.logged = Invocation("export", ["dir": dir])
            out.effects = [.export(directory: dir)]
        case "replay.step", "replay.toggle":
            guard replay != nil else { throw CommandError("no session is being replayed (entk replay FILE)") }
            if inv.name == "replay.toggle" { replay?.playing.toggle() } else { replay?.playing = false }
        default:
            throw CommandError("\(inv.name) is not implemented")
        }
        return out
    }

    /// The bandwidth of the features layer `at` of `s` would receive: the previous spherical
    /// layer's bandwidth_out, else the data's (L = H/2 of a [2L, 2L−1, C] input).
    func bandwidth(before at: Int, in s: NamedStack) -> Int {
        for layer in s.spec.layers[..<min(at, s.spec.layers.count)].reversed() {
            switch layer {
            case .s2Lift(let sc), .so3Conv(let sc): return sc.bandwidthOut
            default: continue
            }
        }
        return max(1, data.inputShape[0] / 2)
    }

    private func checkPair(_ v: ViewChoice) throws {
        let n = data.train * (data.augment.flatMap { ImageSymmetry.Group(rawValue: $0)?.elements.count } ?? 1)
        guard v.pair.0 >= 0, v.pair.1 >= 0, v.pair.0 < n, v.pair.1 < n else {
            throw CommandError("pair (\(v.pair.0), \(v.pair.1)) is outside the \(n) training examples")
        }
    }

    func viewArguments(_ v: ViewChoice) -> [String: String] {
        var a = ["kernel": v.kernel.rawValue]
        switch v.kind {
        case .symmetryBlocks:
            a["i"] = String(v.pair.0); a["j"] = String(v.pair.1); a["layer"] = v.layer.map(String.init) ?? "auto"
        case .invariance:
            a["i"] = String(v.pair.0); a["j"] = String(v.pair.1); a["group"] = invarianceGroup
        case .learningCurve:
            a["sizes"] = v.sizes.map(String.init).joined(separator: ","); a["t"] = v.time.map { "\($0)" } ?? "inf"
        case .convergence:
            a["widths"] = v.widths.map(String.init).joined(separator: ","); a["seeds"] = String(v.seedsPerGroup)
            a["groups"] = String(v.groups); a["inputs"] = String(v.inputs)
        case .augmentation:
            a["times"] = v.times.map { NumberText.short($0) }.joined(separator: ",")
        case .qm9:
            let q = v.qm9
            a["molecules"] = q.source.rawValue; a["sizes"] = q.trainSizes.map(String.init).joined(separator: ",")
            a["test"] = String(q.testSize); a["pool"] = String(q.pool); a["bandwidth"] = String(q.bandwidth)
            a["conv"] = q.convolution ? "yes" : "no"; a["diag_reg"] = "\(q.diagReg)"; a["seed"] = String(q.seed)
        default: break
        }
        return a
    }

    private mutating func setValidationStatus(_ i: Int, did: String) {
        if let e = stacks[i].validation { setStatus("\(stacks[i].name): \(did) — \(e)", error: true) } else {
            setStatus("\(stacks[i].name): \(did) ✓")
        }
    }

    // MARK: - Cursor and Enter, which depend on the focused pane

    private mutating func moveCursor(_ name: String) throws -> Outcome {
        let delta = (name == "cursor.up" || name == "cursor.left") ? -1 : 1
        let vertical = name == "cursor.up" || name == "cursor.down"
        switch focus {
        case .stack:
            if vertical {
                let n = currentStack?.spec.layers.count ?? 0
                selectedLayer = max(0, min(n - 1, selectedLayer + delta))
            } else {
                guard !stacks.isEmpty else { return Outcome() }
                let i = (selected + delta + stacks.count) % stacks.count
                return try runCommand(Invocation("stack.select", ["name": stacks[i].name]))
            }
        case .data:
            if vertical { dataField = max(0, min(DataChoice.fieldNames.count - 1, dataField + delta)) } else {
                let field = DataChoice.fieldNames[dataField]
                let next: String
                switch field {
                case "dataset":
                    let all = DataChoice.Source.allCases
                    next = all[((all.firstIndex(of: data.source) ?? 0) + delta + all.count) % all.count].rawValue
                case "augment":
                    let all = ["none"] + ImageSymmetry.Group.allCases.map(\.rawValue)
                    let cur = all.firstIndex(of: data.augment ?? "none") ?? 0
                    next = all[(cur + delta + all.count) % all.count]
                default:
                    let cur = Int(data.value(of: field)) ?? 0
                    next = String(max(0, cur + delta * (field == "train" || field == "test" ? 4 : 1)))
                }
                return try runCommand(Invocation("data.choose", [field: next]))
            }
        case .jobs:
            selectedJob = max(0, min(jobs.count - 1, selectedJob + (vertical ? delta : 0)))
        case .views:
            if vertical {
                guard let s = currentStack, !s.spec.layers.isEmpty else { return Outcome() }
                let cur = view.layer ?? AppState.defaultBlocksLayer(s) ?? 0
                let l = max(0, min(s.spec.layers.count - 1, cur - delta))
                return try runCommand(Invocation("view.layer", ["layer": String(l)]))
            } else {
                let n = data.train * (data.augment.flatMap { ImageSymmetry.Group(rawValue: $0)?.elements.count } ?? 1)
                let j = (view.pair.1 + delta + n) % max(1, n)
                return try runCommand(Invocation("view.pair", ["i": String(view.pair.0), "j": String(j)]))
            }
        }
        return Outcome()
    }

    private mutating func activate() throws {
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
