import ArgumentParser
import Foundation

/// `entk replay FILE [--headless --out DIR]`.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a session: interactively (Space steps, p plays/pauses) or headless.",
        discussion: "--headless runs without a terminal, waits for every job, writes each view visited as PNG, SVG, PDF, CSV (+ .npy, .txt) and summary.json into --out, and exits 1 if any line or command failed.")

    @Argument(help: "Session file (.jsonl).")
    var file: String
    @Flag(help: "Run without a terminal.")
    var headless = false
    @Option(help: "Output folder for --headless.")
    var out: String?
    @Option(help: "Worker threads (default: config, else all cores).")
    var threads: Int?
    @Flag(help: "Only print failures.")
    var quiet = false

    func validate() throws {
        if headless && out == nil { throw ValidationError("--headless needs --out DIR") }
        if !headless && out != nil { throw ValidationError("--out only applies with --headless") }
    }

    func run() throws {
        guard headless, let out else { return try Launcher.replayInteractive(file, threads: threads) }
        let config = try Launcher.loadConfig()
        let t = threads ?? config.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let quiet = self.quiet
        let report: HeadlessReplay.Report
        // Ctrl-C cancels the running jobs; the summary is still written.
        let interrupt = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let sigint = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        sigint.setEventHandler { interrupt.raise() }
        sigint.resume()
        defer { sigint.cancel(); signal(SIGINT, SIG_DFL) }
        do {
            report = try HeadlessReplay.run(path: file, out: out, threads: t, tileStore: .app(tileRows: config.tileRows),
                                            interrupt: interrupt) { line in
                if !quiet || line.hasPrefix("error") { print(line) }
            }
        } catch { throw UserError("\(error)") }
        print(String(format: "%d commands, %d failed, %d files, %.1fs → %@/summary.json", report.steps.count, report.failed,
                     report.files.count, report.seconds, out))
        if interrupt.isRaised { throw ExitCode(130) }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
