import Foundation
import NTKEngine
import Plotting
import TUI

/// The interactive loop: one thread owns the screen; each frame polls jobs, advances an
/// interactive replay, draws the state and waits ≤ 50 ms for a key (≥ 20 fps while jobs
/// run). Kernel work only ever runs on Dispatch workers through `JobCenter`.
final class WorkbenchApp {
    let driver: SessionDriver
    let screen: any Screen
    let options: RenderOptions?
    private var lastStep = Date.distantPast
    /// Complete views are rendered off the UI thread (large matrices take longer than a frame).
    let viewCache = ViewRenderCache()
    /// Frames drawn (the tmux test and `--frames` diagnostics read it).
    private(set) var frames = 0

    init(driver: SessionDriver, screen: any Screen, options: RenderOptions? = nil) {
        self.driver = driver; self.screen = screen; self.options = options
    }

    /// Runs until quit; `maxFrames` bounds the loop for FakeScreen tests.
    func run(maxFrames: Int? = nil) {
        while !driver.quitRequested {
            driver.poll()
            advanceReplay()
            let frame = MainScreen.render(driver.state, width: screen.width, height: screen.height, options: options ?? screen.options, viewCache: viewCache)
            screen.draw(frame)
            frames += 1
            if let m = maxFrames, frames >= m { break }
            guard let event = screen.nextEvent(timeoutMS: 50) else { continue }
            if driver.state.replay != nil, driver.state.modal == nil, event == .key(.char(" ")) {
                driver.state.replay?.playing = false
                step()
                continue
            }
            driver.apply(driver.state.handle(event))
        }
    }

    /// Plays the next recorded command when playing, the previous one's jobs are done and
    /// a short pause has passed (so each step is visible).
    private func advanceReplay() {
        guard let r = driver.state.replay, r.playing, !r.isFinished, driver.state.runningJobs == 0,
              Date().timeIntervalSince(lastStep) > 0.4 else { return }
        step()
    }

    private func step() {
        guard var r = driver.state.replay, !r.isFinished else { return }
        let inv = r.commands[r.next], line = r.lines[r.next]
        r.next += 1
        driver.state.replay = r
        lastStep = Date()
        do {
            var o = try driver.state.perform(inv)
            driver.state.modal = nil
            o.effects.removeAll { if case .quit = $0 { return true }; return false }
            driver.execute(o.effects)
            if !driver.state.statusIsError { driver.state.setStatus("line \(line): \(inv.name)") }
        } catch {
            driver.state.replay?.failed += 1
            driver.state.setStatus("line \(line): \(inv.name): \(error)", error: true)
        }
        if driver.state.replay?.isFinished == true { driver.state.replay?.playing = false }
    }
}
