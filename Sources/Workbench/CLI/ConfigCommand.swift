import ArgumentParser
import Foundation
import NTKEngine

/// `entk config [--init] [--force]`: show or create the workbench configuration.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the workbench configuration, or write a commented default with --init.")

    @Flag(help: "Write the commented default config file.")
    var `init` = false
    @Flag(help: "With --init: overwrite an existing file.")
    var force = false

    func run() throws {
        let path = WorkbenchConfig.path()
        if self.`init` {
            if FileManager.default.fileExists(atPath: path) && !force {
                throw UserError("\(path) exists; use --force to overwrite it")
            }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(Array(WorkbenchConfig.template.utf8), to: path)
            print("wrote \(path)")
            return
        }
        let exists = FileManager.default.fileExists(atPath: path)
        let (c, warnings): (WorkbenchConfig, [String])
        do { (c, warnings) = try WorkbenchConfig.load(path: path) } catch { throw UserError("\(error)") }
        print("config: \(path)\(exists ? "" : " (missing: defaults; entk config --init writes one)")")
        for w in warnings { print("warning: \(w)") }
        print("threads: \(c.threads.map(String.init) ?? "all cores")")
        print("color: \(c.color)")
        print("export_dir: \(c.exportDirectory)")
        print("data: \((try? DataChoice().applying(c.data))?.summary ?? "default")")
        print("sessions: \(SessionPaths.stateDirectory())/sessions, last: \(SessionPaths.lastSession() ?? "none")")
    }
}
