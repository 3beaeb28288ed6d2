import DoseNotify
import DoseProtocol
import Foundation
import Logging
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The package's build products (`make test` builds them before the tests run).
let binaries = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent(".build/debug")

struct Timeout: Error, CustomStringConvertible {
  let description: String
}

/// Polls `condition` every 50 ms; `seconds` only bounds a hang, it is not the thing tested.
func eventually(
  _ what: String, seconds: Double = 30, _ condition: () async throws -> Bool
) async throws {
  let deadline = ContinuousClock.now + .seconds(seconds)
  while ContinuousClock.now < deadline {
    if try await condition() { return }
    try await Task.sleep(for: .milliseconds(50))
  }
  throw Timeout(description: "timed out after \(seconds) s waiting until \(what)")
}

/// A fresh directory under /tmp, removed when the value goes.
final class ScratchDirectory: Sendable {
  let path: String

  init(_ name: String) throws {
    path = "/tmp/dosed-notify-\(name)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
    let file = path + "/" + name
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    if executable { chmod(file, 0o755) }
    return file
  }
}

/// A program for exec actions that records each invocation as one line: its `DOSED_*`
/// environment (sorted, tab-separated) and then the JSON it got on stdin.
struct Recorder {
  let script: String
  let log: String

  init(in directory: ScratchDirectory, name: String = "record") throws {
    log = directory.path + "/\(name).log"
    script = try directory.write(
      "\(name).sh",
      """
      #!/bin/sh
      # One line per run: the DOSED_ variables, a tab, the event line from stdin.
      vars=$(env | grep '^DOSED_' | sort | tr '\\n' '\\t')
      input=$(cat)
      printf '%s|%s\\n' "$vars" "$input" >> "\(log)"
      """, executable: true)
  }

  struct Invocation {
    var environment: [String: String]
    var event: [String: Any]
  }

  func invocations() -> [Invocation] {
    guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      guard let bar = line.lastIndex(of: "|") else { return nil }
      var environment: [String: String] = [:]
      for pair in line[..<bar].split(separator: "\t") {
        guard let equals = pair.firstIndex(of: "=") else { continue }
        environment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
      }
      let json = Data(line[line.index(after: bar)...].utf8)
      let event = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] ?? [:]
      return Invocation(environment: environment, event: event)
    }
  }

  /// (event, alarm id) of each run, in order.
  func events() -> [String] {
    invocations().map {
      "\($0.environment["DOSED_EVENT"] ?? "?") \($0.environment["DOSED_ALARM_ID"] ?? "?")"
    }
  }
}

/// A TCP port free on loopback right now.
func freePort() -> Int {
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
final class ChildProcess: @unchecked Sendable {
  let process = Process()

  init(_ executable: String, _ arguments: [String], log: String? = nil) throws {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let log {
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

  var pid: Int32 { process.processIdentifier }

  func kill9() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  func terminate() {
    process.terminate()
    process.waitUntilExit()
  }

  deinit {
    if process.isRunning { kill9() }
  }
}

let testLogger: Logger = {
  var logger = Logger(label: "dosed-notify-test")
  logger.logLevel = .warning
  return logger
}()

/// One request to dosed's socket, off the async pool (the client blocks).
func requestDosed(_ socket: String, _ request: some Encodable & Sendable) async throws -> Data {
  try await Task.detached { try DoseClient(path: socket, timeout: 5).request(request) }.value
}
