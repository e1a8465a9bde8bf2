import XCTest
import NTKEngine
@testable import Workbench

final class JobCenterTests: XCTestCase {
    func testJobRunsInTheBackgroundAndDeliversOnce() throws {
        let s = Fixtures.smallState()
        let center = JobCenter(runner: ComputeRunner(cache: GramCache(directory: nil), threads: 1))
        let c = Computation.gram(s.stacks[0], s.data)
        let id = center.start(c)
        XCTAssertEqual(center.start(c), id, "the same computation is not started twice")
        XCTAssertTrue(center.waitForAll(timeout: 60))
        let done = center.takeFinished()
        XCTAssertEqual(done.count, 1)
        XCTAssertEqual(done.first?.snapshot.status, .done)
        guard case .gram(let m, let labels, _)? = done.first?.result else { return XCTFail() }
        XCTAssertEqual(m.ntk.rows, 6)
        XCTAssertEqual(labels.count, 6)
        XCTAssertTrue(center.takeFinished().isEmpty)
    }

    func testCancelStopsTheJobNotTheCaller() throws {
        var s = Fixtures.smallState()
        s.data = try s.data.applying(["train": "200", "size": "12"])
        var st = s.stacks[1]
        st.spec.inputShape = s.data.inputShape
        let center = JobCenter(runner: ComputeRunner(cache: GramCache(directory: nil), threads: 1))
        let id = center.start(.gram(st, s.data))
        let deadline = Date().addingTimeInterval(30)
        while (center.snapshots().first?.fraction ?? 0) == 0 && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(center.cancel(id: id), 1)
        XCTAssertTrue(center.waitForAll(timeout: 30))
        XCTAssertEqual(center.takeFinished().first?.snapshot.status, .cancelled)
    }

    func testFailuresAreMessagesNotCrashes() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("stack.add-layer", ["type": "dense", "at": "0"]))
        let center = JobCenter(runner: ComputeRunner(cache: GramCache(directory: nil), threads: 1))
        center.start(.gram(s.stacks[0], s.data))
        XCTAssertTrue(center.waitForAll(timeout: 30))
        guard case .failed(let msg)? = center.takeFinished().first?.snapshot.status else { return XCTFail("expected a failure") }
        XCTAssertTrue(msg.contains("layers[0].type"), msg)
    }

    func testGramCacheByContentHashInMemoryAndOnDisk() throws {
        let dir = Fixtures.tempDir("cache")
        let s = Fixtures.smallState()
        let c = Computation.gram(s.stacks[0], s.data)
        let cache1 = GramCache(directory: dir)
        let r1 = try ComputeRunner(cache: cache1, threads: 1).run(c, progress: JobProgress())
        XCTAssertEqual(cache1.stats.computed, 1)
        _ = try ComputeRunner(cache: cache1, threads: 1).run(.spectrum(s.stacks[0], s.data), progress: JobProgress())
        XCTAssertEqual(cache1.stats.memory, 1, "the spectrum reuses the Gram")
        let cache2 = GramCache(directory: dir)
        let r2 = try ComputeRunner(cache: cache2, threads: 1).run(c, progress: JobProgress())
        XCTAssertEqual(cache2.stats.disk, 1)
        XCTAssertEqual(cache2.stats.computed, 0)
        guard case .gram(let a, _, _) = r1, case .gram(let b, _, _) = r2 else { return XCTFail() }
        XCTAssertEqual(a.ntk, b.ntk)
        // The key depends on content, not on the stack's display name.
        var renamed = s.stacks[0]; renamed.name = "other"
        XCTAssertEqual(Computation.gram(renamed, s.data).key, c.key)
        var edited = s.stacks[0]; edited.spec.layers.removeLast(); edited.spec.layers.append(.dense(.init(wStd: 2)))
        XCTAssertNotEqual(Computation.gram(edited, s.data).key, c.key)
        XCTAssertNotEqual(Computation.gram(s.stacks[0], try s.data.applying(["seed": "9"])).key, c.key)
    }
}
