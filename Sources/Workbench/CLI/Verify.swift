import ArgumentParser
import Foundation
import NTKEngine

/// `entk verify PATH...` — checks entk against reference kernel files (FORMAT.md).
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare entk's kernels with reference JSON files (files or folders).",
        discussion: "One line per file with the max relative error of nngp and ntk, then 'N passed, M failed'. Exits 1 on any failure or unreadable file.")

    @Argument(help: "Reference .json files or folders of them.")
    var paths: [String]

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func run() throws {
        var files: [String] = []
        var failed = 0, passed = 0
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                print("FAIL \(p): no such file or folder"); failed += 1; continue
            }
            if isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: p)) ?? []
                files += names.filter { $0.hasSuffix(".json") }.sorted().map { (p as NSString).appendingPathComponent($0) }
            } else {
                files.append(p)
            }
        }
        for f in files {
            let name = (f as NSString).lastPathComponent
            do {
                let c = try ReferenceCase.load(path: f)
                let r = try c.check(threads: threads)
                let line = String(format: "%@ %@  nngp %.2e  ntk %.2e  (tolerance %.0e)", r.passed ? "PASS" : "FAIL", name, r.nngpError, r.ntkError, r.tolerance)
                print(line)
                if r.passed { passed += 1 } else { failed += 1 }
            } catch {
                print("FAIL \(name): \(error)")
                failed += 1
            }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
