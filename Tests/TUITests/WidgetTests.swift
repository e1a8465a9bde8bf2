import XCTest
import CellSurface
@testable import TUI

final class WidgetTests: XCTestCase {
    private func render(_ w: some Widget, _ width: Int, _ height: Int) -> CellBuffer {
        var b = CellBuffer(width: width, height: height)
        b.render(w, in: b.area)
        return b
    }

    func testTextFieldEditing() {
        var s = TextFieldState("wdth")
        s.handle(.key(.left)); s.handle(.key(.left)); s.handle(.key(.left))
        s.handle(.key(.char("i")))
        XCTAssertEqual(s.string, "width"); XCTAssertEqual(s.cursor, 2)
        s.handle(.key(.backspace)); XCTAssertEqual(s.string, "wdth")
        s.handle(.key(.delete)); XCTAssertEqual(s.string, "wth"); XCTAssertEqual(s.cursor, 1)
        s.handle(.key(.end)); s.handle(.key(.char("!"))); XCTAssertEqual(s.string, "wth!")
        s.handle(.key(.home)); s.handle(.key(.backspace)); XCTAssertEqual(s.string, "wth!") // nothing before
        s.handle(.key(.right)); s.handle(.key(.ctrl("u"))); XCTAssertEqual(s.string, "th!"); XCTAssertEqual(s.cursor, 0)
        XCTAssertFalse(s.handle(.key(.up)))
    }

    func testFormFieldSnapshot() {
        var s = TextFieldState("12a")
        s.moveLeft()
        let f = FormField(label: "width", state: s, focused: true, error: "must be a positive integer")
        let b = render(f, 40, 2)
        assertSnapshot(snapshotText(b), named: "form_field_error")
        XCTAssertTrue(b[9, 0].reverse, "cursor cell should be highlighted") // "width: " + "12" → x = 9
        XCTAssertEqual(b[9, 0].glyph, "a")
        XCTAssertEqual(b[7, 1].fg, Theme().error)
    }

    func testListScrolling() {
        var st = ListState()
        for _ in 0..<7 { st.handle(.key(.down), count: 10, visibleRows: 4) }
        XCTAssertEqual(st.selected, 7); XCTAssertEqual(st.offset, 4)
        st.handle(.key(.end), count: 10, visibleRows: 4); XCTAssertEqual(st.selected, 9); XCTAssertEqual(st.offset, 6)
        st.handle(.key(.pageUp), count: 10, visibleRows: 4); XCTAssertEqual(st.selected, 6)
        st.handle(.key(.home), count: 10, visibleRows: 4); XCTAssertEqual(st, ListState(selected: 0, offset: 0))
        st.handle(.mouse(MouseEvent(button: .scrollDown, x: 0, y: 0)), count: 10, visibleRows: 4)
        XCTAssertEqual(st.selected, 1)
        st.handle(.key(.up), count: 10, visibleRows: 4); st.handle(.key(.up), count: 10, visibleRows: 4)
        XCTAssertEqual(st.selected, 0)
        let area = Rect(x: 5, y: 2, width: 10, height: 4)
        var clicked = ListState(selected: 0, offset: 3)
        XCTAssertTrue(clicked.click(.mouse(MouseEvent(button: .left, x: 6, y: 4)), area: area, count: 10))
        XCTAssertEqual(clicked.selected, 5)
        XCTAssertFalse(clicked.click(.mouse(MouseEvent(button: .left, x: 1, y: 4)), area: area, count: 10)) // outside
        XCTAssertFalse(clicked.click(.mouse(MouseEvent(button: .left, x: 6, y: 5)), area: area, count: 5))  // below last item
        let b = render(ListView(items: (0..<10).map { "item \($0)" }, state: ListState(selected: 7, offset: 4)), 16, 4)
        assertSnapshot(snapshotText(b), named: "list_scrolled")
        XCTAssertEqual(b.lines[3].hasPrefix("▶ item 7"), true)
    }

    func testTabs() {
        let t = TabsBar(titles: ["Kernel", "Spectrum"], selected: 0)
        XCTAssertEqual(t.tab(atColumn: 0), 0); XCTAssertEqual(t.tab(atColumn: 7), 0)
        XCTAssertNil(t.tab(atColumn: 8)); XCTAssertEqual(t.tab(atColumn: 9), 1)
        XCTAssertEqual(TabsBar.cycle(0, count: 3, by: -1), 2)
        XCTAssertEqual(TabsBar.cycle(2, count: 3, by: 1), 0)
        let b = render(t, 24, 1)
        XCTAssertEqual(b.lines, [" Kernel │ Spectrum      "])
        XCTAssertTrue(b[1, 0].reverse); XCTAssertFalse(b[10, 0].reverse)
    }

