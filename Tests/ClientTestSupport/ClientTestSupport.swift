import Foundation

#if canImport(Glibc)
  import Glibc
#endif

// What the tests of dosed's clients (dosed-notify, dosed-board) share: the built binaries, a
// hang-bounded wait, scratch directories, child processes and loopback ports.

/// The package's build products (`make test` builds them before the tests run).
public let binaries = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent(".build/debug")
public let packageRoot = binaries.deletingLastPathComponent().deletingLastPathComponent()

public struct Timeout: Error, CustomStringConvertible {
  public let description: String

  public init(description: String) {
    self.description = description
  }
}

/// Polls `condition` every 50 ms for up to `seconds`; throws naming what did not happen. The
/// default bounds a hang, not a speed: beside a CPU hog with every suite starting daemons, a
/// real binary's restart has taken over 15 s. Shared by every test target that starts one.
public func eventually(
  _ what: String, seconds: Double = 60, _ condition: () async throws -> Bool
) async throws {
  let deadline = ContinuousClock.now + .seconds(seconds)
  while ContinuousClock.now < deadline {
    if try await condition() { return }
    try await Task.sleep(for: .milliseconds(50))
  }
  throw Timeout(description: "timed out after \(seconds) s waiting until \(what)")
}

/// A fresh directory under /tmp, removed when the value goes.
public final class ScratchDirectory: Sendable {
  public let path: String

  public init(_ name: String) throws {
    path = "/tmp/dosed-client-\(name)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  public func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
    let file = path + "/" + name
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    if executable { chmod(file, 0o755) }
    return file
  }
}

/// A loopback TCP port nothing listens on: bound once by us, then released.
public func freePort() -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
  }
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
  }
  return Int(UInt16(bigEndian: address.sin_port))
}

/// A child process the test owns: killed (SIGKILL) when the value goes if still running.
public final class ChildProcess: @unchecked Sendable {
  // @unchecked: `Process` is not Sendable; the test that owns the value is the only one to
  // start, signal and wait for it.
  public let process = Process()
  let output: Pipe?

  /// `log`: a file for its stdout and stderr; `capture`: keep stdout for `finish()`.
  public init(
    _ executable: String, _ arguments: [String], log: String? = nil, capture: Bool = false
  ) throws {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    output = capture ? Pipe() : nil
    if let output {
      process.standardOutput = output
      process.standardError = FileHandle.nullDevice
    } else if let log {
      _ = FileManager.default.createFile(atPath: log, contents: nil)
      let handle = FileHandle(forWritingAtPath: log)
      process.standardOutput = handle
      process.standardError = handle
    } else {
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
    }
    try process.run()
  }

  public var pid: Int32 { process.processIdentifier }

  public func kill9() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  public func terminate() {
    process.terminate()
    process.waitUntilExit()
  }

  /// Waits for exit and returns what it printed (with `capture`).
  public func finish() -> (status: Int32, stdout: String) {
    let data = output?.fileHandleForReading.readDataToEndOfFile() ?? Data()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  deinit {
    if process.isRunning { kill9() }
  }
}
