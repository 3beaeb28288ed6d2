@_exported import ClientTestSupport
import DoseNotify
import DoseProtocol
import Foundation
import Logging
import Testing

#if canImport(Glibc)
  import Glibc
#endif

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
let testLogger: Logger = {
  var logger = Logger(label: "dosed-notify-test")
  logger.logLevel = .warning
  return logger
}()

/// One request to dosed's socket, off the async pool (the client blocks).
func requestDosed(_ socket: String, _ request: some Encodable & Sendable) async throws -> Data {
  try await Task.detached { try DoseClient(path: socket, timeout: 5).request(request) }.value
}