    func testProgressBar() {
        XCTAssertEqual(ProgressBar(fraction: 0.25, elapsed: 30).eta, 90)
        XCTAssertNil(ProgressBar(fraction: 0, elapsed: 3).eta)
        XCTAssertEqual(ProgressBar(fraction: 1, elapsed: 3).eta, 0)
        // 16-cell bar, 0.47 → 60 eighths = 7 full cells + a half block.
        let b = render(ProgressBar(label: "NTK", fraction: 0.47, elapsed: 65), 40, 1)
        XCTAssertEqual(b.lines[0], "NTK ▕███████▌        ▏ 47% 1:05 ETA 1:13")
        let a = render(ProgressBar(label: "NTK", fraction: 0.47, elapsed: 65, theme: Theme(unicode: false)), 40, 1)
        XCTAssertEqual(a.lines[0], "NTK [#######=        ] 47% 1:05 ETA 1:13")
        let unknown = render(ProgressBar(fraction: .nan, elapsed: 1), 30, 1)
        XCTAssertTrue(unknown.lines[0].contains("--% 0:01 ETA --:--"))
    }

    func testStatusLineDropsHintsThatDoNotFit() {
        let hints: [(key: String, action: String)] = [("q", "quit"), ("?", "help"), (":", "command")]
        let wide = render(StatusLine(message: "ready", hints: hints), 50, 1)
        XCTAssertEqual(wide.lines[0], " ready                  q quit  ? help  : command ")
        let narrow = render(StatusLine(message: "ready", hints: hints), 24, 1)
        XCTAssertTrue(narrow.lines[0].hasSuffix(": command "), narrow.lines[0])
        XCTAssertFalse(narrow.lines[0].contains("quit"))
        XCTAssertTrue(wide[0, 0].reverse)
    }

    func testHelpModalScrolls() {
        let rows: [(key: String, description: String)] = (1...12).map { ("F\($0)", "action number \($0)") }
        var st = HelpState()
        let area = Rect(x: 0, y: 0, width: 40, height: 10)
        let modal = HelpModal(rows: rows, state: st)
        let visible = modal.visibleRows(in: area)
        XCTAssertEqual(visible, 7)
        XCTAssertEqual(st.handle(.key(.end), rowCount: rows.count, visibleRows: visible), .none)
        XCTAssertEqual(st.offset, 5)
        _ = st.handle(.key(.down), rowCount: rows.count, visibleRows: visible)
        XCTAssertEqual(st.offset, 5) // clamped
        _ = st.handle(.key(.pageUp), rowCount: rows.count, visibleRows: visible)
        XCTAssertEqual(st.offset, 0)
        _ = st.handle(.key(.down), rowCount: rows.count, visibleRows: visible)
        XCTAssertEqual(st.handle(.key(.escape), rowCount: rows.count, visibleRows: visible), .close)
        var b = CellBuffer(width: 40, height: 10, fill: Cell("."))
        b.render(HelpModal(rows: rows, state: st), in: area)
        assertSnapshot(snapshotText(b), named: "help_modal_scrolled")
        XCTAssertTrue(b.text.contains("F2"))
        XCTAssertFalse(b.text.contains("F1 "))
    }

    func testCommandPaletteFilterCompleteRun() {
        let cmds = [PaletteCommand(name: "export-png", description: "save heatmap as PNG"),
                    PaletteCommand(name: "export-svg", description: "save as SVG"),
                    PaletteCommand(name: "quit", description: "leave"),
                    PaletteCommand(name: "explain", description: "what is this"),
                    PaletteCommand(name: "reexport", description: "again")]
        XCTAssertEqual(CommandPaletteState.filter(cmds, query: "exp").map(\.name), ["export-png", "export-svg", "explain", "reexport"])
        XCTAssertEqual(CommandPaletteState.filter(cmds, query: "ESV").map(\.name), ["export-svg"]) // subsequence, case-insensitive
        XCTAssertEqual(CommandPaletteState.commonPrefix(["export-png", "export-svg"]), "export-")
        var st = CommandPaletteState()
        for c in "expo" { XCTAssertEqual(st.handle(.key(.char(c)), commands: cmds), .none) }
        XCTAssertEqual(st.handle(.key(.tab), commands: cmds), .none)
        XCTAssertEqual(st.query.string, "export-")
        _ = st.handle(.key(.down), commands: cmds)
        XCTAssertEqual(st.selected, 1)
        var b = CellBuffer(width: 50, height: 10)
        b.render(CommandPalette(commands: cmds, state: st), in: b.area)
        assertSnapshot(snapshotText(b), named: "command_palette")
        XCTAssertEqual(st.handle(.key(.enter), commands: cmds), .run("export-svg"))
        _ = st.handle(.key(.char("z")), commands: cmds)
        XCTAssertEqual(st.selected, 0)
        XCTAssertEqual(st.handle(.key(.enter), commands: cmds), .none) // nothing matches
        XCTAssertEqual(st.handle(.key(.escape), commands: cmds), .cancel)
    }

    func testPanelAsciiFallback() {
        let b = render(Panel(title: "K", theme: Theme(unicode: false)), 8, 3)
        XCTAssertEqual(b.lines, ["+ K ---+", "|      |", "+------+"])
        let u = render(Panel(title: "K"), 8, 3)
        XCTAssertEqual(u.lines, ["┌ K ───┐", "│      │", "└──────┘"])
    }
}
