import Foundation
import NTKEngine

/// One run of a named command with its arguments — what keys, the palette and session
/// replay all produce, and what a session line records.
///
/// Arguments are strings (`layer=2`, `param=W_std`, `value=1.5`) so the palette can accept
/// `stack.set-param layer=2 param=W_std value=1.5`; a whole spec can ride along as `spec`
/// (stack.define, and stack edits record the resulting spec so a log is readable on its own).
struct Invocation: Sendable, Hashable {
    var name: String
    var args: [String: String] = [:]
    var spec: ArchitectureSpec?

    init(_ name: String, _ args: [String: String] = [:], spec: ArchitectureSpec? = nil) {
        self.name = name; self.args = args; self.spec = spec
    }

    /// Parses palette text: `name key=value key="a b"`.
    static func parse(commandLine text: String) throws -> Invocation {
        var tokens: [String] = []
        var cur = "", quoted = false
        for ch in text {
            if ch == "\"" { quoted.toggle(); continue }
            if ch == " " && !quoted { if !cur.isEmpty { tokens.append(cur); cur = "" }; continue }
            cur.append(ch)
        }
        if !cur.isEmpty { tokens.append(cur) }
        guard let name = tokens.first else { throw CommandError("empty command") }
        var args: [String: String] = [:]
        for t in tokens.dropFirst() {
            guard let eq = t.firstIndex(of: "=") else { throw CommandError("argument \"\(t)\" must look like key=value") }
            args[String(t[..<eq])] = String(t[t.index(after: eq)...])
        }
        return Invocation(name, args)
    }

    /// The JSON object of a session line.
    var jsonObject: [String: Any] {
        var d: [String: Any] = ["cmd": name]
        if !args.isEmpty { d["args"] = args }
        if let spec { d["spec"] = spec.jsonObject }
        return d
    }

    /// Reads a session line's object; throws CommandError naming the bad field.
    static func from(jsonObject d: [String: Any]) throws -> Invocation {
        guard let name = d["cmd"] as? String, !name.isEmpty else { throw CommandError("missing \"cmd\" (a command name)") }
        var args: [String: String] = [:]
        if let a = d["args"] {
            guard let obj = a as? [String: Any] else { throw CommandError("\"args\" must be an object of strings") }
            for (k, v) in obj {
                switch v {
                case let s as String: args[k] = s
                case let n as NSNumber: args[k] = n.stringValue
                default: throw CommandError("args.\(k) must be a string or number")
                }
            }
        }
        var spec: ArchitectureSpec?
        if let s = d["spec"] {
            guard let obj = s as? [String: Any] else { throw CommandError("\"spec\" must be an architecture object") }
            do { spec = try ArchitectureSpec.parse(object: obj) } catch let e as SpecError {
                throw CommandError("spec.\(e)")
            }
        }
        return Invocation(name, args, spec: spec)
    }

    func int(_ key: String) throws -> Int? {
        guard let s = args[key] else { return nil }
        guard let v = Int(s) else { throw CommandError("\(name): \(key) must be an integer, got \"\(s)\"") }
        return v
    }
}
