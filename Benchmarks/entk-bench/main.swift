import Foundation
import NTKEngine

// Quick timing harness (replaced by the full table below once stable).
func stack(_ layers: String, shape: String) throws -> ArchitectureSpec {
    try ArchitectureSpec.parse(json: Data("{\"parameterization\": \"ntk\", \"input_shape\": \(shape), \"layers\": [\(layers)]}".utf8))
}
let conv = #"{"type": "conv", "filter": [3,3], "padding": "circular", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"}"#
let gconv = #"{"type": "gconv", "group": "C4", "filter": [3,3], "padding": "circular", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"}"#
let lift = #"{"type": "lift", "group": "C4", "filter": [3,3], "padding": "circular", "W_std": 1.4, "b_std": 0.1}, {"type": "relu"}"#
let args = CommandLine.arguments
let which = args.count > 1 ? args[1] : "c4"
let n = args.count > 2 ? Int(args[2]) ?? 4 : 4
let threads = args.count > 3 ? Int(args[3]) ?? 1 : 1
let size = args.count > 4 ? Int(args[4]) ?? 32 : 32
let s: ArchitectureSpec
switch which {
case "cnn": s = try stack(Array(repeating: conv, count: 4).joined(separator: ",") + #", {"type": "global_avg_pool"}, {"type": "dense"}"#, shape: "[\(size), \(size), 3]")
default: s = try stack(lift + "," + Array(repeating: gconv, count: 3).joined(separator: ",") + #", {"type": "group_pool"}, {"type": "dense"}"#, shape: "[\(size), \(size), 3]")
}
var data = [Double](repeating: 0, count: n * size * size * 3)
var st: UInt64 = 1
for i in data.indices { st = st &* 6364136223846793005 &+ 1442695040888963407; data[i] = Double(Int64(bitPattern: st >> 11) % 1000) / 500 - 1 }
let x = try InputBatch(shape: [size, size, 3], data: data)
let e = try GramEngine(spec: s, threads: threads)
let t0 = Date()
let r = try e.compute(x)
let dt = Date().timeIntervalSince(t0)
let pairs = n * (n + 1) / 2
print(which, "pairs", pairs, "time", dt, "pairs/s", Double(pairs) / dt, r.ntk[0, 1])
