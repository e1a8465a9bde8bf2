import XCTest
import TUI
@testable import Workbench

final class CommandRegistryTests: XCTestCase {
    func testNamesAreUniqueAndKeysDoNotClashWithinAScope() {
        let names = CommandRegistry.all.map(\.name)
        XCTAssertEqual(Set(names).count, names.count, "duplicate command names")
        for pane in Pane.allCases {
            var seen: [Key: String] = [:]
            for spec in CommandRegistry.all where spec.pane == pane || spec.pane == nil {
                for k in spec.keys {
                    if let other = seen[k], CommandRegistry.all.first(where: { $0.name == other })?.pane == spec.pane {
                        XCTFail("\(k) bound to both \(other) and \(spec.name) in \(pane)")
                    }
                    seen[k] = spec.name
                }
            }
        }
    }

    func testEveryCommandIsImplemented() {
        for spec in CommandRegistry.all {
            var s = Fixtures.smallState()
            do { _ = try s.perform(Invocation(spec.name)) } catch let e as CommandError {
                XCTAssertFalse(e.description.contains("not implemented"), "\(spec.name): \(e)")
            } catch { XCTFail("\(spec.name): \(error)") }
        }
    }

    func testKeysPaletteAndHelpComeFromTheRegistry() {
        XCTAssertEqual(CommandRegistry.command(for: .char("a"), focus: .stack)?.name, "stack.add-layer")
        XCTAssertNil(CommandRegistry.command(for: .char("a"), focus: .data), "add-layer is a Stack pane key")
        XCTAssertEqual(CommandRegistry.command(for: .char("4"), focus: .data)?.name, "view.spectrum")
        XCTAssertEqual(CommandRegistry.paletteCommands.count, CommandRegistry.all.count)
        XCTAssertEqual(CommandRegistry.helpRows.count, CommandRegistry.all.count)
        let filtered = CommandPaletteState.filter(CommandRegistry.paletteCommands, query: "stack.mo")
        XCTAssertEqual(filtered.prefix(2).map(\.name), ["stack.move-up", "stack.move-down"])
    }

    func testUnknownCommandSuggestsNames() {
        var s = Fixtures.smallState()
        XCTAssertThrowsError(try s.perform(Invocation("view.spectrm"))) { e in
            XCTAssertTrue("\(e)".contains("unknown command"), "\(e)")
        }
    }

    func testPaletteCommandLineParsesArguments() throws {
        let inv = try Invocation.parse(commandLine: "stack.set-param layer=2 param=W_std value=\"1.5\"")
        XCTAssertEqual(inv.name, "stack.set-param")
        XCTAssertEqual(inv.args, ["layer": "2", "param": "W_std", "value": "1.5"])
        XCTAssertThrowsError(try Invocation.parse(commandLine: "stack.new oops"))
    }

    /// Typed arguments: the palette line and a session line's `args` parse into the same
    /// struct, so a bad value fails with the same text either way (and the state is unchanged).
    func testArgumentErrorsAreTheSameFromPaletteAndSession() throws {
        let cases: [(String, [String: Any], String)] = [
            ("stack.add-layer at=x", ["at": "x"], "stack.add-layer: at must be an integer, got \"x\""),
            ("view.learning-curve sizes=4,-1", ["sizes": "4,-1"], "sizes must be positive integers separated by commas, got 4,-1"),
            ("view.kernel kernel=ntx", ["kernel": "ntx"], "kernel must be ntk or nngp, got ntx"),
            ("data.choose train=1", ["train": 1], "data.train must be an integer in 2…2000, got \"1\""),
            ("view.qm9 conv=maybe", ["conv": "maybe"], "conv must be yes or no, got maybe"),
        ]
        for (line, args, message) in cases {
            let fromPalette = try Invocation.parse(commandLine: line)
            let fromSession = try Invocation.from(jsonObject: ["cmd": fromPalette.name, "args": args])
            for inv in [fromPalette, fromSession] {
                var s = Fixtures.smallState()
                let before = s.view
                XCTAssertThrowsError(try s.perform(inv), line) { XCTAssertEqual("\($0)", message) }
                XCTAssertEqual(s.view, before)
            }
        }
    }

    /// A session may write numbers where the palette writes text; both run the same.
    func testNumericSessionArgumentsParseLikeText() throws {
        var a = Fixtures.smallState(), b = Fixtures.smallState()
        _ = try a.perform(Invocation.from(jsonObject: ["cmd": "view.pair", "args": ["i": 2, "j": 3]]))
        _ = try b.perform(Invocation.parse(commandLine: "view.pair i=2 j=3"))
        XCTAssertTrue(a.view.pair == (2, 3) && b.view.pair == (2, 3))
    }

    /// Each command is declared once: the registry has no name twice and every handler is
    /// reachable by name.
    func testRegistryNamesEachCommandOnce() {
        for c in CommandRegistry.all { XCTAssertEqual(CommandRegistry.named(c.name)?.description, c.description) }
    }
}
