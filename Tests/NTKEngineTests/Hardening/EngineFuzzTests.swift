import Foundation
import XCTest
import FuzzSupport
@testable import NTKEngine

/// Property-based fuzzing of the CLI's entry points, in-process: spec JSON → parse → Stack →
/// a small Gram, and .npy bytes → NPY.decode. Every rejection must be a located error
/// (SpecError with a path, DataError with the file), never a trap or hang; every accepted
/// spec must give a finite Gram or a stated error. Seeded (ENTK_FUZZ_SEED), counts from
/// ENTK_FUZZ_CASES (quick profile: 2,000 cases over all fuzz suites; `make fuzz`: 100,000).
final class EngineFuzzTests: XCTestCase {
    // MARK: specs

    static let activations = ["relu", "leaky_relu", "erf", "gelu", "identity", "tanh", "sin", "cos", "sigmoid", "softplus", "swish", "abrelu"]

    func affine(_ r: inout FuzzRNG, standard: Bool) -> [String: Any] {
        var d: [String: Any] = ["W_std": r.wild(0.5...2.0)]
        d["b_std"] = r.chance(0.2) ? NSNull() : r.wild(0...0.5) as Any
        if standard || r.chance(0.2) { d["width"] = r.chance(0.9) ? r.int(1...64) : r.pick([0, -3, 1_000_000_000]) }
        return d
    }

    /// A spec that is usually valid: vectors, CNNs, group CNNs or SO(3) stacks of small sizes.
    func generateSpec(_ r: inout FuzzRNG) -> [String: Any] {
        let standard = r.chance(0.2)
        var layers: [[String: Any]] = []
        var shape: [Int]
        func act() -> [String: Any] {
            let t = r.pick(Self.activations)
            var d: [String: Any] = ["type": t]
            if t == "abrelu" { d["a"] = r.wild(-1...1); d["b"] = r.wild(0...1) }
            if t == "leaky_relu" { d["alpha"] = r.wild(0...0.3) }
            return d
        }
        switch r.int(0...9) {
        case 0...2: // MLP
            shape = [r.int(1...6)]
            for _ in 0..<r.int(1...3) {
                layers.append(["type": "dense"].merging(affine(&r, standard: standard)) { a, _ in a })
                if r.chance(0.8) { layers.append(act()) }
            }
            layers.append(["type": "dense"].merging(affine(&r, standard: standard)) { a, _ in a })
        case 3...8: // CNN / group CNN
            let side = r.int(1...4)
            shape = [side, r.chance(0.8) ? side : r.int(1...4), r.int(1...2)]
            let group = r.chance(0.5) ? r.pick(["C1", "C2", "C4", "D1", "D2", "D4"]) : nil
            let pad = r.pick(["same", "valid", "circular"])
            func conv(_ type: String) -> [String: Any] {
                var d: [String: Any] = ["type": type, "filter": [r.pick([1, 3]), r.pick([1, 3])], "padding": r.chance(0.8) ? pad : r.pick(["same", "valid", "circular"])]
                if let group { d["group"] = group }
                return d.merging(affine(&r, standard: standard)) { a, _ in a }
            }
            layers.append(conv(group == nil ? "conv" : "lift"))
            for _ in 0..<r.int(0...2) {
                if r.chance(0.8) { layers.append(act()) }
                layers.append(conv(group == nil ? "conv" : "gconv"))
            }
            if r.chance(0.8) { layers.append(act()) }
            layers.append(["type": group == nil ? r.pick(["global_avg_pool", "flatten"]) : r.pick(["group_pool", "flatten"])])
            if r.chance(0.3) && layers.last?["type"] as? String != "flatten" { layers.append(act()) }
            layers.append(["type": "dense"].merging(affine(&r, standard: standard)) { a, _ in a })
        default: // SO(3)
            let b = r.int(1...2)
            shape = [2 * b, 2 * b - 1, 1]
            layers.append(["type": "s2_lift", "bandwidth_in": b, "bandwidth_out": r.int(1...2)].merging(affine(&r, standard: standard)) { a, _ in a })
            if r.chance(0.7) { layers.append(act()) }
            layers.append(["type": "so3_pool"])
            layers.append(["type": "dense"].merging(affine(&r, standard: standard)) { a, _ in a })
        }
        var d: [String: Any] = ["input_shape": shape, "layers": layers]
        if standard { d["parameterization"] = "standard" }
        return d
    }

