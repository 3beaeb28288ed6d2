import DoseBench
import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14, finding 7: one reader must not lock everyone out of the socket. Real uids over the
/// real socket (`setpriv`, so this runs as root, as on CI): a reader (uid 65534) opens 500
/// connections at once and floods 10 000 malformed requests, again and again, on those it is
/// let in on; root, an admin-group member and another reader each connect afresh every 50 ms
/// meanwhile (`AdmissionScenario`, shared with `dosebench --only abuse`).
@Suite(.serialized, .stopsDaemons) struct AdmissionAbuseTests {
  @Test func oneReaderCannotLockOutTheRSOOrOtherReaders() async throws {
    try #require(getuid() == 0, "needs root to connect as other uids (setpriv)")
    let helper = ExecutableTests.binaries.appendingPathComponent("dosebench").path
    try #require(FileManager.default.isExecutableFile(atPath: helper), "build dosebench first")
    let (group, gid) = try #require(
      AdmissionScenario.adminGroup(), "needs a system group for the admins")
    // The reader's first connections wait while it opens the other 480; on a loaded machine
    // that outlasts the 10 s login grace, which would close them before the flood (correctly,
    // but this test is about the per-user share and the brake): a grace of 10 minutes.
    let daemon = try await TestDaemon.start(
      "[daemon]\nadmin_group = \"\(group)\"\nlogin_grace_s = 600\n\n" + alarmingWard,
      timeScale: 60)
    // In production the socket's group (dosed) lets readers in; here everyone may connect.
    chmod(daemon.directory, 0o755)
    chmod(daemon.socketPath, 0o666)
    // The control action: acknowledging the ward's dose alarm (allowed again and again).
    try await eventually("the dose alarm is raised") {
      try await daemon.status().alarms.contains { $0.alarmID == "dose:room:alarm" }
    }
    let scenario = AdmissionScenario(
      socket: daemon.socketPath, helper: helper, adminGID: gid,
      control: #"{"id":"ack","cmd":"alarm_ack","alarm":"dose:room:alarm","note":"probe"}"#)
    let result = try await offPool { try scenario.run() }
    print(result.summary)

    // The reader got its per-user share and no more; every malformed line was answered.
    let perUser = AdmissionLimits().maxPerUser
    #expect(result.hostile.held == perUser)
    #expect(result.hostile.refused["per-user"] == 500 - perUser, "\(result.hostile.refused)")
    #expect(result.hostile.sent >= 10_000)
    #expect(result.hostile.replies == result.hostile.sent)
    // The brake held the flood back: after 100 errors in a row a connection waits 5 ms before
    // its next line. Any other reply (a line the random byte made valid) starts the count
    // again, so a connection paused at least errors − 100 × (others + 1) times, less the pause
    // after its last line. Its pauses were one after another, so the flood lasted at least the
    // longest connection's: a lower bound, which no load can break.
    let pause = Double(BadRequestBrake.pause.components.attoseconds) / 1e18
    let pauses = zip(result.hostile.errorReplies, result.hostile.otherReplies).map {
      errors, others in errors - BadRequestBrake.freeStreak * (others + 1) - 1
    }
    let needed = Double(pauses.max() ?? 0) * pause
    #expect(needed > 1, "the flood must be long enough to show the brake: \(pauses)")
    #expect(
      result.hostile.floodSeconds >= needed,
      "the flood took \(result.hostile.floodSeconds) s; the brake needs \(needed) s")
    for probe in result.probes {
      #expect(probe.failureCount == 0, "\(probe.name): \(probe.failures)")
      #expect(probe.answers >= 1, "\(probe.name)")
      // Latency is not asserted here: issue 9's figure is 100 ms for every answer, and
      // `dosebench --only abuse` holds the release build to it. Here the daemon is a debug
      // build racing the flood and the other suites for two cores (measured p50 0.5–0.6 s,
      // max 1.9 s). A probe locked out fails by its client's timeout, counted in
      // `failureCount` above.
    }
    let controls = Dictionary(uniqueKeysWithValues: result.probes.map { ($0.name, $0.controls) })
    #expect(controls["root"] == result.probes.first { $0.name == "root" }?.answers)
    #expect(controls["admin"] == result.probes.first { $0.name == "admin" }?.answers)
    // The admin's acknowledgements are recorded as theirs.
    let events = try await daemon.send(EventsRequest(id: .number(1)), as: EventsReply.self).events
    #expect(events.contains { $0.kind == "alarm_ack" && $0.actor?.uid == scenario.adminUID })
  }
}
