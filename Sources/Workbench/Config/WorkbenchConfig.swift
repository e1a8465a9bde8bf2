import Foundation
import CellSurface

/// Optional settings from `$XDG_CONFIG_HOME/entk/config.json` (JSON with `//` comment
/// lines; `entk config --init` writes a commented default). Unknown keys are reported,
/// not fatal, so an old config never stops the workbench from starting.
struct WorkbenchConfig: Sendable, Equatable {
    /// Gram worker threads (nil = all cores).
    var threads: Int?
    /// Inputs per tile side of Grams computed in the tile store (nil = from the stack, as `entk kernel`).
    var tileRows: Int?
    /// `auto`, `truecolor`, `256`, `8` or `none`.
    var color = "auto"
    /// Default dataset fields for new sessions (as `data.choose` takes them).
    var data: [String: String] = [:]
    /// Folder the `e` key exports to.
    var exportDirectory = "entk-export"

    static func path(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        SessionPaths.configDirectory(env) + "/config.json"
    }

    static let template = """
    // entk workbench configuration. Lines starting with // are comments.
    // Delete a setting to get its default.
    {
      // Worker threads for Gram computations (null = all cores).
      "threads": null,
      // Inputs per tile of Grams in the tile store (null = from the stack, as entk kernel; like --tile-rows).
      "tile_rows": null,
      // Colours: "auto" (from the terminal), "truecolor", "256", "8" or "none".
      "color": "auto",
      // Data of new sessions, as data.choose takes it (dataset: synthetic, fashion-mnist, mnist5k, textures).
      "data": {"dataset": "synthetic", "train": "24", "test": "24", "size": "8", "classes": "4", "seed": "0", "augment": "none"},
      // Where the e key writes PNG/SVG/CSV exports (relative to the working directory).
      "export_dir": "entk-export"
    }

    """

    /// Loads the config; a missing file gives the defaults, a malformed one a located error.
    static func load(path: String) throws -> (WorkbenchConfig, [String]) {
        guard let data = FileManager.default.contents(atPath: path) else { return (WorkbenchConfig(), []) }
        let text = String(decoding: data, as: UTF8.self)
        let stripped = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).hasPrefix("//") ? "" : String($0) }.joined(separator: "\n")
        let obj: Any
        do { obj = try JSONSerialization.jsonObject(with: Data(stripped.utf8)) } catch {
            throw CommandError("\(path): not valid JSON (after removing // comments): \(error.localizedDescription)")
        }
        guard let d = obj as? [String: Any] else { throw CommandError("\(path): expected a JSON object") }
        var c = WorkbenchConfig()
        var warnings: [String] = []
        for (k, v) in d {
            switch k {
            case "threads":
                if v is NSNull { c.threads = nil } else {
                    guard let n = (v as? NSNumber)?.intValue, n >= 1, n <= 256 else { throw CommandError("\(path): threads must be null or 1…256") }
                    c.threads = n
                }
            case "tile_rows":
                if v is NSNull { c.tileRows = nil } else {
                    guard let n = (v as? NSNumber)?.intValue, n >= 1, n <= 100_000 else { throw CommandError("\(path): tile_rows must be null or 1…100000") }
                    c.tileRows = n
                }
            case "color":
                guard let s = v as? String, ["auto", "truecolor", "256", "8", "none"].contains(s) else {
                    throw CommandError("\(path): color must be auto, truecolor, 256, 8 or none")
                }
                c.color = s
            case "data":
                guard let o = v as? [String: Any] else { throw CommandError("\(path): data must be an object") }
                for (dk, dv) in o { c.data[dk] = (dv as? String) ?? (dv as? NSNumber)?.stringValue ?? "\(dv)" }
                do { _ = try DataChoice().applying(c.data) } catch { throw CommandError("\(path): data: \(error)") }
            case "export_dir":
                guard let s = v as? String, !s.isEmpty else { throw CommandError("\(path): export_dir must be a folder name") }
                c.exportDirectory = s
            default: warnings.append("\(path): unknown setting \"\(k)\" ignored")
            }
        }
        return (c, warnings)
    }

    /// Render options forced by `color` (nil = let the terminal decide).
    func renderOptions(default d: RenderOptions) -> RenderOptions {
        switch color {
        case "truecolor": RenderOptions(colorMode: .truecolor, unicode: d.unicode)
        case "256": RenderOptions(colorMode: .palette256, unicode: d.unicode)
        case "8": RenderOptions(colorMode: .palette8, unicode: d.unicode)
        case "none": RenderOptions(colorMode: .none, unicode: d.unicode)
        default: d
        }
    }
}