    /// Structural mutations: wrong types, missing fields, absurd sizes, misspellings, swaps.
    func mutate(_ spec: inout [String: Any], _ r: inout FuzzRNG) {
        var layers = spec["layers"] as? [[String: Any]] ?? []
        let junk: [Any] = [NSNull(), "x", -1, 0, 1e308, 999_999_999, [1, 2, 3], ["a": 1], true, 2.5, -0.0]
        switch r.int(0...9) {
        case 0: spec["input_shape"] = r.pick([[999_999_999, 999_999_999, 999_999_999], [0, 3, 1], [3, 3], [], [2, 2, 2, 2], [1_000_000], [96, 96, 1], "3"] as [Any])
        case 1 where !layers.isEmpty:
            let i = r.int(0...(layers.count - 1))
            let key = r.pick(["type", "filter", "padding", "W_std", "b_std", "width", "group", "bandwidth_in", "bandwidth_out", "alpha", "fn"])
            layers[i][key] = r.pick(junk)
        case 2 where !layers.isEmpty:
            let i = r.int(0...(layers.count - 1))
            layers[i]["filter"] = r.pick([[999_999_999, 999_999_999], [0, 3], [2, 2], [7, 7], [1, 15], [3], [21, 1]] as [[Int]])
        case 3 where !layers.isEmpty:
            let i = r.int(0...(layers.count - 1))
            if let t = layers[i]["type"] as? String, !t.isEmpty {
                var chars = Array(t)
                chars[r.int(0...(chars.count - 1))] = r.pick(Array("abcdefghijklmnopqrstuvwxyz_"))
                layers[i]["type"] = String(chars)
            }
        case 4 where layers.count >= 2:
            layers.swapAt(r.int(0...(layers.count - 1)), r.int(0...(layers.count - 1)))
        case 5 where !layers.isEmpty: layers.remove(at: r.int(0...(layers.count - 1)))
        case 6: spec[r.pick(["input_shape", "layers", "parameterization"])] = r.pick(junk)
        case 7 where !layers.isEmpty:
            let i = r.int(0...(layers.count - 1))
            layers[i][r.pick(["W_std", "b_std"])] = r.pick([1e9, 1e150, 1e308, 1e-300, 0] as [Double])
        default: break
        }
        spec["layers"] = layers
    }

    /// Text-level mutations of the JSON: truncation, byte flips, NaN, deep nesting.
    func mutateText(_ text: String, _ r: inout FuzzRNG) -> Data {
        var b = Array(text.utf8)
        switch r.int(0...5) {
        case 0 where !b.isEmpty: b = Array(b.prefix(r.int(0...(b.count - 1))))
        case 1 where !b.isEmpty:
            for _ in 0..<r.int(1...3) { b[r.int(0...(b.count - 1))] = r.pick(Array("{}[],:\"0e-.xN \n".utf8)) }
        case 2: if let range = text.range(of: "1") { b = Array(text.replacingCharacters(in: range, with: r.pick(["NaN", "Infinity", "1e309", "-Infinity", "01", "1e"])).utf8) }
        case 3: b = Array((String(repeating: "[", count: r.int(500...700)) + text + String(repeating: "]", count: r.int(500...700))).utf8)
        case 4: b = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        default: b = Array(r.pick(["", " ", "null", "[]", "\"spec\"", "{", "{\"input_shape\": [3], \"layers\": []}"]).utf8)
        }
        return Data(b)
    }

    /// Pairs × positions² × layers, a rough cost of a Gram; larger ones are not computed.
    /// Quadrature duals (tanh, sigmoid, …) on image blocks cost ~100× a closed form per entry
    /// (graded composite rule above small variances, and this suite runs in debug builds).
    func work(_ stack: Stack) -> Int {
        let s = stack.spec.inputShape
        let p = s.count == 3 ? s[0] * s[1] : 1
        let g = stack.group?.order ?? 1
        let quadrature = stack.spec.layers.contains { l in
            if case .activation(.numeric(let f)) = l, f != .sin, f != .cos { return true } else { return false }
        }
        return p * p * g * max(1, stack.spec.layers.count) * (quadrature && s.count == 3 ? 50 : 1)
    }

