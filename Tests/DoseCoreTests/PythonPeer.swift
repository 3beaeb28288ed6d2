import Foundation

/// Runs one of the independent Python peers in `scripts/test-peers` and returns its stdout.
/// A missing interpreter or package is a failure naming how to install it, never a skip.
enum PythonPeer {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static func run(script: String, arguments: [String] = [], install: String) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw Failure(description: "cannot run python3 (\(error)); then \(install)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let name = (script as NSString).lastPathComponent
      throw Failure(
        description: "\(name) exited \(process.terminationStatus): \(message) — \(install)")
    }
    return data
  }
}
