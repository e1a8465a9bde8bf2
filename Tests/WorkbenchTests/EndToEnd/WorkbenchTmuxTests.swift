import Foundation
import XCTest

/// Drives the real `entk` binary in a detached tmux session: open, add a layer, start a
/// job, see its progress, open help, cancel with Ctrl-C, quit. Processes are started with
/// posix_spawn + waitpid and file output (Foundation `Process` hangs with tmux).
/// Skipped when tmux is missing.
final class WorkbenchTmuxTests: XCTestCase {
    private let socket = "entk-wb-test-\(getpid())"

    @discardableResult
    private func run(_ args: [String]) -> (status: Int32, output: String) {
        let outPath = NSTemporaryDirectory() + "entk-wb-\(getpid())-\(UUID().uuidString).out"
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
        return (status, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
    }

    @discardableResult
    private func tmux(_ args: String...) -> String { run(["tmux", "-L", socket] + args).output }

    private func waitForPane(_ needle: String, timeout: Double = 30, target: String = "S") -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = tmux("capture-pane", "-p", "-t", target)
            if last.contains(needle) { return last }
            usleep(100_000)
        }
        XCTFail("timed out waiting for \(needle.debugDescription); pane:\n\(last)")
        return last
    }

    func testWorkbenchInTmux() throws {
        guard run(["tmux", "-V"]).status == 0 else { throw XCTSkip("tmux not installed; skipping the workbench end-to-end test") }
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("entk").path
        guard FileManager.default.isExecutableFile(atPath: bin) else { throw XCTSkip("entk binary not found next to the test bundle: \(bin)") }
        let dir = NSTemporaryDirectory() + "entk-wb-e2e-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let session = dir + "/e2e.jsonl"
        defer { tmux("kill-server") }
        let cmd = "cd '\(dir)' && env -u NO_COLOR TERM=tmux-256color LANG=C.UTF-8 XDG_STATE_HOME='\(dir)/state' XDG_CONFIG_HOME='\(dir)/config' ENTK_DATA_DIR='\(dir)/data' '\(bin)' open '\(session)' --threads 1; echo EXIT=$?; sleep 30"
        tmux("-u", "new-session", "-d", "-s", "S", "-x", "120", "-y", "36", cmd)

        var pane = waitForPane("Stack 1/2: cnn")
        XCTAssertTrue(pane.contains("Jobs") && pane.contains("Data"), pane)
        // Add a layer from the picker.
        tmux("send-keys", "-t", "S", "a")
        waitForPane("Add layer")
        tmux("send-keys", "-t", "S", "Enter")
        pane = waitForPane("added conv at 1")
        // A bigger dataset through the palette, then a Gram job with visible progress.
        tmux("send-keys", "-t", "S", ":")
        tmux("send-keys", "-t", "S", "-l", "data.choose train=150 size=10")
        tmux("send-keys", "-t", "S", "Enter")
        waitForPane("synthetic 10×10×1")
        tmux("send-keys", "-t", "S", "g")
        pane = waitForPane("1 running")
        pane = waitForPane("ETA")
        XCTAssertTrue(pane.contains("%"), pane)
        // Help opens while the job runs (the UI is not blocked).
        tmux("send-keys", "-t", "S", "?")
        waitForPane("keys and commands")
        tmux("send-keys", "-t", "S", "Escape")
        // Ctrl-C cancels the job, not the app.
        tmux("send-keys", "-t", "S", "C-c")
        pane = waitForPane("cancelled")
        XCTAssertFalse(pane.contains("EXIT="), pane)
        tmux("send-keys", "-t", "S", "q")
        pane = waitForPane("EXIT=0")
        XCTAssertTrue(pane.contains("session: \(session)"), pane)

        // Reopening the session does not restart the cancelled Gram silently: it asks, and
        // says how the last run ended (issue 14).
        let reopen = "cd '\(dir)' && env -u NO_COLOR TERM=tmux-256color LANG=C.UTF-8 XDG_STATE_HOME='\(dir)/state' XDG_CONFIG_HOME='\(dir)/config' '\(bin)' open '\(session)' --threads 1; echo EXIT=$?; sleep 30"
        tmux("-u", "new-session", "-d", "-s", "S2", "-x", "120", "-y", "36", reopen)
        pane = waitForPane("Compute?", target: "S2")
        XCTAssertTrue(pane.contains("cancelled after"), pane)
        XCTAssertFalse(pane.contains("1 running"), "nothing started before the answer:\n\(pane)")
        tmux("send-keys", "-t", "S2", "n")
        pane = waitForPane("r computes", target: "S2")
        XCTAssertFalse(pane.contains("1 running"), pane)
        tmux("send-keys", "-t", "S2", "q")
        waitForPane("EXIT=0", target: "S2")

        let log = try String(contentsOfFile: session, encoding: .utf8)
        for needle in ["\"entk_session\":1", "\"cmd\":\"stack.add-layer\"", "\"cmd\":\"data.choose\"", "\"cmd\":\"job.gram\"",
                       "\"event\":\"job.start\"", "\"status\":\"cancelled\""] {
            XCTAssertTrue(log.contains(needle), "session lacks \(needle):\n\(log)")
        }
    }
}
