import XCTest
import NTKEngine
import Plotting
import TUI
@testable import Workbench

/// Regression tests for the workbench surprises of issue 14: keys of another pane, the
/// palette while arguments are typed, reopening a session, Grams computed twice.
final class WorkbenchSurpriseTests: XCTestCase {
    // MARK: keys

    /// Issue 14: a view key moved focus to Views, then G said "no command on G" although
    /// `?` lists it (a Stack key). Now G says which pane it belongs to and focuses it.
    func testAKeyOfAnotherPaneSaysWhichPaneAndSwitchesToIt() throws {
        var s = Fixtures.smallState()
        s.selected = 1
        XCTAssertEqual(s.stacks[1].group?.name, "C4")
        _ = s.handle(.key(.char("4")))                      // a view key: focus moves to Views
        XCTAssertEqual(s.focus, .views)
        let o = s.handle(.key(.char("G")))
        XCTAssertTrue(o.effects.isEmpty && o.logged.isEmpty, "the key is not run on a pane the user is not looking at")
        XCTAssertEqual(s.focus, .stack)
        XCTAssertFalse(s.status.contains("no command"), s.status)
        XCTAssertTrue(s.status.contains("Stack") && s.status.contains("stack.set-group"), s.status)
        XCTAssertEqual(s.stacks[1].group?.name, "C4")
        _ = s.handle(.key(.char("G")))                      // now in the Stack pane: it runs
        XCTAssertNotEqual(s.stacks[1].group?.name, "C4")
        // Every pane-specific key behaves so from every other pane.
        for spec in CommandRegistry.all where spec.pane != nil {
            for key in spec.keys {
                for pane in Pane.allCases where pane != spec.pane {
                    var t = Fixtures.smallState()
                    t.focus = pane
                    _ = t.handle(.key(key))
                    XCTAssertEqual(t.focus, spec.pane, "\(CommandRegistry.label(key)) from \(pane)")
                }
            }
        }
        // A key bound nowhere still says so.
        var u = Fixtures.smallState()
        _ = u.handle(.key(.char("Z")))
        XCTAssertTrue(u.status.contains("no command on Z"), u.status)
    }

    // MARK: palette

    /// Issue 14: the palette said "no matching command" while arguments were typed, then ran it.
    func testPaletteKeepsMatchingWhileArgumentsAreTyped() throws {
        var s = Fixtures.smallState()
        _ = s.handle(.key(.char(":")))
        let line = "view.gram kernel=nngp"
        for ch in line {
            _ = s.handle(.key(.char(ch)))
            guard case .palette(let p)? = s.modal else { return XCTFail("palette closed") }
            let m = p.matches(CommandRegistry.paletteCommands)
            XCTAssertEqual(m.first?.name.hasPrefix(CommandPaletteState.namePart(p.query.string)), true, p.query.string)
            if p.query.string.count >= "view.gram".count { XCTAssertEqual(m.first?.name, "view.gram", p.query.string) }
            let screen = MainScreen.render(s, width: 120, height: 36)
            XCTAssertFalse(screen.text.contains("no matching command"), "after typing \(p.query.string.debugDescription)")
        }
        let o = s.handle(.key(.enter))
        XCTAssertNil(s.modal)
        XCTAssertEqual(s.view.kind, .gram)
        XCTAssertEqual(s.view.kernel, .nngp)
        XCTAssertEqual(o.logged.first?.name, "view.gram")
        // A misspelt name is still "no matching command" (and Enter reports it).
        _ = s.handle(.key(.char(":")))
        for ch in "vxq.zz kernel=ntk" { _ = s.handle(.key(.char(ch))) }
        XCTAssertTrue(MainScreen.render(s, width: 120, height: 36).text.contains("no matching command"))
    }

    // MARK: reopening a session

    private func gramViewState() -> (AppState, Computation) {
        var s = Fixtures.smallState()
        s.view.kind = .gram
        let c = s.computations(for: s.view)[0]
        return (s, c)
    }

