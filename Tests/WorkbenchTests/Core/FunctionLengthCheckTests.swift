import Foundation
import XCTest

/// scripts/check-function-length.sh (issue 12: no function over 120 lines in Sources/) on
/// written fixtures: the limit is exact (120 lines pass, 121 fail), braces inside comments,
/// strings, interpolations, raw and multi-line strings do not count, closures belong to the
/// function around them, and protocol requirements without a body are no functions.
final class FunctionLengthCheckTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private func check(_ files: [String: String]) throws -> (Int32, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fnlen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try run(dir.path)
    }

    private func run(_ path: String) throws -> (Int32, String) {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [root.appendingPathComponent("scripts/check-function-length.sh").path, path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, out)
    }

    /// A function of exactly `lines` lines (keyword line to closing brace) whose body is full
    /// of braces that must not count: an unbalanced "}" in a string, comment or interpolation
    /// would end the function early (too short), an unbalanced "{" would run it on.
    private func function(_ name: String, lines: Int) -> String {
        let tricky = [
            #"    let a = "}}} {"  // }"#,
            #"    /* } /* nested { */ } */"#,
            #"    let b = "\(["}": 1].count) }""#,
            ##"    let c = #"}" \( "#"##,
            #"    let d = """"#, #"        }"#, #"        \("{" + "}")"#, #"        """"#,
            #"    let e: () -> Int = { 1 }"#,
        ]
        let filler = Array(repeating: "    _ = 0", count: lines - 2 - tricky.count)
        return (["func \(name)() {"] + tricky + filler + ["}"]).joined(separator: "\n") + "\n"
    }

    func testTheLimitIsExact() throws {
        let ok = try check(["ok.swift": function("fits", lines: 120)])
        XCTAssertEqual(ok.0, 0, ok.1)
        XCTAssertTrue(ok.1.contains("no function over 120 lines"), ok.1)

        let bad = try check(["ok.swift": function("fits", lines: 120), "long.swift": function("tooLong", lines: 121)])
        XCTAssertEqual(bad.0, 1, bad.1)
        XCTAssertTrue(bad.1.contains("long.swift:1: tooLong is 121 lines (limit 120)"), bad.1)
        XCTAssertFalse(bad.1.contains("fits"), bad.1)
    }

    func testInitSubscriptAndNestedTypesAreMeasuredAndRequirementsSkipped() throws {
        let body = Array(repeating: "        _ = 0", count: 125).joined(separator: "\n")
        let src = """
        protocol P {
            func requirement() -> Int
            init(x: Int)
        }
        struct S {
            init(value: Int = .init(3)) {
        \(body)
            }
            subscript(i: Int) -> Int {
        \(body)
                return i
            }
            func short() { let s = S.init(value: 1); _ = s }
        }
        """
        let (rc, out) = try check(["s.swift": src])
        XCTAssertEqual(rc, 1, out)
        XCTAssertTrue(out.contains("s.swift:6: init is 127 lines"), out)
        XCTAssertTrue(out.contains("s.swift:133: subscript is 128 lines"), out)
        XCTAssertFalse(out.contains("requirement") || out.contains("short"), out)
    }

    /// Sources/ itself is within the limit (what `make test` checks before building).
    func testSourcesHaveNoFunctionOverTheLimit() throws {
        let (rc, out) = try run(root.appendingPathComponent("Sources").path)
        XCTAssertEqual(rc, 0, out)
    }
}
