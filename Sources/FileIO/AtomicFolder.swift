import Foundation

/// Writes several files into a folder so that they appear together or not at all.
///
/// Why: `entk kernel` writes nngp.npy and ntk.npy; two separate atomic renames leave a window
/// in which a kill -9 leaves a new nngp.npy next to an old ntk.npy — a pair that looks valid
/// and is not. Here the new files are written into a hidden sibling folder
/// `.NAME.tmp-PID-UUID` (holding hard links to — or copies of — the folder's other entries
/// too), which is then swapped with the target by one `renameat2(RENAME_EXCHANGE)`. At every
/// instant the target is either the complete old folder or the complete new one. Where the
/// kernel lacks RENAME_EXCHANGE, the old folder is renamed aside and the new one into place
/// (a kill between those two renames leaves no folder, never a mixed one). Temp folders of
/// runs that died (their PID is gone) are removed on the next commit into the same parent.
public enum AtomicFolder {
    /// Commits `files` (name → bytes) into `folder`, keeping its other entries.
    public static func commit(_ files: [(name: String, bytes: [UInt8])], to folder: String) throws {
        let target = URL(fileURLWithPath: folder).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        let fm = FileManager.default
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw DataError(path: parent.path, "cannot create directory: \(error.localizedDescription)")
        }
        removeStaleTemporaries(of: name, in: parent.path)
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: target.path, isDirectory: &isDir)
        if exists && !isDir.boolValue { throw DataError(path: target.path, "exists and is not a folder") }
        if exists {
            // The folder is replaced as a whole, so it must be a dedicated output folder: not the
            // working directory (a shell sitting in it would be left in the old, deleted one) and
            // without subfolders (those would have to be copied).
            let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).standardizedFileURL.resolvingSymlinksInPath().path
            let resolved = target.resolvingSymlinksInPath().path
            if cwd == resolved || cwd.hasPrefix(resolved + "/") {
                throw DataError(path: target.path, "is the current directory (or contains it); write into a dedicated output folder, e.g. --out out")
            }
            let subfolders = ((try? fm.contentsOfDirectory(atPath: target.path)) ?? []).filter { entry in
                var d: ObjCBool = false
                return fm.fileExists(atPath: target.appendingPathComponent(entry).path, isDirectory: &d) && d.boolValue
            }
            if let first = subfolders.first {
                throw DataError(path: target.path, "has subfolders (\(first)…); the output pair is committed by replacing the whole folder, so use a dedicated output folder")
            }
        }
        let tmp = parent.appendingPathComponent(".\(name).tmp-\(getpid())-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: tmp, withIntermediateDirectories: false)
            let newNames = Set(files.map(\.name))
            if exists {
                for entry in try fm.contentsOfDirectory(atPath: target.path) where !newNames.contains(entry) {
                    let src = target.appendingPathComponent(entry).path, dst = tmp.appendingPathComponent(entry).path
                    if (try? fm.linkItem(atPath: src, toPath: dst)) == nil { try fm.copyItem(atPath: src, toPath: dst) } // files only (checked above)
                }
            }
            for f in files {
                try Data(f.bytes).write(to: tmp.appendingPathComponent(f.name))
            }
        } catch {
            try? fm.removeItem(at: tmp)
            throw DataError(path: target.path, "cannot write the new files: \(error.localizedDescription)")
        }
        if !exists {
            guard rename(tmp.path, target.path) == 0 else {
                let why = String(cString: strerror(errno))
                try? fm.removeItem(at: tmp)
                throw DataError(path: target.path, "cannot move the new folder into place: \(why)")
            }
            return
        }
        if let exchange = renameExchange, exchange(AT_FDCWD, tmp.path, AT_FDCWD, target.path, 2 /* RENAME_EXCHANGE */) == 0 {
            try? fm.removeItem(at: tmp) // now holds the old contents
            return
        }
        // Fallback: old aside, new into place, old removed.
        let old = parent.appendingPathComponent(".\(name).tmp-\(getpid())-\(UUID().uuidString)")
        guard rename(target.path, old.path) == 0 else {
            let why = String(cString: strerror(errno))
            try? fm.removeItem(at: tmp)
            throw DataError(path: target.path, "cannot move the old folder aside: \(why)")
        }
        guard rename(tmp.path, target.path) == 0 else {
            let why = String(cString: strerror(errno))
            _ = rename(old.path, target.path)
            try? fm.removeItem(at: tmp)
            throw DataError(path: target.path, "cannot move the new folder into place: \(why)")
        }
        try? fm.removeItem(at: old)
    }

    /// Removes `.NAME.tmp-PID-…` folders left in `parent` by runs that died, and hidden
    /// `.FILE.tmp-…` files of `AtomicFile` inside the target folder.
    public static func removeStaleTemporaries(of name: String, in parent: String) {
        removeStale(prefix: ".\(name).tmp-", in: parent)
        let folder = (parent as NSString).appendingPathComponent(name)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasPrefix(".") {
            guard let r = entry.range(of: ".tmp-") else { continue }
            removeStale(prefix: String(entry[..<r.upperBound]), in: folder)
        }
    }

    /// Removes entries `PREFIX<pid>-<uuid>` of `dir` whose process is gone (and entries of the
    /// older `PREFIX<uuid>` form, which no running entk writes any more).
    public static func removeStale(prefix: String, in dir: String) {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            if let pidText = rest.split(separator: "-").first, pidText.allSatisfy(\.isNumber), let pid = Int32(pidText) {
                if pid == getpid() { continue }
                if kill(pid, 0) == 0 || errno == EPERM { continue } // still running (or not ours to judge)
            }
            try? fm.removeItem(atPath: (dir as NSString).appendingPathComponent(entry))
        }
    }

    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's renameat2 (2.28+), looked up at run time: Swift's Glibc module does not export it.
    static let renameExchange: RenameAt2? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(sym, to: RenameAt2.self)
    }()
}
