import DoseDaemon
import Foundation
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Test support for issue 14's hostile paths: daemons run until they give up, FIFOs, sockets
/// nobody answers on, and a file's identity (st_dev, st_ino).
enum HostilePaths {
  struct Outcome: Sendable {
    /// Exit status; nil when the daemon was killed because `killWhen` said so.
    let status: Int32?
    let stderr: String
  }

  /// Runs the built `dosed` with `arguments` until it exits. `killWhen` is asked (with the
  /// daemon's pid) while it runs; once it says yes (the daemon serves a socket it should have
  /// refused, say), the daemon is killed and the outcome has no status. So a test fails on a
  /// daemon that would otherwise run forever, without a timed assertion.
  static func runDosed(
    _ arguments: [String], killWhen: @escaping @Sendable (pid_t) -> Bool
  ) async throws -> Outcome {
    let log = NSTemporaryDirectory() + "dosed-stderr-\(UUID().uuidString.prefix(8))"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: log) }
    let process = Process()
    process.executableURL = ExecutableTests.binaries.appendingPathComponent("dosed")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    try process.run()
    var killed = false
    while process.isRunning {
      if killWhen(process.processIdentifier) {
        kill(process.processIdentifier, SIGKILL)
        killed = true
        break
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    process.waitUntilExit()
    let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return Outcome(status: killed ? nil : process.terminationStatus, stderr: stderr)
  }

  /// Resident memory of `pid` in MiB (VmRSS), 0 if unknown: a config check holding hundreds of
  /// MiB is reading a file without end.
  static func residentMiB(_ pid: pid_t) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
      let kB = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kB / 1024
  }

  /// What is at `path` itself (not a symlink's target): st_dev, st_ino, the file type and the
  /// change time, so that a new file reusing a freed inode number still differs. Nil if nothing
  /// is there.
  static func identity(_ path: String) -> [Int]? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return [
      Int(info.st_dev), Int(info.st_ino), Int(info.st_mode & S_IFMT), info.st_ctim.tv_sec,
      info.st_ctim.tv_nsec,
    ]
  }

  static func makeFIFO(_ path: String) throws {
    try #require(mkfifo(path, 0o600) == 0, "mkfifo \(path): \(String(cString: strerror(errno)))")
  }

  /// A fresh directory under /tmp (short: socket paths hold at most 107 bytes).
  static func scratch(_ name: String) throws -> String {
    let path = "/tmp/dosed-\(name)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// A Unix socket bound and listening at `path` that never accepts: what a live daemon stopped
  /// with SIGSTOP looks like from outside. Returns the descriptor; close it to end it.
  static func silentListener(at path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      let bytes = Array(path.utf8)
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    try #require(bound == 0, "bind \(path): \(String(cString: strerror(errno)))")
    try #require(listen(fd, 8) == 0)
    return fd
  }
}

/// A `DosedService` in this process on a chosen socket and state directory, for the cases
/// where it must give up rather than serve.
final class ServiceRun: Sendable {
  private final class Flag: Sendable {
    let value = Atomic<Bool>(false)
  }

  private let task: Task<Void, any Error>
  private let ended = Flag()

  init(ward: String, socket: String, stateDirectory: String) throws {
    var config = try ConfigLoader.parse(ward, path: "test.toml")
    config.daemon.socketPath = socket
    config.daemon.stateDirectory = stateDirectory
    let service = DosedService(
      config: config, logger: Logger(label: "dosed-test") { _ in SwiftLogNoOpLogHandler() },
      environment: [:])
    let ended = ended
    task = Task {
      defer { ended.value.store(true, ordering: .sequentiallyConsistent) }
      try await service.run()
    }
  }

  /// `run()` has returned or thrown.
  var finished: Bool { ended.value.load(ordering: .sequentiallyConsistent) }

  /// Cancels the service if it still runs; what `run()` threw, if anything.
  func stop() async -> (any Error)? {
    task.cancel()
    if case .failure(let error) = await task.result { return error }
    return nil
  }
}

/// Keeps opening and closing the write end of a FIFO while a test runs, so that a reader which
/// opened it blocking (the code before issue 14) sees end of file instead of waiting forever:
/// the test then fails on its message rather than hanging.
final class FIFOWriterPoker: Sendable {
  private let stopped = Atomic<Bool>(false)

  init(_ path: String) {
    Thread { [self] in
      while !stopped.load(ordering: .relaxed) {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 { close(fd) }
        usleep(20_000)
      }
    }.start()
  }

  func stop() { stopped.store(true, ordering: .relaxed) }
}