    /// Issue 14: reopening a session silently restarted its last heavy job (an 8-minute Gram).
    func testReopeningAsksBeforeRecomputingAndSaysWhatAndHowLong() throws {
        var (s, c) = gramViewState()
        let effects = s.reopen(isCached: { _ in false }, history: [c.key: "took 8m12s last time"])
        XCTAssertTrue(effects.isEmpty, "nothing starts without asking")
        guard case .confirmCompute(let p)? = s.modal else { return XCTFail("expected the question") }
        XCTAssertEqual(p.computations, [c])
        XCTAssertEqual(p.lines, ["\(c.title) — took 8m12s last time"])
        let screen = MainScreen.render(s, width: 120, height: 36).text
        XCTAssertTrue(screen.contains("Compute?") && screen.contains("took 8m12s last time") && screen.contains("y/Enter"), screen)
        // y starts it.
        var yes = s
        let o = yes.handle(.key(.char("y")))
        XCTAssertNil(yes.modal)
        XCTAssertEqual(o.effects.count, 1)
        if case .start(let started)? = o.effects.first { XCTAssertEqual(started, c) } else { XCTFail("\(o.effects)") }
        // n (or any other key) leaves it, and says how to compute later.
        var no = s
        XCTAssertTrue(no.handle(.key(.char("n"))).effects.isEmpty)
        XCTAssertNil(no.modal)
        XCTAssertTrue(no.status.contains("r computes"), no.status)
        XCTAssertTrue(ViewBuilder.content(no).notes.joined().contains("press r"))
        // What the cache answers starts at once, without a question.
        var (t, c2) = gramViewState()
        let e2 = t.reopen(isCached: { $0 == c2 })
        XCTAssertNil(t.modal)
        XCTAssertEqual(e2.count, 1)
    }

    func testJobHistoryFromTheSessionLog() {
        let text = """
        {"entk_session":1}
        {"event":"job.start","job":1,"hash":"aa","what":"Gram cnn"}
        {"event":"job.finish","job":1,"hash":"aa","status":"done","seconds":492.4}
        {"event":"job.start","job":2,"hash":"bb"}
        {"event":"job.finish","job":2,"hash":"bb","status":"cancelled","seconds":40}
        {"event":"job.start","job":3,"hash":"cc"}
        """
        let h = AppState.jobHistory(SessionFile.parse(text, path: "t.jsonl"))
        XCTAssertEqual(h["aa"], "took 8m12s last time")
        XCTAssertEqual(h["bb"], "cancelled after 40s last time")
        XCTAssertEqual(h["cc"], "interrupted last time (no finish recorded)")
        XCTAssertEqual(AppState.duration(3725), "1h02m")
        XCTAssertEqual(AppState.duration(2.25), "2.2s")
    }

    /// The cache check the reopen question relies on: files on disk, read nothing.
    func testRunnerKnowsWhatTheCacheAnswers() throws {
        let dir = Fixtures.tempDir("reopen")
        var (s, c) = gramViewState()
        let runner = ComputeRunner(cache: GramCache(directory: dir), threads: 1)
        XCTAssertFalse(runner.isCached(c))
        _ = try runner.run(c, progress: JobProgress())
        let fresh = ComputeRunner(cache: GramCache(directory: dir), threads: 1)   // as after a restart
        XCTAssertTrue(fresh.isCached(c))
        XCTAssertTrue(fresh.isCached(.spectrum(s.stacks[s.selected], s.data)))
        XCTAssertFalse(fresh.isCached(.learningCurve(s.stacks[s.selected], s.data, sizes: [2], time: nil)), "needs the test×train block too")
        XCTAssertTrue(s.reopen(isCached: fresh.isCached).count == 1 && s.modal == nil)
    }

    // MARK: Grams computed once

