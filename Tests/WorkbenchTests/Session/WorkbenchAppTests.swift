import XCTest
import Plotting
import TUI
@testable import Workbench

/// The interactive loop on a FakeScreen: keys go through the registry, jobs run in the
/// background while frames keep coming, interactive replay steps with Space.
final class WorkbenchAppTests: XCTestCase {
    private func driver(_ s: AppState, log: SessionLog? = nil) -> SessionDriver {
        SessionDriver(state: s, center: JobCenter(runner: ComputeRunner(cache: GramCache(directory: nil), threads: 1)), log: log)
    }

    func testFramesKeepComingWhileAJobRunsAndQuitAsks() throws {
        var s = Fixtures.smallState()
        s.data = try s.data.applying(["train": "60", "size": "10"])
        for i in s.stacks.indices { s.stacks[i].spec.inputShape = s.data.inputShape }
        let d = driver(s)
        let screen = FakeScreen(width: 120, height: 36, script: [.key(.char("g"))])
        let app = WorkbenchApp(driver: d, screen: screen)
        app.run(maxFrames: 5)
        XCTAssertEqual(d.state.runningJobs, 1, "g started a background job and the loop did not wait for it")
        XCTAssertTrue(screen.lastBuffer?.text.contains("1 running") ?? false)
        screen.script = [.key(.char("q"))]
        app.run(maxFrames: 10)
        XCTAssertEqual(d.state.modal, .confirmQuit)
        screen.script = [.key(.char("y"))]
        app.run(maxFrames: 20)
        XCTAssertTrue(d.quitRequested)
        XCTAssertTrue(d.center?.waitForAll(timeout: 30) ?? false, "quitting cancels the job")
    }

    func testResizeToTooSmallAndBack() {
        let d = driver(Fixtures.smallState())
        let screen = FakeScreen(width: 120, height: 36, script: [.resize(width: 50, height: 10)])
        WorkbenchApp(driver: d, screen: screen).run(maxFrames: 2)
        XCTAssertTrue(screen.lastBuffer?.text.lowercased().contains("small") ?? false)
    }

    func testInteractiveReplayStepsWithSpace() throws {
        let text = """
        {"entk_session":1}
        {"cmd":"data.choose","args":{"train":"6","size":"6"}}
        {"cmd":"stack.new","args":{"name":"a","preset":"mlp"}}
        {"cmd":"stack.set-param","args":{"layer":"1","param":"W_std","value":"-3"}}
        {"cmd":"stack.new","args":{"name":"b","preset":"cnn"}}
        """
        let f = SessionFile.parse(text, path: "r.jsonl")
        var s = AppState()
        s.replay = ReplayCursor(commands: f.commands.map(\.invocation), lines: f.commands.map(\.line), playing: false)
        let d = driver(s)
        let screen = FakeScreen(width: 120, height: 36, script: [.key(.char(" ")), .key(.char(" ")), .key(.char(" "))])
        WorkbenchApp(driver: d, screen: screen).run(maxFrames: 4)
        XCTAssertEqual(d.state.replay?.next, 3)
        XCTAssertEqual(d.state.replay?.failed, 1)
        XCTAssertTrue(screen.lastBuffer?.text.contains("⏸ 3/4") ?? false, screen.lastBuffer?.text ?? "")
        XCTAssertTrue(screen.lastBuffer?.text.contains("line 4: stack.set-param") ?? false)
        screen.script = [.key(.char(" "))]
        WorkbenchApp(driver: d, screen: screen).run(maxFrames: 2)
        XCTAssertEqual(d.state.stacks.map(\.name), ["a", "b"])
    }

    func testKeysAreRecordedInTheSession() throws {
        let dir = Fixtures.tempDir("applog")
        let log = try SessionLog(path: dir + "/s.jsonl", header: SessionFile.headerLine(seed: 0, terminal: (120, 36)))
        let d = driver(Fixtures.smallState(), log: log)
        let screen = FakeScreen(width: 120, height: 36, script: [.key(.char("x")), .key(.char("4")), .key(.char("t")), .key(.char("j"))])
        WorkbenchApp(driver: d, screen: screen).run(maxFrames: 6)
        _ = d.center?.waitForAll(timeout: 60)
        d.poll()
        let f = try SessionFile.load(path: dir + "/s.jsonl")
        XCTAssertEqual(f.commands.map(\.invocation.name), ["stack.remove-layer", "view.spectrum", "view.kernel"], "cursor moves are not recorded")
        XCTAssertEqual(f.entries.filter { $0.event == "job.start" }.count, 2)
        XCTAssertEqual(f.entries.filter { $0.event == "job.finish" }.count, 2)
    }
}

/// Frames stay cheap when the view shows a large result (the render cache).
final class FrameCostTests: XCTestCase {
    func testRedrawOfALargeBlockMatrixIsFast() throws {
        var s = Fixtures.smallState()
        s.data = try s.data.applying(["size": "16"])
        for i in s.stacks.indices { s.stacks[i].spec.inputShape = s.data.inputShape }
        s.selected = 1
        _ = try s.perform(Invocation("view.symmetry-blocks"))
        try Fixtures.computeView(&s)   // 1024×1024 block matrix
        let cache = ViewRenderCache()
        let t0 = Date()
        let first = MainScreen.render(s, width: 120, height: 36, viewCache: cache)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 0.05, "the first frame must not build the view on the UI thread")
        XCTAssertTrue(first.text.contains("preparing the view"))
        cache.waitIdle()
        let t1 = Date()
        var again = first
        for _ in 0..<10 { again = MainScreen.render(s, width: 120, height: 36, viewCache: cache) }
        let perFrame = Date().timeIntervalSince(t1) / 10
        XCTAssertEqual(again, MainScreen.render(s, width: 120, height: 36), "the cached view equals the inline render")
        XCTAssertLessThan(perFrame, 0.05, "a redraw takes \(perFrame)s; the UI would drop below 20 fps")
    }
}
