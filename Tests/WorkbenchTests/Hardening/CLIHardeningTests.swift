import ArgumentParser
import Foundation
import NTKEngine
import XCTest
@testable import Workbench

/// Issue 14 reproducers through the CLI commands (in-process), plus the kill -9 test of the
/// kernel output pair (real `entk` binary in subprocesses).
final class CLIHardeningTests: XCTestCase {
    var dir: String = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "entk-harden-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func run(_ args: [String]) throws {
        var cmd = try Entk.parseAsRoot(args)
        try cmd.run()
    }

    func expectError(_ args: [String], _ words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(args), file: file, line: line) { e in
            let text = "\(e)"
            for w in words { XCTAssertTrue(text.contains(w), "missing \(w.debugDescription) in: \(text)", file: file, line: line) }
            XCTAssertFalse(text.contains("shape mismatch"), text, file: file, line: line)
        }
    }

    func writeSpec(_ json: String) throws -> String {
        let p = dir + "/spec.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    let cnn = #"{"input_shape": [4, 4, 1], "layers": [{"type": "conv", "filter": [3, 3], "W_std": 1.4, "b_std": 0.1}, {"type": "relu"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#

    func testPredictArgumentsGetTheirOwnMessages() throws {
        let spec = try writeSpec(cnn)
        var rng = SplitMix64(seed: 1)
        try NPY.write(try NPYArray(shape: [6, 4, 4, 1], data: (0..<96).map { _ in rng.gaussian() }), to: dir + "/x.npy")
        try NPY.write(try NPYArray(shape: [3, 4, 4, 1], data: (0..<48).map { _ in rng.gaussian() }), to: dir + "/xt.npy")
        try NPY.write(try NPYArray(shape: [6], data: [0, 1, 0, 1, 2, 2], dtype: .int64), to: dir + "/y.npy", as: .int64)
        let base = ["predict", "--spec", spec, "--train", dir + "/x.npy", "--labels", dir + "/y.npy", "--test", dir + "/xt.npy", "--quiet"]
        expectError(base + ["--t", "nan"], ["--t", "nan"])
        expectError(base + ["--t=-1"], ["--t", "-1"])
        expectError(base + ["--diag-reg", "nan"], ["--diag-reg", "nan"])
        // NaN test labels next to integer train labels: an error naming the file, not a trap.
        try NPY.write(try NPYArray(shape: [3], data: [0, .nan, 1]), to: dir + "/yt.npy")
        expectError(base + ["--test-labels", dir + "/yt.npy"], ["yt.npy", "label 1"])
        // 4-D float images passed as --labels.
        expectError(["predict", "--spec", spec, "--train", dir + "/x.npy", "--labels", dir + "/x.npy", "--test", dir + "/xt.npy", "--quiet"], ["x.npy", "(N,) or (N, K)"])
        // NCHW inputs with the right element count.
        try NPY.write(try NPYArray(shape: [6, 1, 4, 4], data: (0..<96).map(Double.init)), to: dir + "/nchw.npy")
        try NPY.write(try NPYArray(shape: [6, 2, 2, 4], data: (0..<96).map(Double.init)), to: dir + "/wrong.npy")
        expectError(["kernel", "--spec", spec, "--x1", dir + "/wrong.npy", "--out", dir + "/k", "--quiet"], ["wrong.npy", "(6, 2, 2, 4)", "[4, 4, 1]"])
        XCTAssertNoThrow(try run(base))
    }

    func testSpecErrorsNameTheFile() throws {
        let spec = try writeSpec(#"{"input_shape": [4, 4, 1], "layers": [{"type": "conv", "filter": [3, 3]}, {"type": "dense"}]}"#)
        try NPY.write(try NPYArray(shape: [2, 4, 4, 1], data: [Double](repeating: 1, count: 32)), to: dir + "/x.npy")
        expectError(["kernel", "--spec", spec, "--x1", dir + "/x.npy", "--out", dir + "/k"], [spec, "layers[1].type"])
        let bad = try writeSpec("{\n  \"input_shape\": [4, 4, 1],\n  \"layers\": [}\n")
        expectError(["kernel", "--spec", bad, "--x1", dir + "/x.npy", "--out", dir + "/k"], [bad, "line 3, column 14"])
    }

    /// `view.augmentation times=1e308` used to trap in Ticks when the view was drawn; the
    /// session is also saved with CRLF line ends, which used to be rejected whole.
    func testHeadlessReplayOfHugeAugmentationTimesWithCRLF() throws {
        let lines = [#"{"entk":"0.1.0","entk_session":1,"seed":0}"#,
                     #"{"cmd":"data.choose","args":{"dataset":"synthetic","train":"3","test":"2","size":"5","classes":"2","seed":"3","augment":"none"}}"#,
                     #"{"cmd":"stack.new","args":{"name":"gcnn-c4","preset":"gcnn-c4"}}"#,
                     #"{"cmd":"view.augmentation","args":{"kernel":"ntk","times":"1e308"}}"#]
        let session = dir + "/aug.jsonl"
        try Data((lines.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: session))
        try run(["replay", session, "--headless", "--out", dir + "/out", "--threads", "1", "--quiet"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/01-augmentation-gcnn-c4.png"))
    }

    /// b_std 1e308 used to give an all-NaN Gram that `view.gram` showed as ok; now the job
    /// fails with the layer where the kernel stopped being finite.
    func testWorkbenchGramOfNonFiniteKernelFailsNamingTheLayer() throws {
        let path = dir + "/nan.jsonl"
        try """
        {"entk_session":1}
        {"cmd":"data.choose","args":{"train":"3","size":"6"}}
        {"cmd":"stack.new","args":{"name":"a","preset":"cnn"}}
        {"cmd":"stack.set-param","args":{"layer":"0","param":"b_std","value":"1e308"}}
        {"cmd":"view.gram"}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try HeadlessReplay.run(path: path, out: dir + "/out", threads: 1)
        XCTAssertEqual(r.failed, 1)
        let err = r.steps.last?.error ?? ""
        XCTAssertTrue(err.contains("non-finite") && err.contains("layers[0]"), err)
    }

    func testKernelCommitsThePairTogetherAndKeepsOtherFiles() throws {
        let spec = try writeSpec(cnn)
        try NPY.write(try NPYArray(shape: [3, 4, 4, 1], data: (0..<48).map { Double($0 % 5) }), to: dir + "/x.npy")
        let out = dir + "/k"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
        // A temp folder left by a killed run (PID that cannot exist) and an old-style temp file.
        try FileManager.default.createDirectory(atPath: dir + "/.k.tmp-2147483646-DEAD", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: out + "/.ntk.npy.tmp-3F2504E0-4F89-11D3-9A0C-0305E82C3301"))
        try run(["kernel", "--spec", spec, "--x1", dir + "/x.npy", "--out", out, "--quiet"])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)), ["nngp.npy", "ntk.npy", "notes.txt"])
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix(".k.tmp-") })
        XCTAssertEqual(try NPY.read(path: out + "/ntk.npy").shape, [3, 3])
        // The folder is swapped as a whole: one with subfolders is refused, not copied.
        try FileManager.default.createDirectory(atPath: dir + "/mixed/data", withIntermediateDirectories: true)
        expectError(["kernel", "--spec", spec, "--x1", dir + "/x.npy", "--out", dir + "/mixed", "--quiet"], ["mixed", "subfolders"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/mixed/data"))
    }

    /// kill -9 at ≥ 10 random points of `entk kernel` runs that each rewrite the same folder
    /// with inputs scaled by a different c: a ReLU stack without biases scales K and Θ by c²,
    /// so nngp[0,0]/ntk[0,0] is the same for every run (to rounding) and a mixed pair shows a
    /// ratio (c_a/c_b)² ≥ (3/4)² times off. After the kills one clean run must leave no temp folder or file behind.
    func testKillNineNeverLeavesAMismatchedPairOrStaleTemporaries() throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("entk").path
        guard FileManager.default.isExecutableFile(atPath: bin) else { throw XCTSkip("entk binary not found next to the test bundle: \(bin)") }
        let spec = try writeSpec(#"{"input_shape": [6], "layers": [{"type": "dense", "W_std": 1.3, "b_std": 0}, {"type": "relu"}, {"type": "dense", "W_std": 1, "b_std": 0}]}"#)
        var rng = SplitMix64(seed: 9)
        let n = 700
        let base = (0..<(n * 6)).map { _ in rng.gaussian() }
        for c in 1...4 {
            try NPY.write(try NPYArray(shape: [n, 6], data: base.map { $0 * Double(c) }), to: dir + "/x\(c).npy")
        }
        let out = dir + "/pair"
        func spawn(_ c: Int) -> pid_t {
            var pid: pid_t = 0
            let args = [bin, "kernel", "--spec", spec, "--x1", dir + "/x\(c).npy", "--out", out, "--quiet", "--threads", "1"]
            var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
            defer { cargs.forEach { free($0) } }
            var fa = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&fa)
            defer { posix_spawn_file_actions_destroy(&fa) }
            posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)
            guard posix_spawn(&pid, bin, &fa, nil, &cargs, environ) == 0 else { return -1 }
            return pid
        }
        func wait(_ pid: pid_t) -> Int32 { var st: Int32 = 0; waitpid(pid, &st, 0); return st }
        var reference = 0.0
        func checkPair() throws {
            guard FileManager.default.fileExists(atPath: out + "/nngp.npy") || FileManager.default.fileExists(atPath: out + "/ntk.npy") else { return }
            let k = try NPY.read(path: out + "/nngp.npy"), t = try NPY.read(path: out + "/ntk.npy")
            XCTAssertEqual(k.shape, t.shape)
            let ratio = k.data[0] / t.data[0]
            XCTAssertEqual(ratio, reference, accuracy: 1e-6 * abs(reference), "mismatched nngp/ntk pair")
        }
        // Reference ratio from one complete run; time it to place the kills.
        let t0 = Date()
        XCTAssertEqual(wait(spawn(1)), 0)
        let full = max(Date().timeIntervalSince(t0), 0.05)
        let k = try NPY.read(path: out + "/nngp.npy"), t = try NPY.read(path: out + "/ntk.npy")
        reference = k.data[0] / t.data[0]
        // Kill points uniform over the run (timing on a loaded machine varies, so keep going
        // until 12 runs were really killed, at most 40 attempts).
        var kills = 0, round = 0
        while kills < 12 && round < 40 {
            let pid = spawn(2 + round % 3)
            usleep(UInt32(rng.uniform() * full * 1e6))
            kill(pid, SIGKILL)
            if wait(pid) & 0x7F == SIGKILL { kills += 1 }
            try checkPair()
            round += 1
        }
        XCTAssertGreaterThanOrEqual(kills, 10, "too few runs were killed before finishing")
        XCTAssertEqual(wait(spawn(3)), 0)
        try checkPair()
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }
            + FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }
}

/// Issue 14: a session file saved with CRLF line ends loads like the LF one.
final class SessionCRLFTests: XCTestCase {
    func testCRLFSessionLoads() {
        let lines = [#"{"entk_session":1,"entk":"0.1.0","seed":2}"#,
                     #"{"cmd":"stack.new","args":{"name":"a","preset":"cnn"}}"#,
                     #"{"cmd":"view.spectrum","args":{"kernel":"nngp"}}"#]
        let lf = SessionFile.parse(lines.joined(separator: "\n") + "\n", path: "s.jsonl")
        let crlf = SessionFile.parse(lines.joined(separator: "\r\n") + "\r\n", path: "s.jsonl")
        XCTAssertEqual(crlf.errors, [])
        XCTAssertEqual(crlf.seed, 2)
        XCTAssertEqual(crlf.commands.map(\.invocation), lf.commands.map(\.invocation))
        XCTAssertEqual(crlf.commands.map(\.line), [2, 3])
    }
}

/// Found by the session fuzzer: `view.qm9 test=9223372036854775807` overflowed test + size.
final class QM9ArgumentOverflowTests: XCTestCase {
    func testHugeSizesAreRefusedNotTrapped() {
        for args in [["test": "9223372036854775807"], ["sizes": "9223372036854775807"], ["pool": "9223372036854775807", "molecules": "synthetic"]] {
            var s = AppState()
            let before = s.view
            XCTAssertThrowsError(try s.perform(Invocation("view.qm9", args)), "\(args)") { e in
                XCTAssertTrue("\(e)".contains("at most 200000"), "\(e)")
            }
            XCTAssertEqual(s.view, before)
        }
    }
}
