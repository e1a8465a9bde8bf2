import XCTest
import CellSurface
@testable import TUI

final class ScreenTests: XCTestCase {
    func testSecondIdenticalFrameWritesNothing() {
        let screen = FakeScreen(width: 20, height: 5)
        var buf = screen.makeBuffer()
        buf.put("hello", x: 1, y: 1)
        screen.draw(buf)
        screen.draw(buf)
        XCTAssertEqual(screen.writesPerDraw, [100, 0])
        buf.put("J", x: 1, y: 1)
        screen.draw(buf)
        XCTAssertEqual(screen.writesPerDraw.last, 1)
        XCTAssertEqual(screen.shown, buf)
        XCTAssertEqual(FrameDiff.changes(from: buf, to: buf), [])
        var styled = buf
        styled[1, 1].bold = true // style-only change is a change too
        XCTAssertEqual(FrameDiff.changes(from: buf, to: styled).map { [$0.x, $0.y] }, [[1, 1]])
    }

    func testResizeForcesFullRedraw() {
        let screen = FakeScreen(width: 10, height: 3, script: [.key(.char("x")), .resize(width: 12, height: 4)])
        screen.draw(screen.makeBuffer())
        XCTAssertEqual(screen.nextEvent(timeoutMS: 50), .key(.char("x")))
        XCTAssertEqual(screen.nextEvent(timeoutMS: 50), .resize(width: 12, height: 4))
        XCTAssertEqual(screen.width, 12)
        screen.draw(screen.makeBuffer())
        XCTAssertEqual(screen.writesPerDraw, [30, 48])
        XCTAssertNil(screen.nextEvent(timeoutMS: 50))
    }

    func testTooSmallScreen() {
        let small = TooSmallView.frame(width: 30, height: 7, minWidth: 80, minHeight: 24) { buf in
            buf.put("CONTENT", x: 0, y: 0)
        }
        XCTAssertFalse(small.text.contains("CONTENT"))
        XCTAssertTrue(small.text.contains("30×7, need 80×24"), small.text)
        assertSnapshot(snapshotText(small), named: "too_small")
        let ok = TooSmallView.frame(width: 80, height: 24, minWidth: 80, minHeight: 24) { buf in buf.put("CONTENT", x: 0, y: 0) }
        XCTAssertTrue(ok.lines[0].hasPrefix("CONTENT"))
        let ascii = TooSmallView.frame(width: 30, height: 7, minWidth: 80, minHeight: 24, theme: Theme(unicode: false)) { _ in }
        XCTAssertTrue(ascii.text.contains("30x7, need 80x24"))
    }

    /// Issue 14: the too-small screen cut its own "press q" text. At every size the quit
    /// hint shows whole (never a cut word), "press q to quit" down to 10×3.
    func testTooSmallScreenAlwaysShowsTheWholeQuitHint() {
        for unicode in [true, false] {
            let theme = Theme(unicode: unicode)
            let x = unicode ? "×" : "x"
            for w in 1...90 { for h in 1...14 where w < 80 || h < 24 {
                let buf = TooSmallView.frame(width: w, height: h, minWidth: 80, minHeight: 24, theme: theme) { _ in }
                let words = buf.lines.flatMap { $0.split(separator: " ").map(String.init) }
                let text = " " + words.joined(separator: " ") + " "
                // Every word shown is a whole word of one of the messages.
                let vocabulary = Set(["Terminal", "too", "small", "Too", "\(w)\(x)\(h),", "need", "80\(x)24",
                                      "Resize", "Resize,", "it,", "or", "press", "q", "to", "quit", "q:"])
                for word in words { XCTAssertTrue(vocabulary.contains(word), "\(w)×\(h): cut word \(word.debugDescription) in\n\(buf.text)") }
                if w >= 10 && h >= 3 {
                    XCTAssertTrue(text.contains(" press q to quit "), "\(w)×\(h):\n\(buf.text)")
                } else if w >= 7 {
                    XCTAssertTrue(text.contains(" press q to quit ") || text.contains(" q: quit "), "\(w)×\(h):\n\(buf.text)")
                } else {
                    XCTAssertTrue(text.contains(" q: quit ") || text.contains(" q "), "\(w)×\(h):\n\(buf.text)")
                }
            } }
        }
        // The size line is kept whenever it fits beside the hint.
        let mid = TooSmallView.frame(width: 20, height: 6, minWidth: 80, minHeight: 24) { _ in }
        let midWords = mid.lines.flatMap { $0.split(separator: " ") }.joined(separator: " ")
        XCTAssertTrue(midWords.contains("need 80×24") && midWords.contains("press q to quit"), mid.text)
    }

    /// A whole frame as the workbench would compose it, drawn through FakeScreen.
    func testComposedScreenSnapshot() {
        let screen = FakeScreen(width: 60, height: 16)
        var buf = screen.makeBuffer()
        let (top, rest) = buf.area.splitTop(1)
        let (body, status) = rest.splitBottom(1)
        let (left, right) = body.splitLeft(22)
        buf.render(TabsBar(titles: ["Kernel", "Spectrum", "Runs"], selected: 1), in: top)
        Panel(title: "Datasets", focused: true).render(into: &buf, area: left)
        buf.render(ListView(items: (1...12).map { "dataset-\($0)" }, state: ListState(selected: 8)), in: Panel.inner(left))
        Panel(title: "Progress").render(into: &buf, area: right)
        buf.render(ProgressBar(label: "NTK", fraction: 0.25, elapsed: 30), in: Rect(x: right.x + 1, y: right.y + 1, width: right.width - 2, height: 1))
        buf.render(StatusLine(message: "ready", hints: [("q", "quit"), ("?", "help"), (":", "command")]), in: status)
        screen.draw(buf)
        assertSnapshot(snapshotText(screen.shown), named: "composed_screen")
        // Selected row of the list is highlighted (reverse video) and scrolled into view.
        let row = screen.shown.lines.firstIndex { $0.contains("▶ dataset-9") }
        XCTAssertNotNil(row)
        if let r = row { XCTAssertTrue(screen.shown[2, r].reverse) }
    }
}
