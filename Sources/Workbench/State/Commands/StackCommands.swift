import NTKEngine
import TUI

/// Creating, selecting and editing layer stacks. Every edit records the resulting spec in
/// the session line, so a log is readable on its own.
enum StackCommands {
    static let all: [Command] = [
        Command("stack.new", keys: [.char("n")], "New stack from a preset (name=, preset=cnn|gcnn-c4|gcnn-d4|gcnn-c2|mlp|empty)",
                NewArguments.self) { s, a in try s.newStack(a) },
        Command("stack.define", "Define or replace a stack from spec JSON (name=, spec)", DefineArguments.self) { s, a in s.define(a) },
        Command("stack.select", keys: [.char("]")], "Select the next stack (name= selects by name)", SelectArguments.self) { s, a in
            try s.select(a)
        },
        Command("stack.select-prev", keys: [.char("[")], logged: false, "Select the previous stack") { s in
            guard !s.stacks.isEmpty else { throw CommandError("there is no stack") }
            return try s.dispatch(Invocation("stack.select", ["name": s.stacks[(s.selected + s.stacks.count - 1) % s.stacks.count].name]))
        },
        Command("stack.delete", keys: [.char("D")], pane: .stack, "Delete the selected stack", StackArguments.self) { s, a in
            try s.deleteStack(a)
        },
        Command("stack.rename", "Rename the selected stack (name=)", RenameArguments.self) { s, a in try s.rename(a) },
        Command("stack.add-layer", keys: [.char("a")], pane: .stack, "Add a layer after the selection (type=, at=, group=)",
                AddLayerArguments.self) { s, a in try s.addLayer(a) },
        Command("stack.remove-layer", keys: [.char("x"), .delete], pane: .stack, "Remove the selected layer (layer=)",
                LayerArguments.self) { s, a in try s.removeLayer(a) },
        Command("stack.move-up", keys: [.char("K")], pane: .stack, "Move the selected layer up (layer=)", LayerArguments.self) { s, a in
            try s.moveLayer(a, by: -1, command: "stack.move-up")
        },
        Command("stack.move-down", keys: [.char("J")], pane: .stack, "Move the selected layer down (layer=)", LayerArguments.self) { s, a in
            try s.moveLayer(a, by: 1, command: "stack.move-down")
        },
        Command("stack.set-param", "Set a layer parameter (layer=, param=, value=); Enter on a layer opens the editor",
                SetParamArguments.self) { s, a in try s.setParam(a) },
        Command("stack.set-group", keys: [.char("G")], pane: .stack,
                "Set the group of every lift/gconv layer (group=C1|C2|C4|D1|D2|D4; key cycles)", SetGroupArguments.self) { s, a in
            try s.setGroup(a)
        },
    ]

    /// `stack=` names the stack to act on (default: the selected one).
    struct StackArguments: CommandArguments {
        var stack: String?
        init(_ a: ArgumentReader) { stack = a.string("stack") }
    }

    struct NewArguments: CommandArguments {
        /// nil opens the preset picker.
        var preset: String?
        var name: String?
        init(_ a: ArgumentReader) { preset = a.string("preset"); name = a.string("name") }
    }

    struct DefineArguments: CommandArguments {
        var name: String
        var spec: ArchitectureSpec
        init(_ a: ArgumentReader) throws {
            guard let name = a.string("name"), !name.isEmpty else { throw CommandError("stack.define needs name=") }
            guard let spec = a.spec else { throw CommandError("stack.define needs a \"spec\" object (the architecture JSON)") }
            self.name = name; self.spec = spec
        }
    }

    struct SelectArguments: CommandArguments {
        /// nil selects the next stack.
        var name: String?
        init(_ a: ArgumentReader) { name = a.string("name") }
    }

    struct RenameArguments: CommandArguments {
        var stack: StackArguments
        var name: String?
        init(_ a: ArgumentReader) { stack = StackArguments(a); name = a.string("name") }
    }

    struct AddLayerArguments: CommandArguments {
        var stack: StackArguments
        /// nil opens the layer-type picker.
        var type: String?
        var group: String?
        var at: Int?
        var bandwidth: Int?
        init(_ a: ArgumentReader) throws {
            stack = StackArguments(a); type = a.string("type"); group = a.string("group")
            at = try a.int("at"); bandwidth = try a.int("bandwidth")
        }
    }

    /// `layer=` (default: the selected layer).
    struct LayerArguments: CommandArguments {
        var stack: StackArguments
        var layer: Int?
        init(_ a: ArgumentReader) throws { stack = StackArguments(a); layer = try a.int("layer") }
    }

