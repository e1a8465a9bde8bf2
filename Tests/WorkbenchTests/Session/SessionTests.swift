import XCTest
import NTKEngine
@testable import Workbench

final class SessionTests: XCTestCase {
    func testLogRoundTripRestoresTheSameState() throws {
        let dir = Fixtures.tempDir("roundtrip")
        let path = dir + "/s.jsonl"
        let log = try SessionLog(path: path, header: SessionFile.headerLine(seed: 3, terminal: (120, 40)))
        var s = AppState()
        let commands = [
            Invocation("data.choose", ["train": "6", "size": "6"]),
            Invocation("stack.new", ["name": "a", "preset": "cnn"]),
            Invocation("stack.new", ["name": "b", "preset": "gcnn-d4"]),
            Invocation("stack.set-param", ["layer": "0", "param": "W_std", "value": "2"]),
            Invocation("stack.add-layer", ["type": "erf", "at": "2"]),
            Invocation("view.spectrum", ["kernel": "nngp"]),
        ]
        for c in commands { if let l = try s.perform(c).logged { log.record(l) } }
        log.event("job.finish", ["job": 1, "hash": "abc", "status": "done"])
        let f = try SessionFile.load(path: path)
        XCTAssertEqual(f.errors, [])
        XCTAssertEqual(f.seed, 3)
        XCTAssertEqual(f.terminal, [120, 40])
        XCTAssertEqual(f.commands.count, commands.count)
        XCTAssertEqual(f.entries.last?.event, "job.finish")
        var r = AppState()
        XCTAssertEqual(SessionDriver.restore(f, into: &r), [])
        XCTAssertEqual(r.stacks, s.stacks)
        XCTAssertEqual(r.data, s.data)
        XCTAssertEqual(r.view, s.view)
        // The spec embedded in an edit line is the stack after the edit.
        XCTAssertEqual(f.commands[4].invocation.spec, s.stacks[1].spec)
    }

    func testMalformedLinesGiveLocatedErrorsAndTheRestLoads() {
        let text = """
        {"entk_session":1,"entk":"0.1.0","seed":0}
        {"cmd":"stack.new","args":{"name":"a","preset":"cnn"}}
        this is not json
        {"cmd":"stack.fly"}
        {"cmd":"stack.define","args":{"name":"x"},"spec":{"input_shape":[8,8,1],"layers":[{"type":"conv","filter":[3]}]}}
        ["not", "an", "object"]
        {"cmd":"view.gram"}
        {"cmd":"stack.new","args":{"na
        """
        let f = SessionFile.parse(text, path: "bad.jsonl")
        XCTAssertEqual(f.errors.map(\.line), [3, 4, 5, 6, 8])
        XCTAssertEqual(f.errors[0].description, "bad.jsonl:3: column 1: not valid JSON: unexpected \"this\"; skipped")
        XCTAssertEqual(f.errors[1].description, "bad.jsonl:4: unknown command \"stack.fly\"; skipped")
        XCTAssertTrue(f.errors[2].description.hasPrefix("bad.jsonl:5: spec.layers[0].filter:"), f.errors[2].description)
        XCTAssertTrue(f.errors[4].message.contains("truncated"))
        XCTAssertEqual(f.commands.map(\.invocation.name), ["stack.new", "view.gram"])
        var s = AppState()
        XCTAssertEqual(SessionDriver.restore(f, into: &s), [])
        XCTAssertEqual(s.stacks.map(\.name), ["a"])
    }

    func testFailingCommandIsLocatedOnRestore() {
        let f = SessionFile.parse("{\"entk_session\":1}\n{\"cmd\":\"stack.set-param\",\"args\":{\"layer\":\"0\",\"param\":\"W_std\",\"value\":\"1\"}}\n", path: "x.jsonl")
        var s = AppState()
        let errors = SessionDriver.restore(f, into: &s)
        XCTAssertEqual(errors.first?.description.hasPrefix("x.jsonl:2: stack.set-param:"), true, "\(errors)")
    }

    func testAppendIsLineAtomicAndSurvivesATruncatedTail() throws {
        let dir = Fixtures.tempDir("append")
        let path = dir + "/s.jsonl"
        do {
            let log = try SessionLog(path: path, header: SessionFile.headerLine(seed: 0, terminal: nil))
            log.record(Invocation("stack.new", ["name": "a", "preset": "mlp"]))
        }
        // Simulate a crash mid-write: a partial line at the end.
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile(); h.write(Data("{\"cmd\":\"stack.ne".utf8)); h.closeFile()
        // Reopening appends after the damaged line and does not write a second header.
        let log2 = try SessionLog(path: path, header: "HEADER-MUST-NOT-APPEAR")
        log2.record(Invocation("view.gram"))
        let f = try SessionFile.load(path: path)
        XCTAssertEqual(f.commands.map(\.invocation.name), ["stack.new", "view.gram"])
        XCTAssertEqual(f.errors.count, 1, "only the cut-off line is lost: \(f.errors)")
        XCTAssertFalse(try String(contentsOfFile: path, encoding: .utf8).contains("HEADER-MUST-NOT-APPEAR"))
    }

    func testXDGPaths() {
        let env = ["XDG_STATE_HOME": "/s", "XDG_CONFIG_HOME": "/c", "HOME": "/h"]
        XCTAssertEqual(SessionPaths.stateDirectory(env), "/s/entk")
        XCTAssertEqual(SessionPaths.configDirectory(["HOME": "/h"]), "/h/.config/entk")
        XCTAssertEqual(SessionPaths.cacheDirectory(forSession: "/a/b.jsonl"), "/a/b.cache")
        XCTAssertEqual(WorkbenchConfig.path(env), "/c/entk/config.json")
    }

    func testConfigTemplateParsesAndBadConfigIsReported() throws {
        let dir = Fixtures.tempDir("config")
        let path = dir + "/config.json"
        try WorkbenchConfig.template.write(toFile: path, atomically: true, encoding: .utf8)
        let (c, warnings) = try WorkbenchConfig.load(path: path)
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(c.color, "auto")
        XCTAssertEqual(c.data["size"], "8")
        try "{\"threads\": 0}".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try WorkbenchConfig.load(path: path))
        try "{\"colour\": \"x\"}".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try WorkbenchConfig.load(path: path).1.count, 1)
        XCTAssertEqual(try WorkbenchConfig.load(path: dir + "/missing.json").0, WorkbenchConfig())
    }
}
