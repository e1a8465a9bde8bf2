import XCTest
@testable import Plotting

final class ColorTests: XCTestCase {
    func testViridisAnchorsAndEndpoints() {
        XCTAssertEqual(Colormap.viridis.color(at: 0), RGB(hex: 0x440154))
        XCTAssertEqual(Colormap.viridis.color(at: 1), RGB(hex: 0xFDE725))
        XCTAssertEqual(Colormap.viridis.color(at: 0.5), RGB(hex: 0x21908C))
        // Clamping outside the unit interval.
        XCTAssertEqual(Colormap.viridis.color(at: -3), RGB(hex: 0x440154))
        XCTAssertEqual(Colormap.viridis.color(at: 7), RGB(hex: 0xFDE725))
        // Viridis is monotone in luminance — the property that makes it readable.
        var last = -1.0
        for k in 0...20 {
            let l = Colormap.viridis.color(at: Double(k) / 20).luminance
            XCTAssertGreaterThan(l, last, "luminance not increasing at \(k)")
            last = l
        }
    }

    func testDivergingIsCenteredAtZero() {
        XCTAssertEqual(Colormap.diverging.color(at: 0.5), RGB(hex: 0xF7F7F7))
        let scale = ValueScale(values: [-1, 0.5, 3], normalization: .linear, diverging: true)
        XCTAssertEqual(scale.low, -3); XCTAssertEqual(scale.high, 3)
        XCTAssertEqual(scale.unit(0), 0.5)
        XCTAssertEqual(Colormap.diverging.color(at: 0).hex, 0x053061)
        XCTAssertEqual(Colormap.diverging.color(at: 1).hex, 0x67001F)
    }

    func testNaNColorIsDistinct() {
        let nan = Colormap.viridis.color(at: .nan)
        XCTAssertEqual(nan, Colormap.viridis.nanColor)
        for k in 0...100 { XCTAssertNotEqual(Colormap.viridis.color(at: Double(k) / 100), nan) }
    }

    func testNearest256OfPureColors() {
        XCTAssertEqual(XtermPalette.nearest256(RGB(255, 0, 0)), 196)
        XCTAssertEqual(XtermPalette.nearest256(RGB(0, 255, 0)), 46)
        XCTAssertEqual(XtermPalette.nearest256(RGB(0, 0, 255)), 21)
        XCTAssertEqual(XtermPalette.nearest256(RGB(255, 255, 255)), 231)
        XCTAssertEqual(XtermPalette.nearest256(RGB(0, 0, 0)), 16)
        XCTAssertEqual(XtermPalette.nearest256(RGB(128, 128, 128)), 244) // grey ramp beats the cube
        XCTAssertEqual(XtermPalette.color(196), RGB(255, 0, 0))
        XCTAssertEqual(XtermPalette.color(244), RGB(128, 128, 128))
        XCTAssertEqual(XtermPalette.nearest8(RGB(250, 10, 10)), 1)
        XCTAssertEqual(XtermPalette.nearest8(RGB(10, 10, 10)), 0)
    }

    func testAnsiDumpPerMode() {
        var b = CellBuffer(width: 2, height: 1)
        b[0, 0] = Cell("▀", fg: RGB(255, 0, 0), bg: RGB(0, 0, 255))
        b[1, 0] = Cell("x", bold: true)
        XCTAssertTrue(b.ansi(mode: .truecolor).contains("\u{1B}[0;38;2;255;0;0;48;2;0;0;255m▀"))
        XCTAssertTrue(b.ansi(mode: .palette256).contains("\u{1B}[0;38;5;196;48;5;21m▀"))
        XCTAssertTrue(b.ansi(mode: .palette8).contains("\u{1B}[0;31;44m▀"))
        XCTAssertTrue(b.ansi(mode: .none).hasPrefix("\u{1B}[0m▀\u{1B}[0;1mx"))
    }

    func testDetectFromEnvironment() {
        XCTAssertEqual(RenderOptions.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8"]),
                       RenderOptions(colorMode: .truecolor, unicode: true))
        XCTAssertEqual(RenderOptions.detect(environment: ["TERM": "tmux-256color", "LANG": "en_US.UTF-8"]).colorMode, .palette256)
        XCTAssertEqual(RenderOptions.detect(environment: ["TERM": "xterm", "LANG": "C"]), RenderOptions(colorMode: .palette8, unicode: false))
        XCTAssertEqual(RenderOptions.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": "1", "LC_ALL": "C.UTF-8"]).colorMode, .none)
        XCTAssertEqual(RenderOptions.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": ""]).colorMode, .palette256)
        XCTAssertFalse(RenderOptions.detect(environment: ["TERM": "xterm", "LANG": "C.UTF-8", "ENTK_ASCII": "1"]).unicode)
    }
}