    func testSpecFuzz() throws {
        var r = FuzzRNG(FuzzBudget.seed)
        var tally = FuzzTally()
        var slowest = (0.0, "")
        let n = max(1, FuzzBudget.total * 4 / 10)
        let deadline = Date().addingTimeInterval(Double(n) * 0.5) // a hang shows as a failure
        for c in 0..<n {
            tally.cases += 1
            var spec = generateSpec(&r)
            if r.chance(0.5) { mutate(&spec, &r) }
            let text: Data
            if let d = try? JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]) {
                text = r.chance(0.15) ? mutateText(String(decoding: d, as: UTF8.self), &r) : d
            } else { continue }
            let parsed: ArchitectureSpec, stack: Stack
            do {
                parsed = try ArchitectureSpec.parse(json: text)
                stack = try Stack(parsed)
            } catch let e as SpecError {
                XCTAssertFalse(e.path.isEmpty, "case \(c): unlocated \(e) for \(String(decoding: text.prefix(200), as: UTF8.self))")
                tally.rejected += 1
                continue
            } catch {
                XCTFail("case \(c): not a SpecError: \(error)")
                continue
            }
            tally.accepted += 1
            // Round trip: the spec's own JSON parses back to the same layers and compiles
            // (doubles may move by an ulp through JSONSerialization's text form).
            if let again = try? ArchitectureSpec.parse(json: parsed.jsonData()) {
                XCTAssertEqual(again.layers.map(\.typeName), parsed.layers.map(\.typeName), "case \(c)")
                XCTAssertEqual(again.inputShape, parsed.inputShape, "case \(c)")
                XCTAssertNoThrow(try Stack(again), "case \(c)")
            } else { XCTFail("case \(c): own JSON does not parse back") }
            guard work(stack) <= 4096 else { tally.skippedWork += 1; continue }
            let f = parsed.inputShape.reduce(1, *)
            let scale = r.chance(0.9) ? 1 : r.pick([1e-300, 1e150, 1e300])
            let x = try InputBatch(shape: parsed.inputShape, data: (0..<(2 * f)).map { _ in r.gaussian() * scale })
            let started = Date()
            defer {
                let dt = Date().timeIntervalSince(started)
                if dt > slowest.0 { slowest = (dt, String(decoding: text.prefix(300), as: UTF8.self)) }
            }
            do {
                let k = try GramEngine(spec: parsed, threads: 1).compute(x)
                XCTAssertTrue(k.nngp.data.allSatisfy(\.isFinite) && k.ntk.data.allSatisfy(\.isFinite), "case \(c): non-finite Gram returned")
                tally.computed += 1
            } catch let e as KernelError {
                guard case .nonFinite(let m) = e else { XCTFail("case \(c): \(e)"); continue }
                XCTAssertTrue(m.contains("layers[") || m.contains("input kernel") || m.contains("SO(3)") || m.contains("not finite"), "case \(c): \(m)")
                tally.refusedNonFinite += 1
            } catch let e as SpecError {
                XCTAssertFalse(e.path.isEmpty, "case \(c): unlocated \(e)")
                tally.rejected += 1
            } catch {
                XCTFail("case \(c): unexpected \(error)")
            }
            if Date() > deadline { XCTFail("spec fuzz exceeded its time bound at case \(c)"); break }
        }
        print("spec fuzz: \(tally)")
        print(String(format: "spec fuzz: slowest Gram %.2fs: ", slowest.0) + slowest.1)
        XCTAssertGreaterThan(tally.computed, 0)
        XCTAssertGreaterThan(tally.rejected, 0)
    }

    // MARK: .npy

    func testNPYFuzz() throws {
        var r = FuzzRNG(FuzzBudget.seed ^ 0xA5A5)
        var tally = FuzzTally()
        let n = max(1, FuzzBudget.total * 45 / 100)
        let tokens = ["(5,,4)", "(5 4)", "(4294967297, 4294967297)", "()", "(0,)", "(3)", "(-1,)", "(2, 3,)", "(1e3,)", "(99999999999999999999,)", "'<f4'", "'>i8'", "'|b1'", "'<c16'", "'O'", "True", "False", "[('a', '<f8')]"]
        for c in 0..<n {
            tally.cases += 1
            let dtype = r.pick(NPYDType.allCases)
            let shape = (0..<r.int(0...3)).map { _ in r.int(0...4) }
            let count = shape.reduce(1, *)
            let data: [Double] = (0..<count).map { _ in
                switch dtype {
                case .float64, .float32: return r.gaussian()
                case .bool: return Double(r.int(0...1))
                case .uint8, .uint16: return Double(r.int(0...200))
                default: return Double(r.int(-100...100))
                }
            }
            // float32 arrays hold float32 values (so the round trip is exact).
            let a = try NPYArray(shape: shape, data: dtype == .float32 ? data.map { Double(Float($0)) } : data, dtype: dtype)
            var bytes = try NPY.encode(a, as: dtype)
            let mutated = r.chance(0.8)
            if mutated {
                switch r.int(0...4) {
                case 0: bytes = Array(bytes.prefix(r.int(0...bytes.count)))
                case 1: for _ in 0..<r.int(1...4) { bytes[r.int(0...(bytes.count - 1))] = UInt8(r.int(0...255)) }
                case 2:
                    // Replace a header token by a hostile one.
                    var text = String(decoding: bytes[10..<min(bytes.count, 128)], as: UTF8.self)
                    let targets = ["(", "'<", "False", "'|", ", }"]
                    if let t = targets.first(where: { text.contains($0) }), let range = text.range(of: t) {
                        text.replaceSubrange(range, with: r.pick(tokens))
                    }
                    let hdr = Array(text.utf8)
                    bytes = Array(bytes[0..<8]) + [UInt8(hdr.count & 0xFF), UInt8(hdr.count >> 8)] + hdr + Array(bytes.dropFirst(min(bytes.count, 128)))
                case 3: bytes += (0..<r.int(1...9)).map { _ in UInt8(r.int(0...255)) }
                default: bytes[6] = UInt8(r.pick([0, 1, 2, 3, 4, 255]))
                }
            }
            do {
                let b = try NPY.decode(bytes, path: "fuzz.npy")
                XCTAssertEqual(b.data.count, b.shape.reduce(1, *), "case \(c)")
                if !mutated { XCTAssertEqual(b, a, "case \(c): round trip") }
                tally.accepted += 1
            } catch let e as DataError {
                XCTAssertEqual(e.path, "fuzz.npy", "case \(c)")
                XCTAssertFalse(mutated == false, "case \(c): valid file rejected: \(e)")
                tally.rejected += 1
            }
        }
        print("npy fuzz: \(tally)")
        XCTAssertGreaterThan(tally.rejected, 0)
    }
}
