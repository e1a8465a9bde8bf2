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
            spreads[c.stack!.name] = InvarianceView.spread(m)
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

    func testConvergenceViewPlotsErrorAgainstWidthWithFallingSlope() throws {
        let s = try view(.convergence, ["widths": "4,8,16,32", "seeds": "2", "groups": "4", "inputs": "3"])
        let c = ViewBuilder.content(s)
        guard case .line(let l)? = c.figures.first?.figure else { return XCTFail("no plot: \(c.notes)") }
        XCTAssertEqual(l.series.map(\.name), ["NTK", "NNGP"])
        XCTAssertEqual(l.series[0].xs, [4, 8, 16, 32])
        XCTAssertEqual(l.series[0].yerr?.count, 4, "error bars: std over seed groups")
        XCTAssertEqual(l.xAxis.scale, .log); XCTAssertEqual(l.yAxis.scale, .log)
        guard case .convergence(let r)? = s.results[s.computations(for: s.view)[0].key] else { return XCTFail() }
        XCTAssertLessThan(r.ntkSlope, 0, "the NTK error falls with width")
        XCTAssertTrue(l.title.contains(String(format: "slope NTK %.2f", r.ntkSlope)), l.title)
        XCTAssertTrue(c.notes.last?.contains("the error falls with width") ?? false, "\(c.notes)")
        assertSnapshot(viewText(s), named: "view-convergence")
    }

    func testConvergenceArgumentsAreValidated() throws {
        var s = Fixtures.smallState()
        XCTAssertThrowsError(try s.perform(Invocation("view.convergence", ["widths": "8"])))
        XCTAssertThrowsError(try s.perform(Invocation("view.convergence", ["widths": "8,x"])))
        XCTAssertThrowsError(try s.perform(Invocation("view.convergence", ["inputs": "60"])))
        let o = try s.perform(Invocation("view.convergence", ["widths": "8,16", "groups": "3"]))
        XCTAssertEqual(o.logged?.args["widths"], "8,16")
        XCTAssertEqual(o.logged?.args["groups"], "3")
        XCTAssertEqual(o.logged?.args["seeds"], "2")
    }

    func testAugmentationViewGroupStackEqualsAugmentedCNN() throws {
        let s = try view(.augmentation, ["times": "0.5,5,50"]) { $0.selected = 0 }
        XCTAssertEqual(s.augmentationStack?.name, "gcnn-c4", "the CNN is not a group stack; the GCNN is picked")
        let c = ViewBuilder.content(s)
        XCTAssertEqual(c.figures.count, 2, "\(c.notes)")
        guard case .augmentation(let r, _)? = s.results[s.computations(for: s.view)[0].key] else { return XCTFail() }
        XCTAssertEqual(r.points.map(\.time), [0.5, 5, 50, nil])
        for p in r.points { XCTAssertLessThan(p.maxDifference / p.scale, 1e-9) }
        guard case .line(let l)? = c.figures.first?.figure else { return XCTFail() }
        XCTAssertTrue(l.title.contains("max rel. difference"), l.title)
        XCTAssertTrue(c.notes.contains { $0.contains("identical up to rounding") }, "\(c.notes)")
        // Without a group stack the view says what it needs instead of computing.
        var plain = Fixtures.smallState()
        plain.stacks.removeLast()
        _ = try plain.perform(Invocation("view.augmentation"))
        XCTAssertTrue(plain.computations(for: plain.view).isEmpty)
        XCTAssertTrue(ViewBuilder.content(plain).notes[0].contains("needs a valid group stack"))
    }

    func testSO3StackGramSpectrumLayerKernelAndInvariance() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("data.choose", ["dataset": "sphere", "train": "4", "test": "4", "classes": "2"]))
        XCTAssertEqual(s.data.size, 3, "switching to the sphere picks a small bandwidth")
        XCTAssertEqual(s.data.inputShape, [6, 5, 1])
        _ = try s.perform(Invocation("stack.new", ["name": "so3", "preset": "so3"]))
        XCTAssertNil(s.currentStack?.validation)
        XCTAssertEqual(s.currentStack?.shapes?.first?.description, "[SO(3) L=3 ×1]")
        XCTAssertNotNil(s.stacks[1].validation, "the C4 GCNN cannot take the 6×5 grid")
        s.stacks.removeFirst(2); s.selected = 0
        _ = try s.perform(Invocation("view.gram"))
        try Fixtures.computeView(&s)
        guard case .heatmap(let g)? = ViewBuilder.content(s).figures.first?.figure else { return XCTFail("\(ViewBuilder.content(s).notes)") }
        XCTAssertEqual(g.rows, 4)
        _ = try s.perform(Invocation("view.spectrum"))
        try Fixtures.computeView(&s)
        XCTAssertTrue(ViewBuilder.content(s).figures.contains { $0.name == "spectrum-ntk" })
        _ = try s.perform(Invocation("view.symmetry-blocks"))
        XCTAssertEqual(s.computations(for: s.view).count, 1)
        try Fixtures.computeView(&s)
        let c = ViewBuilder.content(s)
        guard case .heatmap(let h)? = c.figures.first?.figure else { return XCTFail("\(c.notes)") }
        XCTAssertEqual(h.rows, 5 * 6 * 5, "(R, R′) over the SO(3) grid of bandwidth 3")
        XCTAssertTrue(h.title.contains("after layer 3 (relu)"), h.title)
        // The layer kernel agrees with the evaluator's own intermediate output.
        let (train, _) = try s.data.load()
        let ev = try SO3KernelEvaluator(spec: s.currentStack!.spec)
        let ref = try ev.intermediate(train.image(at: 0), train.image(at: 1), afterLayer: 3)
        XCTAssertEqual(h.matrix, ref.ntk.data)
        _ = try s.perform(Invocation("view.invariance"))
        try Fixtures.computeView(&s)
        let inv = ViewBuilder.content(s)
        XCTAssertTrue(inv.notes.contains { $0.hasPrefix("so3:") && $0.hasSuffix("— invariant") }, "\(inv.notes)")
        _ = try s.perform(Invocation("view.convergence"))
        XCTAssertEqual(s.computations(for: s.view).count, 1, "SO(3) stacks get a convergence job (SO3FiniteNetwork gradients)")
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

/// View (f) on an SO(3) stack: the finite spherical CNNs' empirical kernels approach the exact
/// ones (SO3FiniteNetwork gradients → empirical NTK).
final class SO3ConvergenceViewTests: XCTestCase {
    func testConvergenceViewRunsForSO3Stacks() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("data.choose", ["dataset": "sphere", "train": "4", "test": "4", "classes": "2", "size": "2"]))
        _ = try s.perform(Invocation("stack.new", ["name": "so3", "preset": "so3"]))
        s.selected = s.stacks.count - 1
        XCTAssertNil(s.currentStack?.validation)
        _ = try s.perform(Invocation("view.convergence", ["widths": "4,16,64", "seeds": "2", "groups": "4", "inputs": "3"]))
        XCTAssertEqual(s.computations(for: s.view).count, 1)
        try Fixtures.computeView(&s)
        guard case .convergence(let r)? = s.results[s.computations(for: s.view)[0].key] else {
            return XCTFail("\(ViewBuilder.content(s).notes)")
        }
        XCTAssertLessThan(r.ntkSlope, 0, "the SO(3) NTK error falls with width: \(r)")
        guard case .line? = ViewBuilder.content(s).figures.first?.figure else { return XCTFail("no plot") }
    }
}
