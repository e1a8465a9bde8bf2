import Foundation
import NTKEngine

/// `make bench` rows T1/T3 of issue 11: SO(3) stacks on [12, 11, 10] inputs (bandwidth 6,
/// 10 channels), float64, one thread, cross Gram of random inputs, NNGP + NTK; the compact FFT
/// path ("fast") and the dense cross-check path ("dense", the pre-FFT implementation), each in
/// its own child process so the peak RSS is per row.
///
/// `entk-bench --so3` prints only these rows; `entk-bench` prints them before the plane table.
enum SO3Bench {
    struct Row { let name: String; let layers: String; let n: Int }

    static let rows: [Row] = [
        Row(name: "T1 s2_lift 6→3, erf, so3_conv 3→3, erf, so3_pool", layers: stack(3), n: 10),
        Row(name: "T3 s2_lift 6→6, erf, so3_conv 6→6, erf, so3_pool", layers: stack(6), n: 4),
    ]

    static func stack(_ b: Int) -> String {
        """
        [{"type": "s2_lift", "bandwidth_in": 6, "bandwidth_out": \(b), "W_std": 1.5, "b_std": 0.1}, {"type": "erf"},
         {"type": "so3_conv", "bandwidth_in": \(b), "bandwidth_out": \(b), "W_std": 1.5, "b_std": 0.1}, {"type": "erf"},
         {"type": "so3_pool"}]
        """
    }

    /// Handles the SO(3) part of the command line; true when the process should stop afterwards.
    static func run(_ args: [String]) -> Bool {
        if let i = args.firstIndex(of: "--so3-case"), i + 2 < args.count, let idx = Int(args[i + 1]), rows.indices.contains(idx) {
            child(rows[idx], dense: args[i + 2] == "dense")
            return true
        }
        if args.contains("--case") { return false }
        table(executable: URL(fileURLWithPath: args[0]).path)
        return args.contains("--so3")
    }

    /// Child: one row, prints "pairs seconds peakRSS-MiB cpuSeconds" (user + system CPU time of
    /// the Gram: on a shared machine wall time counts other processes' time slices, CPU time does not).
    static func child(_ row: Row, dense: Bool) {
        do {
            let json = "{\"parameterization\": \"ntk\", \"input_shape\": [12, 11, 10], \"layers\": \(row.layers)}"
            let spec = try ArchitectureSpec.parse(json: Data(json.utf8))
            var rng = SplitMix64(seed: 42)
            let f = spec.inputShape.reduce(1, *)
            let x = try InputBatch(shape: spec.inputShape, data: (0..<(row.n * f)).map { _ in rng.gaussian() })
            let y = try InputBatch(shape: spec.inputShape, data: (0..<(row.n * f)).map { _ in rng.gaussian() })
            let ev = try SO3KernelEvaluator(spec: spec, threads: 1, dense: dense)
            let c0 = cpuSeconds(), t0 = Date()
            let r = try ev.compute(x, y)
            let dt = Date().timeIntervalSince(t0), cpu = cpuSeconds() - c0
            guard r.ntk.data.allSatisfy(\.isFinite) else { print("non-finite"); return }
            var u = rusage()
            getrusage(RUSAGE_SELF.rawValue, &u)
            print(row.n * row.n, dt, Double(u.ru_maxrss) / 1024, cpu)
        } catch {
            print("error: \(error)")
        }
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    static func table(executable: String) {
        print("SO(3) rows (issue 11): [12, 11, 10] inputs, float64, 1 thread, cross Gram n × n, NNGP + NTK")
        print("(includes the per-input lift transforms and self terms, amortised over the pairs)")
        print("")
        print("| stack | n × n | path | ms/pair (wall) | CPU ms/pair | peak RSS MiB | dense/fast (CPU) |")
        print("|---|---|---|---|---|---|---|")
        for (i, row) in rows.enumerated() {
            var fastMs = 0.0
            for path in ["fast", "dense"] {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: executable)
                p.arguments = ["--so3-case", String(i), path]
                var env = ProcessInfo.processInfo.environment
                env["OPENBLAS_NUM_THREADS"] = "1"
                p.environment = env
                let pipe = Pipe()
                p.standardOutput = pipe
                do { try p.run() } catch { print("| \(row.name) | | \(path) | failed: \(error) | | | |"); continue }
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                let v = String(decoding: data, as: UTF8.self).split(separator: " ")
                    .compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                guard v.count == 4, v[0] > 0 else { print("| \(row.name) | \(row.n) × \(row.n) | \(path) | failed | | | |"); continue }
                let ms = 1000 * v[1] / v[0], cpuMs = 1000 * v[3] / v[0]
                if path == "fast" { fastMs = cpuMs }
                let ratio = path == "dense" && fastMs > 0 ? String(format: "%.1f×", cpuMs / fastMs) : ""
                print(String(format: "| %@ | %d × %d | %@ | %.3f | %.3f | %.0f | %@ |", row.name, row.n, row.n, path, ms, cpuMs, v[2], ratio))
            }
        }
        print("")
    }
}
