import Foundation
import XCTest
import CellSurface
@testable import TUI

/// End-to-end test of `NcursesScreen` in a real (tmux) terminal.
///
/// The test bundle re-runs itself inside a detached tmux session with
/// `ENTK_TUI_CHILD=1`, filtered to `NcursesChildSession/testChild`, which opens the ncurses
/// screen, draws and echoes events. The parent drives it with `tmux send-keys` and reads the
/// pane with `capture-pane`. Processes are started with posix_spawn + waitpid and file
/// output: Foundation `Process` + tmux hangs (see the platform recipe §6).
final class NcursesE2ETests: XCTestCase {
    private let socket = "entk-tui-test-\(getpid())"

    private func run(_ args: [String]) -> (status: Int32, output: String) {
        let outPath = NSTemporaryDirectory() + "entk-tui-\(getpid())-\(UUID().uuidString).out"
        defer { unlink(outPath) }
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&fa, 1, 2)
        let env = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        var cenv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) }; cenv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, args[0], &fa, nil, &cargs, &cenv) == 0 else { return (-1, "spawn failed") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        return (status, out)
    }

    private func tmux(_ args: String...) -> String { run(["tmux", "-L", socket] + args).output }

    private func waitForPane(_ needle: String, escapes: Bool = false, timeout: Double = 20) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = escapes ? tmux("capture-pane", "-p", "-e", "-t", "S") : tmux("capture-pane", "-p", "-t", "S")
            if last.contains(needle) { return last }
            usleep(100_000)
        }
        XCTFail("timed out waiting for \(needle.debugDescription); pane:\n\(last)")
        return last
    }

    func testNcursesScreenInTmux() throws {
        guard run(["tmux", "-V"]).status == 0 else { throw XCTSkip("tmux not installed") }
        let bundle = CommandLine.arguments[0]
        guard FileManager.default.isExecutableFile(atPath: bundle) else { throw XCTSkip("test bundle is not an executable: \(bundle)") }
        defer { _ = tmux("kill-server") }
        let cmd = "env -u NO_COLOR -u COLORTERM -u ENTK_ASCII TERM=tmux-256color LANG=C.UTF-8 ENTK_TUI_CHILD=1 '\(bundle)' TUITests.NcursesChildSession/testChild; echo EXIT=$?; sleep 30"
        _ = tmux("-u", "new-session", "-d", "-s", "S", "-x", "70", "-y", "20", cmd)
        let pane = waitForPane("ENTK-E2E")
        XCTAssertTrue(pane.contains("▀⣿"), "wide characters garbled:\n\(pane)")
        XCTAssertTrue(pane.contains("size 70x20"), pane)
        let colored = waitForPane("ENTK-E2E", escapes: true)
        XCTAssertTrue(colored.contains("\u{1B}[38;5;196m"), "no 256-colour escape for pure red:\n\(colored.debugDescription)")
        _ = tmux("send-keys", "-t", "S", "x")
        _ = waitForPane("last: key(TUI.Key.char(\"x\"))")
        _ = tmux("send-keys", "-t", "S", "Down")
        _ = waitForPane("last: key(TUI.Key.down)")
        _ = tmux("send-keys", "-t", "S", "BTab")
        _ = waitForPane("last: key(TUI.Key.backTab)")
        _ = tmux("resize-window", "-t", "S", "-x", "60", "-y", "18")
        _ = waitForPane("size 60x18")
        _ = tmux("send-keys", "-t", "S", "C-c")
        let end = waitForPane("EXIT=0")
        XCTAssertTrue(end.contains("CHILD-DONE ctrl-c"), end)
    }
}

/// Runs only inside the tmux session started by `NcursesE2ETests`.
final class NcursesChildSession: XCTestCase {
    func testChild() throws {
        guard ProcessInfo.processInfo.environment["ENTK_TUI_CHILD"] == "1" else {
            throw XCTSkip("helper for NcursesE2ETests; runs only inside its tmux session")
        }
        let screen = try NcursesScreen()
        var last = "none"
        var quitByCtrlC = false
        let deadline = Date().addingTimeInterval(25)
        while Date() < deadline {
            var buf = screen.makeBuffer()
            buf.put("ENTK-E2E", x: 0, y: 0, style: .bold)
            buf[0, 1] = Cell("▀", fg: RGB(255, 0, 0), bg: RGB(0, 0, 255))
            buf[1, 1] = Cell("⣿", fg: RGB(0, 255, 0))
            buf.put("size \(screen.width)x\(screen.height) mode \(screen.options.colorMode)", x: 0, y: 2)
            buf.put("last: \(last)", x: 0, y: 3)
            screen.draw(buf)
            guard let e = screen.nextEvent(timeoutMS: 50) else { continue }
            if e == .key(.ctrlC) { quitByCtrlC = true; break }
            last = "\(e)"
        }
        screen.shutdown()
        print("CHILD-DONE \(quitByCtrlC ? "ctrl-c" : "timeout")")
        XCTAssertTrue(quitByCtrlC)
    }
}