    /// Issue 14: the spectrum pressed while `g` still ran computed the same Gram again.
    func testSpectrumStartedWhileTheGramRunsWaitsForItInsteadOfRecomputing() throws {
        var s = Fixtures.smallState()
        s.data = try s.data.applying(["train": "30", "size": "8"])
        for i in s.stacks.indices { s.stacks[i].spec.inputShape = s.data.inputShape }
        let st = s.stacks[0]
        let cache = GramCache(directory: nil)
        let center = JobCenter(runner: ComputeRunner(cache: cache, threads: 1))
        center.start(.gram(st, s.data))
        center.start(.spectrum(st, s.data))
        XCTAssertTrue(center.waitForAll(timeout: 120))
        XCTAssertEqual(cache.stats.computed, 1, "one Gram computation for both jobs")
        var gram: KernelMatrices?, spectrum: [Double]?
        for f in center.takeFinished() {
            XCTAssertEqual(f.snapshot.status, .done)
            if case .gram(let m, _, _)? = f.result { gram = m }
            if case .spectrum(_, let ntk)? = f.result { spectrum = ntk }
        }
        guard let g = gram, let sp = spectrum else { return XCTFail("missing results") }
        let expected = try LinearAlgebra.symmetricEigen(g.ntk, vectors: false).values.sorted(by: >)
        XCTAssertEqual(sp.count, expected.count)
        for (a, b) in zip(sp, expected) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b))) }
    }

    /// Issue 14: the learning curve recomputed the training Gram (104 s again). Now it reads
    /// it and computes only the test×train block; its values match a full Gram over
    /// train+test computed independently.
    func testLearningCurveReusesTheTrainingGramAndComputesOnlyTheCrossBlock() throws {
        let s = Fixtures.smallState()
        let st = s.stacks[0]
        let cache = GramCache(directory: nil)
        let runner = ComputeRunner(cache: cache, threads: 1)
        _ = try runner.run(.gram(st, s.data), progress: JobProgress())
        XCTAssertEqual(cache.stats.computed, 1)
        let curve = Computation.learningCurve(st, s.data, sizes: [2, 4, 6], time: nil)
        let p = JobProgress()
        guard case .learningCurve(let sizes, let lines, _) = try runner.run(curve, progress: p) else { return XCTFail() }
        XCTAssertEqual(cache.stats.computed, 2, "only the test×train block is new")
        XCTAssertEqual(p.note, "reusing the Gram")
        // Independent: one Gram over train+test, as the curve used to be computed.
        var spec = st.spec
        spec.inputShape = s.data.inputShape
        let (train, test) = try s.data.load()
        let full = try GramEngine(spec: spec, threads: 1).compute(try InputBatch(shape: train.shape, data: train.images + test.images)).ntk
        guard let cross = cache.lookup(curve.crossKey)?.ntk else { return XCTFail("cross block not cached") }
        XCTAssertEqual(cross.rows, test.count)
        for a in 0..<test.count { for b in 0..<train.count {
            XCTAssertEqual(cross[a, b], full[train.count + a, b], accuracy: 1e-12 * max(1, abs(full[train.count + a, b])))
        } }
        let classes = max(train.classCount, (train.labels.max() ?? 0) + 1)
        for (k, n) in sizes.enumerated() {
            var ktt = Matrix(rows: n, cols: n), kst = Matrix(rows: test.count, cols: n)
            for i in 0..<n { for j in 0..<n { ktt[i, j] = full[i, j] } }
            for i in 0..<test.count { for j in 0..<n { kst[i, j] = full[train.count + i, j] } }
            let y = Metrics.oneHot(Array(train.labels[0..<n]), classes: classes, centred: true)
            let pred = try KernelRegression(kTrainTrain: ktt, diagReg: 1e-6).predict(kTestTrain: kst, targets: y)
            XCTAssertEqual(lines[0].values[k], Metrics.accuracy(pred.values, labels: test.labels), accuracy: 1e-12)
        }
        // Run again: everything from the cache.
        let p2 = JobProgress()
        _ = try runner.run(curve, progress: p2)
        XCTAssertEqual(cache.stats.computed, 2)
        XCTAssertEqual(p2.note, "cache hit")
    }

    /// Issue 14: a cached job showed `0% (12.3s)`. It now says "cache hit" while it loads,
    /// in the Jobs pane when done, and in the status line.
    func testACachedJobShowsAsACacheHit() throws {
        var s = Fixtures.smallState()
        let c = s.computations(for: s.view)[0]
        let center = JobCenter(runner: ComputeRunner(cache: GramCache(directory: nil), threads: 1))
        center.start(c)
        XCTAssertTrue(center.waitForAll(timeout: 60))
        XCTAssertNil(center.takeFinished().first?.snapshot.note)
        center.start(c)
        XCTAssertTrue(center.waitForAll(timeout: 60))
        guard let f = center.takeFinished().first else { return XCTFail() }
        XCTAssertEqual(f.snapshot.note, "cache hit")
        s.receive(f)
        XCTAssertTrue(s.status.contains("cache hit"), s.status)
        s.jobs = center.snapshots()
        let screen = MainScreen.render(s, width: 120, height: 36).text
        XCTAssertTrue(screen.contains("(cache hit)"), screen)
        // While it loads, the view note says cache hit rather than 0 %.
        var t = Fixtures.smallState()
        t.results = [:]
        t.jobs = [JobSnapshot(id: 9, title: c.title, key: c.key, status: .running, fraction: 0, elapsed: 12.3, eta: nil, note: "cache hit")]
        let note = ViewBuilder.pending(t, c)
        XCTAssertTrue(note.contains("cache hit") && !note.contains("0%"), note)
    }
}
