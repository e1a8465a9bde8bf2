import XCTest
import CellSurface
@testable import TUI

final class InputDecodingTests: XCTestCase {
    func testCharacters() {
        XCTAssertEqual(KeyDecoder.decode(character: 3), .key(.ctrlC))
        XCTAssertEqual(KeyDecoder.decode(character: 1), .key(.ctrl("a")))
        XCTAssertEqual(KeyDecoder.decode(character: 9), .key(.tab))
        XCTAssertEqual(KeyDecoder.decode(character: 10), .key(.enter))
        XCTAssertEqual(KeyDecoder.decode(character: 13), .key(.enter))
        XCTAssertEqual(KeyDecoder.decode(character: 27), .key(.escape))
        XCTAssertEqual(KeyDecoder.decode(character: 127), .key(.backspace))
        XCTAssertEqual(KeyDecoder.decode(character: 8), .key(.backspace))
        XCTAssertEqual(KeyDecoder.decode(character: 97), .key(.char("a")))
        XCTAssertEqual(KeyDecoder.decode(character: 32), .key(.char(" ")))
        XCTAssertEqual(KeyDecoder.decode(character: 0xE9), .key(.char("é")))
        XCTAssertEqual(KeyDecoder.decode(character: 0x3BB), .key(.char("λ")))
        XCTAssertNil(KeyDecoder.decode(character: 0))
        XCTAssertNil(KeyDecoder.decode(character: 0xD800)) // lone surrogate is not a scalar
    }

    /// ncurses key codes are part of its ABI (curses.h octal constants); test the numbers.
    func testFunctionKeys() {
        let table: [(Int32, Key)] = [
            (258, .down), (259, .up), (260, .left), (261, .right), (262, .home), (360, .end),
            (339, .pageUp), (338, .pageDown), (263, .backspace), (330, .delete), (343, .enter),
            (353, .backTab), (265, .function(1)), (276, .function(12)),
        ]
        for (code, key) in table { XCTAssertEqual(KeyDecoder.decode(keyCode: code), .key(key), "code \(code)") }
        XCTAssertNil(KeyDecoder.decode(keyCode: 410)) // KEY_RESIZE needs the screen
        XCTAssertNil(KeyDecoder.decode(keyCode: 409)) // KEY_MOUSE needs getmouse
    }

    func testMouse() {
        let m = MouseMasks.ncurses
        XCTAssertEqual(KeyDecoder.decodeMouse(bstate: m.left, x: 3, y: 4), .mouse(MouseEvent(button: .left, x: 3, y: 4)))
        XCTAssertEqual(KeyDecoder.decodeMouse(bstate: m.scrollUp, x: 0, y: 0), .mouse(MouseEvent(button: .scrollUp, x: 0, y: 0)))
        XCTAssertEqual(KeyDecoder.decodeMouse(bstate: m.scrollDown, x: 1, y: 2), .mouse(MouseEvent(button: .scrollDown, x: 1, y: 2)))
        XCTAssertEqual(KeyDecoder.decodeMouse(bstate: m.right, x: 1, y: 2), .mouse(MouseEvent(button: .right, x: 1, y: 2)))
        XCTAssertNil(KeyDecoder.decodeMouse(bstate: 0, x: 0, y: 0))
        XCTAssertEqual(Set([m.left, m.middle, m.right, m.scrollUp, m.scrollDown]).count, 5)
    }

    func testColorDetection() {
        XCTAssertEqual(ColorDetection.mode(environment: [:], hasColors: true, colors: 256, directColor: false), .palette256)
        XCTAssertEqual(ColorDetection.mode(environment: [:], hasColors: true, colors: 1 << 24, directColor: true), .truecolor)
        XCTAssertEqual(ColorDetection.mode(environment: ["COLORTERM": "truecolor"], hasColors: true, colors: 256, directColor: false), .palette256)
        XCTAssertEqual(ColorDetection.mode(environment: [:], hasColors: true, colors: 8, directColor: false), .palette8)
        XCTAssertEqual(ColorDetection.mode(environment: ["NO_COLOR": "1"], hasColors: true, colors: 256, directColor: false), .none)
        XCTAssertEqual(ColorDetection.mode(environment: [:], hasColors: false, colors: 0, directColor: false), .none)
    }

    func testColorPairTable() {
        var t = ColorPairTable(limit: 3)
        XCTAssertEqual(ColorPairTable.colorNumber(RGB(255, 0, 0), mode: .palette256), 196)
        XCTAssertEqual(ColorPairTable.colorNumber(RGB(0x12, 0x34, 0x56), mode: .truecolor), 0x123456)
        XCTAssertEqual(ColorPairTable.colorNumber(nil, mode: .truecolor), -1)
        XCTAssertEqual(t.pair(fg: -1, bg: -1)?.pair, 0)
        XCTAssertEqual(t.pair(fg: 1, bg: 2)?.pair, 1)
        XCTAssertEqual(t.pair(fg: 1, bg: 2)?.isNew, false)
        XCTAssertEqual(t.pair(fg: 2, bg: 1)?.pair, 2)
        XCTAssertNil(t.pair(fg: 3, bg: 3)) // limit reached: caller resets and redraws
        t.reset()
        XCTAssertEqual(t.pair(fg: 3, bg: 3)?.pair, 1)
    }
}