    struct SetParamArguments: CommandArguments {
        var target: LayerArguments
        var param: String?
        var value: String?
        init(_ a: ArgumentReader) throws { target = try LayerArguments(a); param = a.string("param"); value = a.string("value") }
    }

    struct SetGroupArguments: CommandArguments {
        var stack: StackArguments
        /// Upper-cased; nil cycles to the next group.
        var group: String?
        init(_ a: ArgumentReader) { stack = StackArguments(a); group = a.string("group")?.uppercased() }
    }
}

extension AppState {
    func stackIndex(_ a: StackCommands.StackArguments) throws -> Int {
        if let name = a.stack {
            guard let i = stacks.firstIndex(where: { $0.name == name }) else { throw CommandError("no stack named \"\(name)\"") }
            return i
        }
        guard stacks.indices.contains(selected) else { throw CommandError("there is no stack; create one with n (stack.new)") }
        return selected
    }

    private func layerIndex(_ layer: Int?, in s: NamedStack) throws -> Int {
        let l = layer ?? selectedLayer
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

    private mutating func setValidationStatus(_ i: Int, did: String) {
        if let e = stacks[i].validation { setStatus("\(stacks[i].name): \(did) — \(e)", error: true) } else {
            setStatus("\(stacks[i].name): \(did) ✓")
        }
    }

    fileprivate mutating func newStack(_ a: StackCommands.NewArguments) throws -> Outcome {
        guard let preset = a.preset else {
            modal = .picker(Picker(purpose: .newStack, items: StackPresets.names)); return Outcome()
        }
        let spec = try StackPresets.make(preset, inputShape: data.inputShape)
        let name = a.name ?? uniqueName(preset)
        guard !stacks.contains(where: { $0.name == name }) else { throw CommandError("a stack named \"\(name)\" exists already") }
        stacks.append(NamedStack(name: name, spec: spec))
        selected = stacks.count - 1; selectedLayer = 0
        setStatus("new stack \(name) (\(preset))")
        return Outcome(logged: Invocation("stack.new", ["name": name, "preset": preset]))
    }

    fileprivate mutating func define(_ a: StackCommands.DefineArguments) -> Outcome {
        var spec = a.spec
        spec.inputShape = data.inputShape
        if let i = stacks.firstIndex(where: { $0.name == a.name }) { stacks[i].spec = spec; selected = i } else {
            stacks.append(NamedStack(name: a.name, spec: spec)); selected = stacks.count - 1
        }
        selectedLayer = 0
        setStatus("defined stack \(a.name)")
        return Outcome()
    }

    fileprivate mutating func select(_ a: StackCommands.SelectArguments) throws -> Outcome {
        guard !stacks.isEmpty else { throw CommandError("there is no stack") }
        let i: Int
        if let name = a.name {
            guard let k = stacks.firstIndex(where: { $0.name == name }) else { throw CommandError("no stack named \"\(name)\"") }
            i = k
        } else { i = (selected + 1) % stacks.count }
        selected = i; selectedLayer = 0
        return Outcome(effects: missingComputations(), logged: Invocation("stack.select", ["name": stacks[i].name]))
    }

    fileprivate mutating func deleteStack(_ a: StackCommands.StackArguments) throws -> Outcome {
        let i = try stackIndex(a)
        let name = stacks[i].name
        stacks.remove(at: i)
        selected = min(selected, max(0, stacks.count - 1)); selectedLayer = 0
        setStatus("deleted stack \(name)")
        return Outcome(logged: Invocation("stack.delete", ["stack": name]))
    }

    fileprivate mutating func rename(_ a: StackCommands.RenameArguments) throws -> Outcome {
        let i = try stackIndex(a.stack)
        guard let name = a.name, !name.isEmpty else { throw CommandError("stack.rename needs name=") }
        guard !stacks.contains(where: { $0.name == name }) else { throw CommandError("a stack named \"\(name)\" exists already") }
        let old = stacks[i].name
        stacks[i].name = name
        return Outcome(logged: Invocation("stack.rename", ["stack": old, "name": name]))
    }

    fileprivate mutating func addLayer(_ a: StackCommands.AddLayerArguments) throws -> Outcome {
        let i = try stackIndex(a.stack)
        guard let type = a.type else {
            modal = .picker(Picker(purpose: .addLayer, items: LayerCatalog.types)); return Outcome()
        }
        let groupName = a.group ?? stacks[i].group?.name ?? "C4"
        guard let g = PointGroup.named(groupName.uppercased()) else { throw CommandError("unknown group \(groupName)") }
        let count = stacks[i].spec.layers.count
        let at = a.at ?? (count == 0 ? 0 : min(count, selectedLayer + 1))
        guard (0...count).contains(at) else { throw CommandError("at=\(at) is outside 0…\(count)") }
        let layer = try LayerCatalog.make(type, group: g, bandwidth: a.bandwidth ?? bandwidth(before: at, in: stacks[i]))
        stacks[i].spec.layers.insert(layer, at: at)
        selected = i; selectedLayer = at
        setValidationStatus(i, did: "added \(type) at \(at)")
        return Outcome(logged: Invocation("stack.add-layer", ["stack": stacks[i].name, "type": type, "at": String(at), "group": g.name],
                                          spec: stacks[i].spec))
    }

    fileprivate mutating func removeLayer(_ a: StackCommands.LayerArguments) throws -> Outcome {
        let i = try stackIndex(a.stack)
        let l = try layerIndex(a.layer, in: stacks[i])
        let removed = stacks[i].spec.layers.remove(at: l)
        selectedLayer = max(0, min(l, stacks[i].spec.layers.count - 1))
        setValidationStatus(i, did: "removed \(removed.typeName)")
        return Outcome(logged: Invocation("stack.remove-layer", ["stack": stacks[i].name, "layer": String(l)], spec: stacks[i].spec))
    }

    fileprivate mutating func moveLayer(_ a: StackCommands.LayerArguments, by step: Int, command: String) throws -> Outcome {
        let i = try stackIndex(a.stack)
        let l = try layerIndex(a.layer, in: stacks[i])
        let to = l + step
        guard stacks[i].spec.layers.indices.contains(to) else { throw CommandError("layer \(l) cannot move further") }
        stacks[i].spec.layers.swapAt(l, to)
        selectedLayer = to
        setValidationStatus(i, did: "moved layer \(l) to \(to)")
        return Outcome(logged: Invocation(command, ["stack": stacks[i].name, "layer": String(l)], spec: stacks[i].spec))
    }

    fileprivate mutating func setParam(_ a: StackCommands.SetParamArguments) throws -> Outcome {
        let i = try stackIndex(a.target.stack)
        let l = try layerIndex(a.target.layer, in: stacks[i])
        guard let p = a.param, let v = a.value else { throw CommandError("stack.set-param needs param= and value=") }
        stacks[i] = try stacks[i].setting(p, to: v, layer: l)
        setValidationStatus(i, did: "layer \(l) \(p) = \(v)")
        return Outcome(logged: Invocation("stack.set-param", ["stack": stacks[i].name, "layer": String(l), "param": p, "value": v],
                                          spec: stacks[i].spec))
    }

    fileprivate mutating func setGroup(_ a: StackCommands.SetGroupArguments) throws -> Outcome {
        let i = try stackIndex(a.stack)
        let current = stacks[i].group ?? .c1
        let name: String
        if let g = a.group { name = g } else {
            let all = PointGroup.all.map(\.name)
            name = all[((all.firstIndex(of: current.name) ?? 0) + 1) % all.count]
        }
        guard PointGroup.named(name) != nil else { throw CommandError("unknown group \(name); use C1, C2, C4, D1, D2 or D4") }
        var s = stacks[i]
        var changed = 0
        // Every layer whose description has a `group` field (lift, gconv).
        for (l, layer) in s.spec.layers.enumerated() where layer.editableFields.contains(where: { $0.key == "group" }) {
            s = try s.setting("group", to: name, layer: l); changed += 1
        }
        guard changed > 0 else { throw CommandError("\(s.name) has no lift/gconv layer to set a group on") }
        stacks[i] = s
        setValidationStatus(i, did: "group \(name) on \(changed) layers")
        return Outcome(logged: Invocation("stack.set-group", ["stack": s.name, "group": name], spec: s.spec))
    }

    /// The bandwidth of the features layer `at` of `s` would receive: the previous spherical
    /// layer's bandwidth_out, else the data's (L = H/2 of a [2L, 2L−1, C] input).
    func bandwidth(before at: Int, in s: NamedStack) -> Int {
        for layer in s.spec.layers[..<min(at, s.spec.layers.count)].reversed() {
            if case .integer(let b)? = layer.editableFields.first(where: { $0.key == "bandwidth_out" })?.value { return b }
        }
        return max(1, data.inputShape[0] / 2)
    }
}
