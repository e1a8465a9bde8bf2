import Foundation
import TUI

/// What one turn of the workbench loop does, as chosen by its front end.
enum LoopStep {
    /// A key or resize from the terminal: routed through `AppState.handle`.
    case event(InputEvent)
    /// A recorded session command to replay (`line` locates it in the file).
    case command(line: Int, Invocation)
    /// Nothing this turn (no key within the frame time).
    case idle
    case stop
}

/// A front end of the one workbench loop: the terminal (`WorkbenchApp`: the interactive app
/// and interactive replay), headless replay (`HeadlessReplay`), or restoring a session's
/// state without running anything (`SessionDriver.restore`). The loop is the same for all
/// three; the front ends differ only in where the next step comes from and what they do
/// after a replayed command (draw, wait for jobs and export, collect errors).
protocol LoopFrontEnd: AnyObject {
    /// Called once per turn, after finished jobs were merged into `driver.state`.
    func next(_ driver: SessionDriver) -> LoopStep
    /// A `.command` step ran (or failed, state unchanged).
    func replayed(line: Int, _ inv: Invocation, _ result: Result<Outcome, any Error>, driver: SessionDriver)
}

/// The workbench loop: poll jobs, ask the front end for the next step, run it through the
/// driver; until the front end stops or a command quits.
enum WorkbenchLoop {
    static func run(_ driver: SessionDriver, _ frontEnd: some LoopFrontEnd) {
        while !driver.quitRequested {
            driver.poll()
            switch frontEnd.next(driver) {
            case .stop: return
            case .idle: continue
            case .event(let e): driver.apply(driver.state.handle(e))
            case .command(let line, let inv):
                let result = Result<Outcome, any Error> { try driver.replay(inv) }
                frontEnd.replayed(line: line, inv, result, driver: driver)
            }
        }
    }
}

/// Restoring: every recorded command in order, nothing executed; failed lines collected.
final class RestoreFrontEnd: LoopFrontEnd {
    private let file: SessionFile
    private let commands: [(line: Int, invocation: Invocation)]
    private var next = 0
    private(set) var errors: [SessionError] = []

    init(_ file: SessionFile) { self.file = file; commands = file.commands }

    func next(_ driver: SessionDriver) -> LoopStep {
        guard next < commands.count else { return .stop }
        defer { next += 1 }
        return .command(line: commands[next].line, commands[next].invocation)
    }

    func replayed(line: Int, _ inv: Invocation, _ result: Result<Outcome, any Error>, driver: SessionDriver) {
        if case .failure(let error) = result {
            errors.append(SessionError(file: file.path, line: line, message: "\(inv.name): \(error)"))
        }
    }
}
