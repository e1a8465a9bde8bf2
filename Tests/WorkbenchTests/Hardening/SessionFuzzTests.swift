import Foundation
import NTKEngine
import XCTest
import FuzzSupport
@testable import Workbench

/// Fuzzing of session files through the same path as `entk open`/`replay`: SessionFile.parse
/// then SessionDriver.restore into an AppState (no terminal, no jobs). Every bad line must come
/// back as a located SessionError (file:line), never a trap. Counts from ENTK_FUZZ_CASES.
final class SessionFuzzTests: XCTestCase {
    static let values = ["1", "0", "-1", "2", "3", "1e308", "-1e308", "nan", "inf", "-inf", "999999999999999999999", "9223372036854775807",
                         "0.5", "1,2,3", "0.1,1,1e308", "", "abc", "relu", "tanh", "gconv", "C4", "D4", "X9", "ntk", "nngp", "cnn", "mlp",
                         "gcnn-d4", "synthetic", "W_std", "b_std", "filter", "padding", "3,3", "same", "1e-300", "1,1e999"]
    static let keys = ["name", "preset", "type", "at", "group", "layer", "param", "value", "dataset", "train", "test", "size", "classes",
                       "seed", "augment", "kernel", "i", "j", "sizes", "t", "widths", "seeds", "groups", "inputs", "times", "molecules",
                       "bandwidth", "conv", "diag_reg", "pool", "dir"]

    func line(_ r: inout FuzzRNG, commands: [String]) -> String {
        switch r.int(0...19) {
        case 0: return r.pick(["{", "not json", "[]", "{\"cmd\": 3}", "{\"cmd\": \"\"}", "{\"args\": {}}", "{\"cmd\": \"nope.x\"}", "   ", "{\"event\": \"job.finish\", \"job\": 1}", "{\"entk_session\": 99}", "{\"cmd\": \"stack.new\", \"args\": [1]}", "{\"cmd\": \"stack.define\", \"spec\": 5}"])
        case 1:
            let spec = r.pick([#"{"input_shape": [4, 4, 1], "layers": [{"type": "conv", "filter": [999999999, 999999999], "padding": "same"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#,
                               #"{"input_shape": [999999999, 999999999, 999999999], "layers": [{"type": "dense"}]}"#,
                               #"{"input_shape": [6, 6, 1], "layers": [{"type": "gconf", "filter": [3, 3]}]}"#,
                               #"{"input_shape": [6, 6, 1], "layers": [{"type": "conv", "filter": [3, 3], "b_std": 1e308}, {"type": "tanh"}, {"type": "global_avg_pool"}, {"type": "dense"}]}"#])
            return #"{"cmd": "stack.define", "args": {"name": "f"}, "spec": "# + spec + "}"
        default:
            var args: [String: String] = [:]
            for _ in 0..<r.int(0...3) { args[r.pick(Self.keys)] = r.pick(Self.values) }
            let obj: [String: Any] = ["cmd": r.pick(commands), "args": args]
            let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    func testSessionFuzz() throws {
        var r = FuzzRNG(FuzzBudget.seed ^ 0x5E55)
        let commands = CommandRegistry.all.filter(\.logged).map(\.name)
        let n = max(1, FuzzBudget.total * 15 / 100)
        var lines = 0, errors = 0, applied = 0
        for c in 0..<n {
            var text = r.chance(0.8) ? #"{"entk_session":1,"entk":"0.1.0","seed":1}"# + "\n" : ""
            let count = r.int(1...12)
            for _ in 0..<count { text += line(&r, commands: commands) + (r.chance(0.2) ? "\r\n" : "\n") }
            if r.chance(0.1) { text = String(text.prefix(r.int(0...text.count))) }
            let file = SessionFile.parse(text, path: "fuzz-\(c).jsonl")
            lines += count
            for e in file.errors {
                XCTAssertEqual(e.file, "fuzz-\(c).jsonl")
                XCTAssertGreaterThanOrEqual(e.line, 1, "case \(c): \(e)")
            }
            var state = AppState()
            let failed = SessionDriver.restore(file, into: &state)
            for e in failed { XCTAssertGreaterThanOrEqual(e.line, 1, "case \(c): \(e)") }
            errors += file.errors.count + failed.count
            applied += file.commands.count - failed.count
            // What the restored view would compute must be derivable without trapping.
            _ = state.computations(for: state.view)
        }
        print("session fuzz: \(n) sessions, \(lines) lines, \(applied) commands applied, \(errors) located errors")
        XCTAssertGreaterThan(applied, 0)
        XCTAssertGreaterThan(errors, 0)
    }
}
