import XCTest
import NTKEngine
import Plotting
@testable import Workbench

/// Every view and the main screen as text snapshots (`ENTK_RECORD_SNAPSHOTS=1` re-records).
final class ViewSnapshotTests: XCTestCase {
    private func view(_ kind: ViewKind, _ args: [String: String] = [:], edit: (inout AppState) -> Void = { _ in }) throws -> AppState {
        var s = Fixtures.smallState()
        edit(&s)
        _ = try s.perform(Invocation("view." + kind.rawValue, args))
        try Fixtures.computeView(&s)
        return s
    }

    private func viewText(_ s: AppState, width: Int = 90, height: Int = 26) -> String {
        var buf = CellBuffer(width: width, height: height)
        ViewsPane.render(ViewBuilder.content(s), into: &buf, area: buf.area, options: .rich, theme: .init())
        return snapshotText(buf)
    }

    func testGramView() throws {
        let s = try view(.gram)
        let c = ViewBuilder.content(s)
        guard case .heatmap(let h)? = c.figures.first?.figure else { return XCTFail("no heatmap") }
        XCTAssertEqual(h.separators, [2, 4], "class boundaries of 3 classes × 2 examples")
        assertSnapshot(viewText(s), named: "view-gram")
        var buf = CellBuffer(width: 60, height: 18)
        ViewsPane.render(c, into: &buf, area: buf.area, options: .rich, theme: .init())
        assertSnapshot(buf.ansi(mode: .palette256), named: "view-gram-ansi256")
    }

    func testSymmetryBlocksViewIsBlockCirculantForC4() throws {
        let s = try view(.symmetryBlocks) { $0.selected = 1 }
        let c = ViewBuilder.content(s)
        guard case .heatmap(let h)? = c.figures.first?.figure else { return XCTFail("no heatmap") }
        XCTAssertEqual(h.rows, 36 * 4)
        XCTAssertEqual(h.separators, [36, 72, 108])
        XCTAssertTrue(c.notes.first?.contains("defect") ?? false)
        guard case .blocks(let ik)? = s.results.values.first else { return XCTFail() }
        XCTAssertLessThan(SymmetryBlocksView.circulanceDefect(ik.fullMatrix(ntk: true), group: ik.group, p: ik.positions), 1e-12)
        assertSnapshot(viewText(s), named: "view-symmetry-blocks")
        var buf = CellBuffer(width: 60, height: 22)
        ViewsPane.render(c, into: &buf, area: buf.area, options: .rich, theme: .init())
        assertSnapshot(buf.ansi(mode: .palette256), named: "view-symmetry-blocks-ansi256")
    }

    func testInvarianceViewConstantForGCNNNotForCNN() throws {
        let s = try view(.invariance)
        var spreads: [String: Double] = [:]
        for c in s.computations(for: s.view) {
            guard case .invariance(_, let m, _)? = s.results[c.key] else { return XCTFail() }
            spreads[c.stack.name] = InvarianceView.spread(m)
        }
        XCTAssertLessThan(spreads["gcnn-c4"] ?? 1, 1e-10)
        XCTAssertGreaterThan(spreads["cnn"] ?? 0, 1e-4)
        assertSnapshot(viewText(s), named: "view-invariance")
    }

    func testSpectrumViewOverlaysStacks() throws {
        let s = try view(.spectrum)
        guard case .line(let l)? = ViewBuilder.content(s).figures.first?.figure else { return XCTFail() }
        XCTAssertEqual(l.series.map(\.name), ["cnn", "gcnn-c4"])
        XCTAssertEqual(l.series[0].ys, l.series[0].ys.sorted(by: >), "descending eigenvalues")
        assertSnapshot(viewText(s), named: "view-spectrum")
    }

    func testLearningCurveView() throws {
        let s = try view(.learningCurve, ["sizes": "2,4,6", "t": "10"])
        guard case .line(let l)? = ViewBuilder.content(s).figures.first?.figure else { return XCTFail() }
        XCTAssertEqual(l.series.count, 4, "two stacks × (t=∞, t=10)")
        XCTAssertTrue(l.series.allSatisfy { $0.ys.allSatisfy { (0...1).contains($0) } })
        assertSnapshot(viewText(s), named: "view-learning-curve")
    }

    func testConvergenceViewSaysItIsNotAvailable() throws {
        let s = try view(.convergence)
        let c = ViewBuilder.content(s)
        XCTAssertTrue(c.figures.isEmpty, "no fake plot")
        XCTAssertTrue(c.notes.joined().contains("FiniteWidth"))
        assertSnapshot(viewText(s), named: "view-convergence")
    }

    func testPendingAndFailedComputationsAreShown() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("view.gram"))
        XCTAssertTrue(ViewBuilder.content(s).notes.first?.contains("not computed") ?? false)
        let key = s.computations(for: s.view)[0].key
        s.jobs = [JobSnapshot(id: 7, title: "Gram cnn", key: key, status: .running, fraction: 0.25, elapsed: 2, eta: 6)]
        XCTAssertEqual(ViewBuilder.content(s).notes.first, "… Gram cnn: 25% (2.0s, ETA 6s)")
        s.failures[key] = "non-finite values: x1 input 3 contains nan"
        XCTAssertTrue(ViewBuilder.content(s).notes.first?.hasPrefix("✗") ?? false)
    }

    func testMainScreen() throws {
        var s = try view(.gram)
        s.focus = .stack
        s.jobs = [JobSnapshot(id: 2, title: "spectrum gcnn-c4", key: "x", status: .running, fraction: 0.4, elapsed: 3, eta: 4.5),
                  JobSnapshot(id: 1, title: "Gram cnn", key: "y", status: .done, fraction: 1, elapsed: 0.5, eta: nil)]
        s.status = "ready"
        let buf = MainScreen.render(s, width: 120, height: 36)
        assertSnapshot(snapshotText(buf), named: "main-screen")
        XCTAssertTrue(buf.text.contains("Stack 1/2: cnn"))
        XCTAssertTrue(buf.text.contains("40%"))
    }

    func testMainScreenWithInvalidStackAndHelp() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("stack.add-layer", ["type": "dense", "at": "0"]))
        let buf = MainScreen.render(s, width: 100, height: 30)
        XCTAssertTrue(buf.text.contains("✗ layers[1]") || buf.text.contains("✗ layers[0]"), buf.text)
        _ = try s.perform(Invocation("help"))
        let help = MainScreen.render(s, width: 100, height: 30)
        XCTAssertTrue(help.text.contains("stack.add-layer"))
        assertSnapshot(snapshotText(help), named: "main-screen-help")
    }

    func testTooSmallTerminal() {
        let buf = MainScreen.render(Fixtures.smallState(), width: 60, height: 20)
        XCTAssertTrue(buf.text.lowercased().contains("small"), buf.text)
    }
}
