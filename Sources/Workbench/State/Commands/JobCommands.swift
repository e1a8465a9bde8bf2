import NTKEngine
import TUI

/// Starting and cancelling background jobs.
enum JobCommands {
    static let all: [Command] = [
        Command("job.gram", keys: [.char("g")], "Compute the Gram matrices of the selected stack in the background",
                StackCommands.StackArguments.self) { s, a in try s.startGram(a) },
        Command("job.cancel", keys: [.char("c"), .escape, .ctrl("c")],
                "Cancel the selected/newest running job (Ctrl-C: all; quits when none run)", CancelArguments.self) { s, a in
            s.cancelJobs(a)
        },
    ]

    struct CancelArguments: CommandArguments {
        /// `all=yes`.
        var all: Bool
        /// `id=N`: the job to cancel.
        var id: Int?
        init(_ a: ArgumentReader) throws { all = a.yes("all"); id = all ? nil : try a.int("id") }
    }
}

extension AppState {
    fileprivate mutating func startGram(_ a: StackCommands.StackArguments) throws -> Outcome {
        let i = try stackIndex(a)
        if let e = stacks[i].validation { throw CommandError("\(stacks[i].name) is not valid: \(e)") }
        let c = Computation.gram(stacks[i], data)
        var out = Outcome(logged: Invocation("job.gram", ["stack": stacks[i].name, "hash": c.key]))
        if results[c.key] != nil { setStatus("Gram \(stacks[i].name) is cached (\(c.key.prefix(8)))") } else {
            failures[c.key] = nil
            out.effects = [.start(c)]
            setStatus("started Gram \(stacks[i].name) on \(data.summary)")
        }
        return out
    }

    fileprivate mutating func cancelJobs(_ a: JobCommands.CancelArguments) -> Outcome {
        var out = Outcome()
        if a.all {
            out.effects = [.cancel(jobID: nil)]
        } else if let id = a.id {
            out.effects = [.cancel(jobID: id)]
        } else if focus == .jobs, jobs.indices.contains(selectedJob), jobs[selectedJob].isRunning {
            out.effects = [.cancel(jobID: jobs[selectedJob].id)]
        } else if let last = jobs.filter(\.isRunning).last {
            out.effects = [.cancel(jobID: last.id)]
        } else {
            setStatus("no job is running"); return out
        }
        setStatus("cancelling…")
        return out
    }
}
