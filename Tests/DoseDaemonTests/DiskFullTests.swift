import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 9: the state directory fills up, for real. The real `dosed` runs in its own mount
/// namespace (unshare(1)) with its state directory on a 16 MiB tmpfs; the test fills that
/// file system to the last page through /proc/PID/root, so SQLite's writes fail with ENOSPC
/// (SQLITE_FULL), then deletes the filler. Pass: the daemon keeps monitoring, raises a
/// `storage` alarm that says the disk is full, writes what waited once space returns (a
/// `storage_recovered` event, nothing lost), and the database passes its integrity check.
@Suite(.serialized) struct DiskFullTests {
  /// unshare(1) with a private mount namespace; without root, in a user namespace as well.
  static func launcher(stateDirectory: String) -> [String] {
    ["/usr/bin/unshare", "--mount"] + (getuid() == 0 ? [] : ["--map-root-user"]) + [
      "/bin/sh", "-c",
      "mkdir -p \"$0\" && mount -t tmpfs -o size=16m dosed-state \"$0\" && exec \"$@\"",
      stateDirectory,
    ]
  }

  /// Writes zeros to `path` until the file system refuses (ENOSPC); returns the bytes written.
  func fill(_ path: String) throws -> Int {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw Timeout(description: "cannot create \(path): errno \(errno)") }
    defer { close(fd) }
    var total = 0
    for chunk in [1 << 20, 4096] {
      let zeros = [UInt8](repeating: 0, count: chunk)
      while true {
        let written = zeros.withUnsafeBytes { write(fd, $0.baseAddress, chunk) }
        if written <= 0 { break }
        total += written
      }
    }
    return total
  }

  @Test func aFullStateDirectoryRaisesAStorageAlarmAndLosesNothing() async throws {
    let ward = DosedProcess.simulatedWard(
      detectors: 16,
      then: """
        [[location]]
        id = "room"
        kind = "isolation_room"
        detectors = ["d0", "d1"]
        warn_usv_h = 100.0
        alarm_usv_h = 200.0
        state = "occupied"
        """)
    // Staleness at 10 s of real time: a loaded machine's pause is not a stale detector, while
    // a ward loop stalled by the failing writes still would be.
    let daemon = try DosedProcess(
      name: "full",
      ward: ward.replacingOccurrences(
        of: "tube = \"SBM-20\"\n", with: "tube = \"SBM-20\"\nstale_after_s = 36000.0\n"),
      arguments: ["--time-scale", "3600"])
    daemon.launcher = Self.launcher(stateDirectory: daemon.stateDirectory)
    // Not skipped where it cannot run: it fails here, saying what the machine lacks.
    let probe = try await ExecutableTests().run(
      daemon.launcher[0], Array(daemon.launcher.dropFirst()) + ["/bin/true"])
    let lacking =
      "needs a private mount namespace with a tmpfs (root, or unprivileged user namespaces): "
      + "\(daemon.launcher.joined(separator: " ")) /bin/true failed: \(probe.stderr)"
    try #require(probe.status == 0, "\(lacking)")
    try daemon.start()
    try await daemon.waitAnswering()
    try await eventually("every detector reads") {
      await daemon.status()?.detectors.allSatisfy { $0.state == "ok" } == true
    }
    let state = daemon.seen(daemon.stateDirectory)
    #expect(FileManager.default.fileExists(atPath: state + "/" + RecordStore.fileName))
    let filler = state + "/filler"
    let filled = try fill(filler)
    print("disk full: \(filled / 1024) KiB of filler fill the state directory")

    // Minute records (about a thousand a second here) stop fitting: the alarm says why.
    try await eventually("the storage alarm is raised") {
      await daemon.status()?.alarms.contains {
        $0.kind == "storage" && $0.message.contains("full")
      } == true
    }
    // Monitoring goes on: readings keep coming and the detectors stay ok.
    let before = await daemon.detector("d0")?.lastReadingAt
    try await eventually("readings keep coming") {
      let now = await daemon.detector("d0")?.lastReadingAt
      return now != nil && now != before
    }
    #expect(await daemon.status()?.detectors.allSatisfy { $0.state == "ok" } == true)
    #expect(await daemon.location("room")?.state == "occupied")
    try await Task.sleep(for: .seconds(2))

    // Space returns.
    try FileManager.default.removeItem(atPath: filler)
    try await eventually("the storage alarm clears") {
      await daemon.status()?.alarms.contains { $0.kind == "storage" } == false
    }
    let events = try await daemon.events()
    let recovered = try #require(events.first { $0.kind == "storage_recovered" })
    print("disk full: \(recovered.message)")
    #expect(recovered.message.contains("full"))
    #expect(!recovered.message.contains("lost"))
    // The storage alarm itself, raised while nothing could be written, is in the records.
    #expect(events.contains { $0.kind == "alarm" && $0.message.starts(with: "storage:") })
    // The database went through ENOSPC intact (read beside the running daemon).
    let store = try RecordStore(directory: state)
    #expect(try store.integrityCheck() == "ok")
    #expect(daemon.stop() == 0)
  }
}

extension DiskFullTests {
  /// A file-size limit lowered under the running daemon (prlimit(1) on RLIMIT_FSIZE, what
  /// `ulimit -f` or LimitFSIZE= set): every write past it fails with EFBIG. Without SIGXFSZ
  /// ignored the kernel would kill the daemon; instead it raises the storage alarm, goes on,
  /// and recovers when the limit is lifted.
  @Test func aFileSizeLimitIsAStorageAlarmNotADeath() async throws {
    let daemon = try DosedProcess(
      name: "fsize", ward: smallWard, arguments: ["--time-scale", "600"])
    try daemon.start()
    try await daemon.waitAnswering()
    try await eventually("every detector reads") {
      await daemon.status()?.detectors.allSatisfy { $0.state == "ok" } == true
    }
    func prlimit(_ limit: String) async throws {
      let run = try await ExecutableTests().run(
        "/usr/bin/prlimit", ["--pid", "\(daemon.pid)", "--fsize=\(limit)"])
      #expect(run.status == 0, "\(run.stderr)")
    }
    try await prlimit("1:")
    try await eventually("the storage alarm is raised") {
      await daemon.status()?.alarms.contains { $0.kind == "storage" } == true
    }
    #expect(daemon.process.isRunning, "SIGXFSZ must not stop the daemon")
    try await Task.sleep(for: .seconds(1))
    try await prlimit("unlimited:")
    try await eventually("the storage alarm clears") {
      await daemon.status()?.alarms.contains { $0.kind == "storage" } == false
    }
    let events = try await daemon.events()
    #expect(events.contains { $0.kind == "storage_recovered" && !$0.message.contains("lost") })
    #expect(daemon.stop() == 0)
  }
}
