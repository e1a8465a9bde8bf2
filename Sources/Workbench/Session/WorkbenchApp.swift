import Foundation
import NTKEngine
import Plotting
import TUI

/// The terminal front end of `WorkbenchLoop` (the interactive app and interactive replay):
/// one thread owns the screen; each turn draws the state and waits ≤ 50 ms for a key (≥ 20
/// fps while jobs run), or plays the next recorded command. Kernel work only ever runs on
/// Dispatch workers through `JobCenter`.
final class WorkbenchApp: LoopFrontEnd {
    let driver: SessionDriver
    let screen: any Screen
    let options: RenderOptions?
    private var lastStep = Date.distantPast
    private var maxFrames: Int?
    /// Complete views are rendered off the UI thread (large matrices take longer than a frame).
    let viewCache = ViewRenderCache()
    /// Frames drawn (the tmux test and `--frames` diagnostics read it).
    private(set) var frames = 0

    init(driver: SessionDriver, screen: any Screen, options: RenderOptions? = nil) {
        self.driver = driver; self.screen = screen; self.options = options
    }

    /// Runs until quit; `maxFrames` bounds the loop for FakeScreen tests.
    func run(maxFrames: Int? = nil) {
        self.maxFrames = maxFrames
        WorkbenchLoop.run(driver, self)
    }

    func next(_ driver: SessionDriver) -> LoopStep {
        if replayIsDue(driver.state) { return nextRecorded() }
        let frame = MainScreen.render(driver.state, width: screen.width, height: screen.height, options: options ?? screen.options,
                                      viewCache: viewCache)
        screen.draw(frame)
        frames += 1
        if let m = maxFrames, frames >= m { return .stop }
        guard let event = screen.nextEvent(timeoutMS: 50) else { return .idle }
        if driver.state.replay != nil, driver.state.modal == nil, event == .key(.char(" ")) {
            driver.state.replay?.playing = false
            return nextRecorded()
        }
        return .event(event)
    }

    /// Playing, the previous command's jobs are done and a short pause has passed (so each
    /// step is visible).
    private func replayIsDue(_ s: AppState) -> Bool {
        guard let r = s.replay, r.playing, !r.isFinished, s.runningJobs == 0 else { return false }
        return Date().timeIntervalSince(lastStep) > 0.4
    }

    /// Advances the replay cursor and hands its command to the loop (or idles at the end).
    private func nextRecorded() -> LoopStep {
        guard var r = driver.state.replay, !r.isFinished else { return .idle }
        let inv = r.commands[r.next], line = r.lines[r.next]
        r.next += 1
        driver.state.replay = r
        lastStep = Date()
        return .command(line: line, inv)
    }

    func replayed(line: Int, _ inv: Invocation, _ result: Result<Outcome, any Error>, driver: SessionDriver) {
        switch result {
        case .success:
            if !driver.state.statusIsError { driver.state.setStatus("line \(line): \(inv.name)") }
        case .failure(let error):
            driver.state.replay?.failed += 1
            driver.state.setStatus("line \(line): \(inv.name): \(error)", error: true)
        }
        if driver.state.replay?.isFinished == true { driver.state.replay?.playing = false }
    }
}
