import Foundation

/// Where `swift build` put `siding` and `sidingd`: beside the running test bundle, or $SIDING_BIN_DIR.
public enum BuiltProducts {
    public static var directory: String {
        if let override = ProcessInfo.processInfo.environment["SIDING_BIN_DIR"] { return override }
        var candidate = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        while candidate != "/" {
            candidate = (candidate as NSString).deletingLastPathComponent
            if FileManager.default.isExecutableFile(atPath: candidate + "/sidingd") { return candidate }
        }
        return ".build/debug"
    }

    public static var siding: String { directory + "/siding" }
    public static var sidingd: String { directory + "/sidingd" }
}

/// What a finished process printed and how it exited.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a program to completion with output captured in files (no pipe can fill up and block it).
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    stdin: Data? = nil, rawArguments: Bool = false
) throws -> ProcessResult {
    let scratch = TemporaryDirectory("proc")
    let outPath = scratch.file("out"), errPath = scratch.file("err")
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let status = exitStatus(of: process)
    let out = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
    let err = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
    return ProcessResult(status: status, stdout: out, stderr: err)
}

/// Waits for `process` to exit and returns its status (the signal's number if one ended it). Waits on
/// the exit itself and leaves the reaping to Foundation, whose `waitUntilExit` polls every 50 ms: that
/// tick would land in every CLI round trip the bench times and in every stop.
public func exitStatus(of process: Process) -> Int32 {
    var info = siginfo_t()
    var waited: Int32
    repeat {
        waited = waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOWAIT)
    } while waited == -1 && errno == EINTR
    guard waited == 0 else {
        // Foundation reaped it first: it has the status.
        process.waitUntilExit()
        return process.terminationStatus
    }
    return info._sifields._sigchld.si_status
}
