import ArgumentParser
import Foundation
import NTKEngine
import XCTest
@testable import Workbench

/// `entk kernel --store/--shard/--assemble`, kill -9 resumption and MPI, through the CLI and
/// the built binary. Expected matrices: the plain (store-less) `entk kernel` / GramEngine.
final class StoreCommandTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "entk-storecli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    static let specJSON = #"{"input_shape": [4, 4, 1], "layers": [{"type": "lift", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"}, {"type": "gconv", "group": "C4", "filter": [3, 3], "padding": "circular", "W_std": 1.3, "b_std": 0.1}, {"type": "relu"}, {"type": "group_pool"}, {"type": "dense"}]}"#

    func run(_ args: [String]) throws {
        var cmd = try Entk.parseAsRoot(args)
        try cmd.run()
    }

    /// spec.json and x.npy with `n` random 4×4 inputs.
    func makeInputs(_ n: Int) throws -> (spec: String, x: String) {
        let spec = dir + "/spec.json", x = dir + "/x.npy"
        try Data(Self.specJSON.utf8).write(to: URL(fileURLWithPath: spec))
        var rng = SplitMix64(seed: 11)
        try NPY.write(try NPYArray(shape: [n, 4, 4, 1], data: (0..<(n * 16)).map { _ in rng.gaussian() }), to: x)
        return (spec, x)
    }

    func bytes(_ p: String) throws -> [UInt8] { try AtomicFile.read(p) }

    func testShardsThenAssembleEqualThePlainRunByteForByte() throws {
        let (spec, x) = try makeInputs(9)
        let base = ["kernel", "--spec", spec, "--x1", x, "--quiet"]
        try run(base + ["--out", dir + "/plain"])
        let store = dir + "/store"
        XCTAssertThrowsError(try run(base + ["--store", store, "--assemble", "--out", dir + "/a"])) { e in
            XCTAssertTrue("\(e)".contains("is empty"), "\(e)")
        }
        for s in 0..<3 { try run(base + ["--store", store, "--tile-rows", "2", "--shard", "\(s)/4"]) }
        XCTAssertThrowsError(try run(base + ["--store", store, "--assemble", "--out", dir + "/a"])) { e in
            XCTAssertTrue("\(e)".contains("shard 3/4"), "\(e)")
            XCTAssertFalse("\(e)".contains("shard 0/4"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a/ntk.npy"))
        try run(base + ["--store", store, "--shard", "3/4"])  // tile rows taken from the store
        try run(base + ["--store", store, "--assemble", "--out", dir + "/a"])
        for m in ["nngp.npy", "ntk.npy"] { XCTAssertEqual(try bytes(dir + "/a/" + m), try bytes(dir + "/plain/" + m), m) }
        // A store-backed full run into the same store reuses every tile and gives the same bytes.
        try run(base + ["--store", store, "--out", dir + "/b"])
        XCTAssertEqual(try bytes(dir + "/b/ntk.npy"), try bytes(dir + "/plain/ntk.npy"))
    }

    func testBadShardAndStoreArgumentsAreClearErrors() throws {
        let (spec, x) = try makeInputs(3)
        let base = ["kernel", "--spec", spec, "--x1", x, "--quiet", "--store", dir + "/s"]
        for (args, needle) in [(["--shard", "5/4"], "0…3"), (["--shard", "0/0"], "at least 1"), (["--shard", "two"], "I/N"),
                               (["--tile-rows", "0"], "--tile-rows"), ([], "--out is required")] {
            XCTAssertThrowsError(try run(base + args), "\(args)") { e in XCTAssertTrue("\(e)".contains(needle), "\(args): \(e)") }
        }
        // Another spec into the same store folder is refused.
        try run(base + ["--out", dir + "/o"])
        try Data(Self.specJSON.replacingOccurrences(of: "1.4", with: "1.5").utf8).write(to: URL(fileURLWithPath: spec))
        XCTAssertThrowsError(try run(base + ["--out", dir + "/o2"])) { e in
            XCTAssertTrue("\(e)".contains("made for another job") && "\(e)".contains("the spec"), "\(e)")
        }
    }

    func testLearningCurveThroughTheStoreInShardsMatchesThePlainCurve() throws {
        let common = ["experiment", "learning-curve", "--size", "4", "--pool", "10", "--test-size", "6", "--sizes", "4", "10",
                      "--seeds", "2", "--stacks", "CNN", "MLP", "--quiet"]
        try run(common + ["--out", dir + "/plain"])
        let store = ["--out", dir + "/stored", "--store", dir + "/lc", "--tile-rows", "3"]
        try run(common + store + ["--shard", "0/2"])
        try run(common + store + ["--shard", "1/2"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/stored/learning-curve.csv"), "shard runs only fill the store")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/lc").count, 2, "one keyed store per stack")
        try run(common + ["--out", dir + "/stored", "--store", dir + "/lc"])  // no --tile-rows: adopts the stores' tiling
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/lc").count, 2, "the rerun resumed the same stores")
        // Only the tiles the curve needs: the 16×16 union Gram in 3-row tiles less the test×test corner.
        let needed = try GramTiling(n1: 16, n2: 16, symmetric: true, tileRows: 3, skipCornerFrom: 10).tiles.count
        XCTAssertLessThan(needed, try GramTiling(n1: 16, n2: 16, symmetric: true, tileRows: 3).tiles.count)
        for key in try FileManager.default.contentsOfDirectory(atPath: dir + "/lc") {
            let m = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/lc/\(key)/manifest.json"))) as? [String: Any])
            XCTAssertEqual(m["tiles_total"] as? Int, needed)
            XCTAssertEqual(m["skip_corner_from"] as? Int, 10)
            var recorded = Set<String>()  // over every manifest: the two shards computed the tiles
            for f in try FileManager.default.contentsOfDirectory(atPath: dir + "/lc/\(key)") where f.hasPrefix("manifest") {
                let o = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/lc/\(key)/" + f))) as? [String: Any]
                recorded.formUnion((o?["tiles"] as? [String: String] ?? [:]).keys)
            }
            XCTAssertEqual(recorded.count, needed)
        }
        let a = try String(contentsOfFile: dir + "/plain/learning-curve.csv", encoding: .utf8).split(separator: "\n")
        let b = try String(contentsOfFile: dir + "/stored/learning-curve.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(a.count, b.count)
        XCTAssertEqual(a.count, 1 + 2 * 2 * 2)
        for (la, lb) in zip(a, b) {
            for (fa, fb) in zip(la.split(separator: ","), lb.split(separator: ",")) {
                if let x = Double(fa), let y = Double(fb) {
                    XCTAssertEqual(x, y, accuracy: 1e-9 * max(1, abs(x)), "\(la) vs \(lb)")  // the union Gram's test block is mirrored: rounding only
                } else {
                    XCTAssertEqual(fa, fb)
                }
            }
        }
    }

    // MARK: the built binary

    var entk: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/entk").path
    }

    func launch(_ args: [String], env: [String: String] = [:], executable: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? entk)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        e.removeValue(forKey: "OMPI_COMM_WORLD_SIZE"); e.removeValue(forKey: "PMIX_RANK")
        for (k, v) in env { e[k] = v }
        p.environment = e
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        return p
    }

    /// Every tile file under its final name is a complete archive of two arrays of the right shape.
    func assertNoPartialTile(_ store: String, _ context: String) throws {
        let tiles = store + "/tiles"
        for n in (try? FileManager.default.contentsOfDirectory(atPath: tiles)) ?? [] where n.hasPrefix("t-") {
            XCTAssertTrue(n.hasSuffix(".npz"), n)
            let a = try NPZ.read(path: tiles + "/" + n)  // CRC-checked members
            XCTAssertEqual(a["ntk"]?.shape, a["nngp"]?.shape, "\(context): \(n)")
            XCTAssertEqual(a["ntk"]?.shape.count, 2, "\(context): \(n)")
        }
    }

    func testKillNineAtRandomPointsNeverLeavesAPartialTileAndTheRerunMatches() throws {
        guard FileManager.default.isExecutableFile(atPath: entk) else { throw XCTSkip("build entk first (swift build)") }
        let (spec, x) = try makeInputs(14)
        let base = ["kernel", "--spec", spec, "--x1", x, "--quiet", "--tile-rows", "1", "--threads", "1"]
        let t0 = Date()
        let full = try launch(base + ["--store", dir + "/full", "--out", dir + "/full-out"])
        full.waitUntilExit()
        XCTAssertEqual(full.terminationStatus, 0)
        let fullTime = Date().timeIntervalSince(t0)
        let store = dir + "/killed"
        var rng = SplitMix64(seed: 2026)
        var kills = 0, attempts = 0
        while kills < 10 && attempts < 40 {
            attempts += 1
            let p = try launch(base + ["--store", store, "--out", dir + "/killed-out"])
            usleep(useconds_t(1e6 * fullTime * (0.05 + 0.5 * rng.uniform())))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            try assertNoPartialTile(store, "after kill \(kills)")
            if p.terminationReason == .exit {  // finished before the kill: start over so later kills land mid-run
                XCTAssertEqual(p.terminationStatus, 0)
                try FileManager.default.removeItem(atPath: store)
            }
        }
        XCTAssertGreaterThanOrEqual(kills, 10, "kills that hit a running process")
        let last = try launch(base + ["--store", store, "--out", dir + "/killed-out"])
        last.waitUntilExit()
        XCTAssertEqual(last.terminationStatus, 0)
        for m in ["nngp.npy", "ntk.npy"] { XCTAssertEqual(try bytes(dir + "/killed-out/" + m), try bytes(dir + "/full-out/" + m), m) }
        // … and the store-backed result equals the plain in-memory one.
        try run(["kernel", "--spec", spec, "--x1", x, "--quiet", "--out", dir + "/plain"])
        XCTAssertEqual(try bytes(dir + "/plain/ntk.npy"), try bytes(dir + "/full-out/ntk.npy"))
    }

    func testPlainEntkNeitherLinksNorInitialisesMPI() throws {
        XCTAssertFalse(MPIContext.launchedByMPI([:]))
        XCTAssertFalse(MPIContext.launchedByMPI(["PATH": "/usr/bin", "SLURM_JOB_ID": "3"]))
        XCTAssertTrue(MPIContext.launchedByMPI(["OMPI_COMM_WORLD_SIZE": "2"]))
        XCTAssertTrue(MPIContext.launchedByMPI(["PMIX_RANK": "0"]))
        XCTAssertFalse(MPIContext.launchedByMPI(["OMPI_COMM_WORLD_SIZE": "2", "ENTK_MPI": "0"]))
        guard FileManager.default.isExecutableFile(atPath: entk) else { throw XCTSkip("build entk first (swift build)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        p.arguments = [entk]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertTrue(text.contains("libc.so"), text)
        XCTAssertFalse(text.contains("libmpi"), "entk must not link libmpi (it is dlopened under mpirun only): \(text)")
    }

    func testMPIRanksGiveTheSingleProcessMatrices() throws {
        guard FileManager.default.isExecutableFile(atPath: entk) else { throw XCTSkip("build entk first (swift build)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun") else { throw XCTSkip("OpenMPI not installed (make deps)") }
        let (spec, x) = try makeInputs(10)
        try run(["kernel", "--spec", spec, "--x1", x, "--quiet", "--out", dir + "/plain"])
        for np in [2, 4] {
            let p = try launch(["--oversubscribe", "-np", "\(np)", entk, "kernel", "--spec", spec, "--x1", x, "--quiet", "--threads", "1",
                                "--tile-rows", "2", "--store", dir + "/mpi\(np)", "--out", dir + "/mpi\(np)-out"],
                               env: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_btl": "self,tcp,vader"],
                               executable: "/usr/bin/mpirun")
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "mpirun -np \(np)")
            for m in ["nngp.npy", "ntk.npy"] {
                XCTAssertEqual(try bytes(dir + "/mpi\(np)-out/" + m), try bytes(dir + "/plain/" + m), "np \(np) \(m)")
            }
        }
    }
}
