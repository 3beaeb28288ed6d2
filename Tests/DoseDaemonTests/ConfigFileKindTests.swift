import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14, finding 4: only a regular file of at most 1 MiB is read as configuration. A FIFO, a
/// device or a directory is refused by name, at once, by `--check-config` and by a reload, and
/// the daemon keeps running and still stops on SIGTERM.
@Suite(.serialized) struct ConfigFileKindTests {
  func message(loading path: String) -> String {
    do {
      _ = try ConfigLoader.load(path: path)
      return "loaded"
    } catch {
      return "\(error)"
    }
  }

  @Test func checkConfigRefusesAFIFO() async throws {
    let directory = try HostilePaths.scratch("fifo")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let fifo = directory + "/ward.toml"
    try HostilePaths.makeFIFO(fifo)
    let poker = FIFOWriterPoker(fifo)
    defer { poker.stop() }
    let outcome = try await HostilePaths.runDosed(["--check-config", "--config", fifo]) { _ in
      false
    }
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("\(fifo): is a FIFO, not a regular file"), "\(outcome.stderr)")
  }

  @Test func checkConfigRefusesADeviceWithoutReadingIt() async throws {
    // Killed if it reads on: /dev/zero never ends.
    let outcome = try await HostilePaths.runDosed(["--check-config", "--config", "/dev/zero"]) {
      HostilePaths.residentMiB($0) > 512
    }
    #expect(outcome.status == 1, "\(outcome.stderr)")
    #expect(
      outcome.stderr.contains("/dev/zero: is a character device, not a regular file"),
      "\(outcome.stderr)")
  }

  @Test func aDirectoryOrAnOversizedFileIsRefusedAndASymlinkIsFollowed() throws {
    let directory = try HostilePaths.scratch("kind")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(
      message(loading: directory).contains("\(directory): is a directory, not a regular file"),
      "\(message(loading: directory))")

    // Valid TOML of 2 MiB: refused for its size, not its content.
    let big = directory + "/big.toml"
    let padding = String(repeating: "# \(String(repeating: "x", count: 60))\n", count: 34_000)
    try (smallWard + "\n" + padding).write(toFile: big, atomically: true, encoding: .utf8)
    let bigMessage = message(loading: big)
    #expect(bigMessage.contains("(2.0 MiB); the limit is 1 MiB"), "\(bigMessage)")

    let ward = directory + "/ward.toml"
    try smallWard.write(toFile: ward, atomically: true, encoding: .utf8)
    let link = directory + "/link.toml"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: ward)
    #expect(message(loading: link) == "loaded")
  }

  /// `dosectl reload` with the configuration replaced by a FIFO: an error naming it, the daemon
  /// keeps monitoring, and SIGTERM still ends it (with nothing blocked on the FIFO).
  @Test func reloadRefusesAFIFOAndTheDaemonStillStops() async throws {
    let daemon = try DosedProcess(name: "fifo", ward: smallWard)
    try daemon.start()
    defer { daemon.stop() }
    try await daemon.waitAnswering()
    try FileManager.default.removeItem(atPath: daemon.configPath)
    try HostilePaths.makeFIFO(daemon.configPath)
    let poker = FIFOWriterPoker(daemon.configPath)
    defer { poker.stop() }

    let reload = try await ExecutableTests().run("dosectl", ["reload", "--socket", daemon.socket])
    #expect(reload.status == 1)
    #expect(
      reload.stderr.contains("\(daemon.configPath): is a FIFO, not a regular file"),
      "\(reload.stderr)")
    #expect(await daemon.status()?.detectors.count == 3, "the daemon must keep running")
    #expect(daemon.stop() == 0)
  }
}
