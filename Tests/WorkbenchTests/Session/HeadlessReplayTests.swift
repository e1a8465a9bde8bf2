import XCTest
import NTKEngine
@testable import Workbench

/// The shipped demo sessions replay headless and produce every view's files.
final class HeadlessReplayTests: XCTestCase {
    /// Each session replays once per test process (shared with SessionReplayFixtureTests).
    private func replay(_ name: String) throws -> (HeadlessReplay.Report, String) {
        let (r, out) = try ReplayRuns.replay(name)
        XCTAssertEqual(r.failed, 0, "\(r.steps.compactMap(\.error)) \(r.loadErrors)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/summary.json"))
        for f in r.files { XCTAssertTrue(FileManager.default.fileExists(atPath: f), f) }
        return (r, out)
    }

    /// The work a replay did, instead of a wall-time bound (timings on a shared machine say
    /// little): jobs started and Gram matrices computed rather than answered by the cache.
    /// Expected counts follow from the session: one job per view computation not yet done;
    /// only Gram, spectrum and learning-curve jobs compute Grams (train, and test × train).
    private func assertWork(_ r: HeadlessReplay.Report, jobs: Int, grams: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.jobs, jobs, "jobs run", file: file, line: line)
        XCTAssertEqual(r.gramsComputed, grams, "Grams computed", file: file, line: line)
    }

    private func files(_ out: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
    }

    func testDemoSymmetry() throws {
        let (r, out) = try replay("demo-symmetry.jsonl")
        let names = files(out)
        for ext in ["png", "svg", "pdf", "csv", "npy"] {
            XCTAssertTrue(names.contains("01-symmetry-blocks-ntk-gcnn-c4-L3.\(ext)"), "\(names)")
            XCTAssertTrue(names.contains("02-invariance-ntk-cnn.\(ext)"), "\(names)")
            XCTAssertTrue(names.contains("02-invariance-ntk-gcnn-c4.\(ext)"), "\(names)")
        }
        let txt = try String(contentsOfFile: out + "/02-invariance.txt", encoding: .utf8)
        XCTAssertTrue(txt.contains("gcnn-c4: (max−min)/mean") && txt.contains("— invariant"), txt)
        XCTAssertTrue(txt.contains("cnn: (max−min)/mean") && txt.contains("not invariant"), txt)
        assertWork(r, jobs: 5, grams: 1)  // blocks(gcnn-c4), invariance(cnn, gcnn-c4), blocks(cnn), gram(cnn)
    }

    func testDemoSpectra() throws {
        let (r, out) = try replay("demo-spectra.jsonl")
        XCTAssertTrue(files(out).contains("01-spectrum-ntk.png"))
        XCTAssertTrue(files(out).contains("02-spectrum-nngp.svg"))
        let csv = try String(contentsOfFile: out + "/01-spectrum-ntk.csv", encoding: .utf8)
        for name in ["mlp", "cnn", "gcnn-c4"] { XCTAssertTrue(csv.contains("\n\(name),"), "series \(name) missing") }
        assertWork(r, jobs: 3, grams: 3)  // one spectrum (one Gram) per stack; the NNGP switch reuses them
    }

    /// Each exported view's files are one set: a manifest, written last, names them with
    /// their SHA-256, and every checksum matches the file on disk.
    func testEveryExportedViewHasAManifestMatchingItsFiles() throws {
        let (_, out) = try replay("demo-symmetry.jsonl")
        let manifests = files(out).filter { $0.hasSuffix(".manifest.json") }
        XCTAssertTrue(manifests.contains("02-invariance.manifest.json"), "\(files(out))")
        for m in manifests {
            let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/" + m))) as? [String: Any]
            let entries = try XCTUnwrap(obj?["files"] as? [[String: String]], m)
            XCTAssertFalse(entries.isEmpty, m)
            for e in entries {
                let name = try XCTUnwrap(e["name"]), sum = try XCTUnwrap(e["sha256"])
                let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
                XCTAssertEqual(ContentHash.hex(bytes: Array(data)), sum, "\(m): \(name)")
            }
        }
        // Independent check of the hash itself (FIPS 180-2 "abc").
        XCTAssertEqual(ContentHash.hex(bytes: Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testDemoAccuracy() throws {
        let (r, out) = try replay("demo-accuracy.jsonl")
        XCTAssertTrue(files(out).contains("01-learning-curve.csv"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["failed"] as? Int, 0)
        XCTAssertEqual(summary?["commands"] as? Int, r.steps.count)
    }

    func testExperimentConvergenceSession() throws {
        let (r, out) = try replay("experiment-convergence.jsonl")
        assertWork(r, jobs: 1, grams: 0)  // finite-width networks, no Gram
        let csv = try String(contentsOfFile: out + "/01-convergence-cnn.csv", encoding: .utf8)
        let ntk = csv.split(separator: "\n").filter { $0.hasPrefix("NTK,") }.map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(ntk.map { Double($0[1]) }, [8, 16, 32, 64, 128])
        let errs = ntk.compactMap { Double($0[2]) }
        XCTAssertLessThan(errs.last!, errs.first! / 2, "the error falls with width: \(errs)")
        guard let st = r.finalState, case .convergence(let rep)? = st.results[st.computations(for: st.view)[0].key] else { return XCTFail() }
        XCTAssertLessThan(rep.ntkSlope, -0.2)
        XCTAssertLessThan(rep.nngpSlope, -0.2)
        let txt = try String(contentsOfFile: out + "/01-convergence.txt", encoding: .utf8)
        XCTAssertTrue(txt.contains(String(format: "slope NTK %.2f", rep.ntkSlope)), txt)
    }

    /// Synthetic molecules: runs without the QM9 cache (the real-data curve is the CLI's).
    func testExperimentQM9Session() throws {
        let (r, out) = try replay("experiment-qm9.jsonl")
        assertWork(r, jobs: 2, grams: 0)  // conv=yes, conv=no; the kernel switch reuses the first
        for name in ["01-qm9-ntk", "02-qm9-nngp", "03-qm9-ntk"] {
            for ext in ["png", "svg", "pdf", "csv"] { XCTAssertTrue(files(out).contains("\(name).\(ext)"), "\(name).\(ext) in \(files(out))") }
        }
        for name in ["01-qm9-ntk", "02-qm9-nngp", "03-qm9-ntk"] {
            let csv = try String(contentsOfFile: out + "/\(name).csv", encoding: .utf8).split(separator: "\n").dropFirst()
            let points = csv.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            XCTAssertEqual(points.count, 3 * 4, "composition, SO(3), MLP at 4 sizes: \(name)")
            XCTAssertEqual(Set(points.map { $0[1] }), ["8.0", "16.0", "32.0", "64.0"])
            XCTAssertTrue(points.allSatisfy { Double($0[2]).map { $0.isFinite && $0 > 0 } ?? false }, "\(points)")
        }
        let txt = try String(contentsOfFile: out + "/01-qm9.txt", encoding: .utf8)
        XCTAssertTrue(txt.contains("synthetic molecules (96 generated)"), txt)
        XCTAssertTrue(txt.contains("SO(3) L=2 conv: Θ"), txt)
        XCTAssertTrue(try String(contentsOfFile: out + "/03-qm9.txt", encoding: .utf8).contains("SO(3) L=2 lift-only: Θ"))
        guard let st = r.finalState, case .qm9(let q) = st.computations(for: st.view)[0],
              case .qm9(let rows)? = st.results[st.computations(for: st.view)[0].key] else { return XCTFail() }
        XCTAssertEqual(q.source, .synthetic)
        XCTAssertFalse(q.convolution)
        XCTAssertEqual(rows.count, 4 * 5)
        XCTAssertTrue(rows.allSatisfy { $0.maeMeV.isFinite && $0.maeMeV > 0 && $0.testSize == 32 })
        // The synthetic energy has a pair term composition cannot see: at 64 molecules both kernels beat it.
        func mae(_ m: String, _ k: String) -> Double { rows.first { $0.model == m && $0.kernel == k && $0.trainSize == 64 }?.maeMeV ?? .nan }
        XCTAssertLessThan(mae("so3", "ntk"), mae("composition", "-"))
        XCTAssertLessThan(mae("mlp", "ntk"), mae("composition", "-"))
    }

    func testExperimentAugmentationSession() throws {
        let (r, out) = try replay("experiment-augmentation.jsonl")
        assertWork(r, jobs: 2, grams: 0)  // gcnn-c4, gcnn-d4
        for name in ["01-augmentation-gcnn-c4", "01-augmentation-difference-gcnn-c4", "02-augmentation-gcnn-d4"] {
            for ext in ["png", "svg", "pdf", "csv"] { XCTAssertTrue(files(out).contains("\(name).\(ext)"), "\(name).\(ext) in \(files(out))") }
        }
        // The difference CSV holds the relative difference per t: all at rounding level.
        for g in ["c4", "d4"] {
            let csv = try String(contentsOfFile: out + "/0\(g == "c4" ? 1 : 2)-augmentation-difference-gcnn-\(g).csv", encoding: .utf8)
            let rel = csv.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }
            XCTAssertEqual(rel.count, 5)
            XCTAssertTrue(rel.allSatisfy { $0 < 1e-9 }, "\(g): \(rel)")
        }
        guard let st = r.finalState, case .augmentation(let res, _)? = st.results[st.computations(for: st.view)[0].key] else { return XCTFail() }
        XCTAssertEqual(res.group.name, "D4")
        XCTAssertEqual(res.points.count, 6, "5 times and t = ∞")
        XCTAssertTrue(res.points.allSatisfy { $0.maxDifference / $0.scale < 1e-9 && $0.scale > 1e-3 })
    }

    func testExperimentLearningCurveSession() throws {
        let (r, out) = try replay("experiment-learning-curve.jsonl")
        assertWork(r, jobs: 6, grams: 6)  // 3 stacks × (t=∞, t=20); train and test × train Grams once per stack
        let csv = try String(contentsOfFile: out + "/02-learning-curve.csv", encoding: .utf8)
        for name in ["mlp t=∞", "mlp t=20", "cnn t=∞", "gcnn-c4 t=20"] { XCTAssertTrue(csv.contains("\n\(name),"), "\(name) in \(csv)") }
        let accs = csv.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }
        XCTAssertEqual(accs.count, 3 * 2 * 5)
        XCTAssertTrue(accs.allSatisfy { (0...1).contains($0) })
        // The GCNN at n = 16, t = ∞ beats chance (4 classes) clearly.
        let g = csv.split(separator: "\n").first { $0.hasPrefix("gcnn-c4 t=∞,16") }
        XCTAssertGreaterThan(g.flatMap { $0.split(separator: ",").last.flatMap { Double($0) } } ?? 0, 0.5)
    }

    func testDemoSO3Session() throws {
        let (r, out) = try replay("demo-so3.jsonl")
        assertWork(r, jobs: 5, grams: 2)  // gram, spectrum, blocks, invariance, curve; the train Gram once, + test × train
        let names = files(out)
        for f in ["01-gram-ntk-so3.png", "02-spectrum-ntk.svg", "03-so3-kernel-ntk-so3-L3.npy", "04-invariance-ntk-so3.csv", "05-learning-curve.csv"] {
            XCTAssertTrue(names.contains(f), "\(f) in \(names)")
        }
        let npy = try NPY.read(path: out + "/03-so3-kernel-ntk-so3-L3.npy")
        XCTAssertEqual(npy.shape, [150, 150])
        let txt = try String(contentsOfFile: out + "/04-invariance.txt", encoding: .utf8)
        XCTAssertTrue(txt.contains("so3: (max−min)/mean = < 1e-12 — invariant"), txt)
    }

    func testFailingSessionReportsLocatedErrors() throws {
        let dir = Fixtures.tempDir("failing")
        let path = dir + "/bad.jsonl"
        try """
        {"entk_session":1}
        {"cmd":"stack.new","args":{"name":"a","preset":"cnn"}}
        {"cmd":"stack.set-param","args":{"layer":"9","param":"W_std","value":"1"}}
        not json
        {"cmd":"data.choose","args":{"train":"4","size":"6"}}
        {"cmd":"view.gram"}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try HeadlessReplay.run(path: path, out: dir + "/out", threads: 1)
        XCTAssertEqual(r.failed, 2)
        XCTAssertEqual(r.loadErrors.first?.description, "\(path):4: column 1: not valid JSON: unexpected \"not\"; skipped")
        XCTAssertTrue(r.steps[1].error?.hasPrefix("\(path):3: stack.set-param:") ?? false)
        XCTAssertTrue(r.steps.last?.ok ?? false, "the rest still runs")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/01-gram-ntk-a.png"))
    }

    /// Ctrl-C (the interrupt flag) before the replay: no command runs, each is reported as
    /// not run with its location, and summary.json still says what happened.
    func testInterruptedReplayReportsEveryCommandAsNotRun() throws {
        let dir = Fixtures.tempDir("interrupted")
        let path = dir + "/s.jsonl"
        try """
        {"entk_session":1}
        {"cmd":"stack.new","args":{"name":"a","preset":"cnn"}}
        {"cmd":"view.gram"}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let flag = InterruptFlag()
        flag.raise()
        let r = try HeadlessReplay.run(path: path, out: dir + "/out", threads: 1, interrupt: flag)
        XCTAssertEqual(r.steps.map(\.error), ["\(path):2: stack.new: not run: interrupted (Ctrl-C)", "\(path):3: view.gram: not run: interrupted (Ctrl-C)"])
        XCTAssertEqual(r.jobs, 0)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["interrupted"] as? Bool, true)
        XCTAssertEqual(summary?["failed"] as? Int, 2)
    }
}
