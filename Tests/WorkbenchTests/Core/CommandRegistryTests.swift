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
}
