import ArgumentParser

/// `entk open [FILE]` (also plain `entk`): the interactive workbench on a session.
struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the workbench on a session (default: the last one, else the demo).",
        discussion: "Commands are appended to FILE as you work (JSON Lines, fsync per line). Opening a demo-*.jsonl copies it to a new session under $XDG_STATE_HOME/entk/sessions first.")

    @Argument(help: "Session file (.jsonl); created if missing.")
    var file: String?

    @Option(help: "Worker threads for Gram jobs (default: config, else all cores).")
    var threads: Int?

    func run() throws { try Launcher.open(file, threads: threads) }
}
