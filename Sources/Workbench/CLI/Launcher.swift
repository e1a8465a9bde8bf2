import Foundation
import NTKEngine
import TUI

/// Opens the workbench on a session (shared by `entk`, `entk open` and `entk replay`).
enum Launcher {
    static func loadConfig() throws -> WorkbenchConfig {
        let (c, warnings) = try WorkbenchConfig.load(path: WorkbenchConfig.path())
        for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        return c
    }

    /// Which file `entk`/`entk open [FILE]` appends to, and which file seeds it.
    /// Demo sessions are never modified: opening one copies it to a new session first.
    static func resolveSession(_ requested: String?) throws -> (path: String, seedFrom: String?) {
        if let r = requested {
            guard FileManager.default.fileExists(atPath: r) else {
                // A new, empty session at the requested path.
                return (r, nil)
            }
            if (r as NSString).lastPathComponent.hasPrefix("demo-") { return (SessionPaths.newSession(), r) }
            return (r, nil)
        }
        if let last = SessionPaths.lastSession() { return (last, nil) }
        if let demos = SessionPaths.demoDirectory() { return (SessionPaths.newSession(), demos + "/demo-symmetry.jsonl") }
        return (SessionPaths.newSession(), nil)
    }

    /// Refuses early (before any session file is touched) when there is no terminal.
    static func requireTerminal() throws {
        guard isatty(0) != 0, isatty(1) != 0 else {
            throw UserError("the workbench needs a terminal; for scripts use: entk replay FILE --headless --out DIR")
        }
    }

    static func open(_ requested: String?, threads: Int?) throws {
        try requireTerminal()
        let config = try loadConfig()
        let (path, seed) = try resolveSession(requested)
        var state = AppState()
        var messages: [String] = []
        if let seed {
            guard let data = FileManager.default.contents(atPath: seed) else { throw UserError("cannot read \(seed)") }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(Array(data), to: path)
            messages.append("copied \((seed as NSString).lastPathComponent)")
        }
        let exists = FileManager.default.fileExists(atPath: path)
        var fresh = !exists
        var history: [String: String] = [:]
        if exists {
            let file: SessionFile
            do { file = try SessionFile.load(path: path) } catch { throw UserError("\(error)") }
            let errors = file.errors + SessionDriver.restore(file, into: &state)
            for e in errors { FileHandle.standardError.write(Data("warning: \(e)\n".utf8)) }
            if !errors.isEmpty { messages.append("\(errors.count) line(s) skipped — first: \(errors[0])") }
            fresh = file.commands.isEmpty
            history = AppState.jobHistory(file)
        }
        let log = try SessionLog(path: path, header: SessionFile.headerLine(seed: 0, terminal: terminalSize()))
        if fresh {
            // A new session starts with the default stacks, recorded so the log replays alone.
            state = AppState.initial()
            if !config.data.isEmpty, let d = try? state.data.applying(config.data) { state.data = d }
            log.record(Invocation("data.choose", state.data.arguments))
            for st in state.stacks { log.record(Invocation("stack.define", ["name": st.name], spec: st.spec)) }
            for i in state.stacks.indices { state.stacks[i].spec.inputShape = state.data.inputShape }
        }
        SessionPaths.remember(path)
        state.sessionName = (path as NSString).lastPathComponent
        state.exportDirectory = config.exportDirectory
        state.setStatus((messages + ["? help · : commands · g computes · q quits"]).joined(separator: " · "), error: messages.contains { $0.contains("skipped") })
        let cache = GramCache(directory: SessionPaths.cacheDirectory(forSession: path))
        // A new session computes its (small) default view at once; a reopened one starts only
        // what the Gram cache answers and asks before recomputing anything else.
        try runUI(state: state, log: log, cache: cache, threads: threads ?? config.threads, config: config,
                  start: fresh ? .all : .askUnlessCached(history))
        print("session: \(path)")
    }

    static func replayInteractive(_ path: String, threads: Int?) throws {
        try requireTerminal()
        let config = try loadConfig()
        let file: SessionFile
        do { file = try SessionFile.load(path: path) } catch { throw UserError("\(error)") }
        var state = AppState()
        state.sessionName = "replay " + (path as NSString).lastPathComponent
        let cmds = file.commands
        state.replay = ReplayCursor(commands: cmds.map(\.invocation), lines: cmds.map(\.line))
        if let e = file.errors.first { state.setStatus("\(file.errors.count) malformed line(s) skipped — \(e)", error: true) }
        let cache = GramCache(directory: SessionPaths.stateDirectory() + "/replay-cache")
        try runUI(state: state, log: nil, cache: cache, threads: threads ?? config.threads, config: config, start: .none)
    }

    /// What the workbench starts for the view it opens on.
    enum InitialJobs { case none, all, askUnlessCached([String: String]) }

    private static func runUI(state: AppState, log: SessionLog?, cache: GramCache, threads: Int?, config: WorkbenchConfig, start: InitialJobs) throws {
        let screen: NcursesScreen
        do { screen = try NcursesScreen() } catch { throw UserError("cannot open the terminal: \(error)") }
        defer { screen.shutdown() }
        let runner = ComputeRunner(cache: cache, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                   tileStore: .app(tileRows: config.tileRows))
        let center = JobCenter(runner: runner)
        let driver = SessionDriver(state: state, center: center, log: log)
        switch start {
        case .none: break
        case .all: driver.execute(driver.state.missingComputations())
        case .askUnlessCached(let history):
            driver.execute(driver.state.reopen(isCached: runner.isCached, history: history))
        }
        let app = WorkbenchApp(driver: driver, screen: screen, options: config.renderOptions(default: screen.options))
        app.run()
        center.cancel()
    }

    static func terminalSize() -> (Int, Int)? {
        var ws = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return nil }
        return (Int(ws.ws_col), Int(ws.ws_row))
    }
}
