import Foundation

/// One reference test case (`shared/reference/*.json`, format in FORMAT.md): a spec, inputs
/// and exact K and Θ from an independent implementation.
public struct ReferenceCase: Sendable {
    public var name: String
    public var spec: ArchitectureSpec
    public var inputs: InputBatch
    public var nngp: Matrix
    public var ntk: Matrix
    public var tolerance: Double
    /// `nngp_rot[k]`, `ntk_rot[k]`: kernels against inputs turned k quarter turns, if present.
    public var nngpRot: [Matrix]
    public var ntkRot: [Matrix]
    /// `layerwise`: per-layer (after each layer) kernels, if present.
    public var layerwise: [LayerTrace]

    public struct LayerTrace: Sendable {
        public var afterLayer: Int
        /// Flattened per the file's layout [n1][n2][h1][h2][w1][w2] (or [n1][n2]).
        public var nngp: [Double]
        public var ntk: [Double]
        public var shape: [Int]
    }

    public static func load(path: String) throws -> ReferenceCase {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SpecError(path, "cannot read (\(error.localizedDescription))")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: data), let d = obj as? [String: Any] else {
            throw SpecError(path, "not a JSON object")
        }
        let spec: ArchitectureSpec
        do { spec = try ArchitectureSpec.parse(object: d) } catch let e as SpecError {
            throw SpecError("\(url.lastPathComponent): \(e.path)", e.message)
        }
        func flat(_ v: Any?, _ key: String) throws -> ([Double], [Int]) {
            guard let v else { throw SpecError("\(url.lastPathComponent): \(key)", "missing") }
            var out: [Double] = []
            var shape: [Int] = []
            func walk(_ x: Any, depth: Int) throws {
                if let a = x as? [Any] {
                    if shape.count == depth { shape.append(a.count) }
                    for e in a { try walk(e, depth: depth + 1) }
                } else if let n = x as? NSNumber {
                    out.append(n.doubleValue)
                } else {
                    throw SpecError("\(url.lastPathComponent): \(key)", "expected nested lists of numbers")
                }
            }
            try walk(v, depth: 0)
            return (out, shape)
        }
        let (xin, _) = try flat(d["inputs"], "inputs")
        let inputs = try InputBatch(shape: spec.inputShape, data: xin)
        func matrix(_ key: String) throws -> Matrix {
            let (m, _) = try flat(d[key], key)
            guard m.count == inputs.count * inputs.count else {
                throw SpecError("\(url.lastPathComponent): \(key)", "expected \(inputs.count)×\(inputs.count) values, got \(m.count)")
            }
            return Matrix(rows: inputs.count, cols: inputs.count, data: m)
        }
        func rot(_ key: String) throws -> [Matrix] {
            guard let arr = d[key] as? [Any] else { return [] }
            return try arr.indices.map { k in
                let (m, _) = try flat(arr[k], key)
                return Matrix(rows: inputs.count, cols: inputs.count, data: m)
            }
        }
        var traces: [LayerTrace] = []
        if let lw = d["layerwise"] as? [[String: Any]] {
            for l in lw {
                let (kn, shape) = try flat(l["nngp"], "layerwise.nngp")
                let (kt, _) = try flat(l["ntk"], "layerwise.ntk")
                traces.append(LayerTrace(afterLayer: (l["after_layer"] as? NSNumber)?.intValue ?? traces.count,
                                         nngp: kn, ntk: kt, shape: shape))
            }
        }
        return ReferenceCase(name: d["name"] as? String ?? url.deletingPathExtension().lastPathComponent,
                             spec: spec, inputs: inputs, nngp: try matrix("nngp"), ntk: try matrix("ntk"),
                             tolerance: (d["tolerance"] as? NSNumber)?.doubleValue ?? 1e-9,
                             nngpRot: try rot("nngp_rot"), ntkRot: try rot("ntk_rot"), layerwise: traces)
    }

    /// max |a − b| / max |ref|, the FORMAT.md error measure.
    public static func relativeError(_ a: Matrix, _ ref: Matrix) -> Double {
        let scale = max(ref.maxAbs, .leastNormalMagnitude)
        var m = 0.0
        for i in 0..<ref.data.count {
            let e = abs(a.data[i] - ref.data[i])
            if e.isNaN { return .infinity }
            m = max(m, e)
        }
        return m / scale
    }

    /// Result of checking one case.
    public struct Check: Sendable {
        public var name: String
        public var nngpError: Double
        public var ntkError: Double
        public var tolerance: Double
        public var passed: Bool { nngpError <= tolerance && ntkError <= tolerance }
    }

    /// Computes the case's Gram with entk and compares.
    public func check(threads: Int? = nil) throws -> Check {
        let engine = try GramEngine(spec: spec, threads: threads)
        let r = try engine.compute(inputs)
        return Check(name: name, nngpError: Self.relativeError(r.nngp, nngp),
                     ntkError: Self.relativeError(r.ntk, ntk), tolerance: tolerance)
    }
}
