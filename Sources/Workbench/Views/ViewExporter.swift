import Foundation
import NTKEngine
import Plotting

/// Writes the current view to files: every figure as PNG, SVG, PDF and CSV (+ .npy for
/// matrices), and the view's text rendering as .txt (what docs/workbench.md shows).
enum ViewExporter {
    /// Returns the written paths; throws when the view has nothing to export yet.
    static func export(_ s: AppState, directory: String, prefix: String = "", textSize: (Int, Int) = (100, 30)) throws -> [String] {
        let content = ViewBuilder.content(s)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The view's files are one set: its manifest goes first and is written last, so a kill
        // mid-export leaves no manifest (the set is visibly incomplete), never a manifest
        // naming a mix of old and new files.
        let manifest = (directory as NSString).appendingPathComponent(prefix + s.view.kind.rawValue + ".manifest.json")
        if unlink(manifest) != 0 && errno != ENOENT {
            throw CommandError("cannot remove the old manifest \(manifest): \(String(cString: strerror(errno)))")
        }
        var paths: [String] = []
        for f in content.figures {
            let base = (directory as NSString).appendingPathComponent(prefix + sanitize(f.name))
            paths += try f.figure.export(base: base)
        }
        // Text capture of the view with its notes (plain glyphs, like a terminal screenshot).
        var buf = CellBuffer(width: textSize.0, height: textSize.1)
        // Shade glyphs instead of colours, so the text file shows the values.
        ViewsPane.render(content, into: &buf, area: buf.area, options: RenderOptions(colorMode: .none, unicode: true), theme: .init())
        let name = prefix + s.view.kind.rawValue + ".txt"
        let txt = (directory as NSString).appendingPathComponent(name)
        try AtomicFile.write(buf.lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n", to: txt)
        paths.append(txt)
        try writeManifest(manifest, view: s.view.kind.rawValue, files: paths)
        if content.figures.isEmpty && s.view.kind != .convergence {
            throw CommandError("the \(s.view.kind.rawValue) view has no figure yet (\(content.notes.first ?? "nothing computed")); wrote only \(name)")
        }
        return paths
    }

    /// `{"view": …, "files": [{"name", "sha256"}]}`: what belongs together, with checksums a
    /// reader can verify.
    static func writeManifest(_ path: String, view: String, files: [String]) throws {
        var entries: [[String: String]] = []
        for f in files {
            guard let data = FileManager.default.contents(atPath: f) else { throw CommandError("cannot read back \(f) for the manifest") }
            entries.append(["name": (f as NSString).lastPathComponent, "sha256": ContentHash.hex(bytes: Array(data))])
        }
        let json = try JSONSerialization.data(withJSONObject: ["view": view, "files": entries] as [String: Any],
                                              options: [.prettyPrinted, .sortedKeys])
        try NTKEngine.AtomicFile.write(Array(json) + [10], to: path)
    }

    static func sanitize(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
