import NTKEngine

/// Choosing the data every stack is evaluated on.
enum DataCommands {
    static let all: [Command] = [
        Command("data.choose", "Choose data (dataset=, train=, test=, size=, classes=, seed=, augment=)", DataChoice.Change.self) { s, a in
            try s.chooseData(a)
        },
    ]
}

extension AppState {
    /// Keeps every stack's input shape equal to the data's, so jobs never see a mismatch.
    private mutating func syncInputShapes() {
        for i in stacks.indices { stacks[i].spec.inputShape = data.inputShape }
    }

    fileprivate mutating func chooseData(_ change: DataChoice.Change) throws -> Outcome {
        data = try data.applying(change)
        syncInputShapes()
        view.pair = (min(view.pair.0, data.train - 1), min(view.pair.1, data.train - 1))
        setStatus("data: \(data.summary)" + (data.isAvailable ? "" : " — not in the cache; run make data"), error: !data.isAvailable)
        return Outcome(effects: missingComputations(), logged: Invocation("data.choose", data.arguments))
    }
}

extension DataChoice.Change: CommandArguments {
    init(_ a: ArgumentReader) throws { try self.init(a.invocation.args) }
}
