import XCTest
@testable import NTKEngine
import Plotting
@testable import Workbench

/// View 8 (`view.qm9`): argument checks, resolved session record, the figure from a finished
/// job, cancellation of the background job, and the synthetic molecules.
final class QM9ViewTests: XCTestCase {
    /// Tiny synthetic curve (debug-build sized: ~60 centre atoms).
    private let tiny = ["molecules": "synthetic", "sizes": "4,8", "test": "6", "pool": "14", "diag_reg": "0.001"]

    func testKeyAndRegistry() {
        XCTAssertEqual(CommandRegistry.command(for: .char("8"), focus: .stack)?.name, "view.qm9")
        XCTAssertEqual(ViewKind.allCases.last, .qm9)
        XCTAssertEqual(ViewKind.qm9.short, "qm9")
    }

    func testArgumentsAreCheckedAndRecordedResolved() throws {
        var s = Fixtures.smallState()
        for bad: [String: String] in [["molecules": "zinc"], ["sizes": "4,x"], ["sizes": "1,8"], ["test": "0"],
                                      ["pool": "10", "sizes": "8", "test": "6"], ["conv": "maybe"], ["bandwidth": "9"],
                                      ["diag_reg": "-1"], ["seed": "-3"]] {
            let before = s.view
            XCTAssertThrowsError(try s.perform(Invocation("view.qm9", bad)), "\(bad)")
            XCTAssertEqual(s.view, before, "a refused command leaves the state unchanged")
        }
        let o = try s.perform(Invocation("view.qm9", tiny.merging(["conv": "no"]) { $1 }))
        XCTAssertEqual(s.view.kind, .qm9)
        XCTAssertEqual(o.logged?.args["molecules"], "synthetic")
        XCTAssertEqual(o.logged?.args["conv"], "no")
        XCTAssertEqual(o.logged?.args["sizes"], "4,8")
        XCTAssertEqual(o.logged?.args["pool"], "14")
        guard case .start(.qm9(let q))? = o.effects.first else { return XCTFail("\(o.effects)") }
        XCTAssertEqual(q.source, .synthetic)
        XCTAssertFalse(q.convolution)
        // auto is resolved when the command runs: never recorded as auto.
        var a = Fixtures.smallState()
        let oa = try a.perform(Invocation("view.qm9", ["sizes": "4,8", "test": "6", "pool": "14"]))
        XCTAssertNotEqual(oa.logged?.args["molecules"], "auto")
        XCTAssertEqual(oa.logged?.args["molecules"], QM9Choice.cacheHasQM9() ? "qm9" : "synthetic")
    }

    func testViewDrawsMAEVersusTrainingSize() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("view.qm9", tiny))
        XCTAssertTrue(ViewBuilder.content(s).figures.isEmpty, "no figure before the job finishes")
        try Fixtures.computeView(&s)
        let c = ViewBuilder.content(s)
        guard case .line(let fig)? = c.figures.first?.figure else { return XCTFail("no line plot: \(c.notes)") }
        XCTAssertEqual(c.figures.first?.name, "qm9-ntk")
        XCTAssertEqual(fig.series.map(\.name), ["composition", "SO(3) L=2 conv Θ", "MLP Θ"])
        for sr in fig.series {
            XCTAssertEqual(sr.xs, [4, 8])
            XCTAssertTrue(sr.ys.allSatisfy { $0.isFinite && $0 > 0 }, "\(sr.name): \(sr.ys)")
        }
        XCTAssertEqual(fig.xAxis.scale, .log)
        XCTAssertEqual(fig.yAxis.scale, .log)
        XCTAssertTrue(fig.title.contains("synthetic molecules"), fig.title)
        XCTAssertEqual(c.notes.count, 4)
        XCTAssertTrue(c.notes[0].hasPrefix("MAE (meV) at n = 4/8: composition"), c.notes[0])
        // The kernel toggle switches the series to K.
        _ = try s.perform(Invocation("view.kernel", ["kernel": "nngp"]))
        guard case .line(let k)? = ViewBuilder.content(s).figures.first?.figure else { return XCTFail() }
        XCTAssertEqual(k.series.map(\.name), ["composition", "SO(3) L=2 conv K", "MLP K"])
        XCTAssertNotEqual(k.series[1].ys, fig.series[1].ys)
    }

    func testQM9JobRunsInTheBackgroundAndCancels() throws {
        let center = JobCenter(runner: ComputeRunner(cache: GramCache(directory: nil), threads: 1))
        // Big enough to still be running when cancelled (≈ 400 centre atoms at L = 2 with so3_conv).
        let big = QM9Choice(source: .synthetic, trainSizes: [100], testSize: 60, pool: 160)
        let id = center.start(.qm9(big))
        let deadline = Date().addingTimeInterval(30)
        while (center.snapshots().first?.fraction ?? 0) == 0 && Date() < deadline { usleep(20_000) }
        XCTAssertGreaterThan(center.snapshots().first?.fraction ?? 0, 0, "progress is reported")
        XCTAssertEqual(center.cancel(id: id), 1)
        XCTAssertTrue(center.waitForAll(timeout: 30))
        XCTAssertEqual(center.takeFinished().first?.snapshot.status, .cancelled)
        // A small one finishes with 5 rows per size.
        let small = QM9Choice(source: .synthetic, trainSizes: [4, 8], testSize: 6, pool: 14, diagReg: 1e-3)
        center.start(.qm9(small))
        XCTAssertTrue(center.waitForAll(timeout: 120))
        guard case .qm9(let rows)? = center.takeFinished().first?.result else { return XCTFail() }
        XCTAssertEqual(rows.count, 2 * 5)
    }

    func testSyntheticMoleculesAndMissingCache() throws {
        let a = SyntheticMolecules.make(12, seed: 0), b = SyntheticMolecules.make(12, seed: 0)
        XCTAssertEqual(a, b, "seeded")
        XCTAssertNotEqual(a, SyntheticMolecules.make(12, seed: 1))
        XCTAssertEqual(a.map(\.atoms.count), (0..<12).map { 3 + $0 % 3 })
        for m in a {
            XCTAssertTrue(m.atoms.first.map { [.carbon, .nitrogen].contains($0.element) } ?? false)
            for i in m.atoms.indices { for j in m.atoms.indices where i < j {
                let d = m.atoms[i].position - m.atoms[j].position
                XCTAssertGreaterThan((d * d).sum(), 0.81)
            } }
            XCTAssertTrue(m.atomisationEnergyMeV.isFinite && m.atomisationEnergyMeV < 0)
        }
        let empty = Fixtures.tempDir("no-qm9")
        XCTAssertFalse(QM9Choice.cacheHasQM9(empty))
        XCTAssertEqual(QM9Choice(source: .auto).resolved(cacheDirectory: empty).source, .synthetic)
        XCTAssertEqual(try QM9Choice(source: .auto, pool: 20).molecules(cacheDirectory: empty).count, 20)
        XCTAssertThrowsError(try QM9Choice(source: .qm9).molecules(cacheDirectory: empty)) { e in
            XCTAssertTrue("\(e)".contains("make data"), "\(e)")
        }
    }
    /// The text table names every model that was run: before, the extra models of
    /// `--paper-models` (the relu variant, the paper's MLP baseline) were only in the CSV.
    func testTableHasAColumnPairPerExtraModel() {
        func row(_ m: String, _ k: String, _ n: Int, _ v: Double) -> QM9LearningCurve.Row {
            QM9LearningCurve.Row(model: m, kernel: k, trainSize: n, testSize: 5, maeMeV: v, gramSeconds: 0, centreAtoms: 9)
        }
        let rows = [row("composition", "-", 10, 900), row("so3", "ntk", 10, 400), row("so3", "nngp", 10, 410),
                    row("mlp", "ntk", 10, 420), row("mlp", "nngp", 10, 430),
                    row("so3-relu", "ntk", 10, 401.25), row("so3-relu", "nngp", 10, 402.5),
                    row("mlp-spherical", "ntk", 10, 800.75)]
        let lines = QM9CurveReport.table(rows, extraModels: ["so3-relu", "mlp-spherical"])
        XCTAssertEqual(lines.count, 2)
        let header = lines[0].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        XCTAssertTrue(header.hasSuffix("SO(3) 6→3→3 relu NTK SO(3) 6→3→3 relu NNGP MLP-spherical NTK MLP-spherical NNGP"), header)
        let cells = lines[1].split(separator: " ").map(String.init)
        XCTAssertEqual(cells, ["10", "900.0", "400.0", "410.0", "420.0", "430.0", "401.2", "402.5", "800.8", "–"])
        XCTAssertEqual(QM9CurveReport.table(rows)[0].split(separator: " ").count, 10, "without extras: train, composition and four two-word labels")
    }
}
