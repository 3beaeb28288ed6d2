import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized, .stopsDaemons) struct AccessControlTests {
  @Test func policyAllowsRootAndAdminGroupMembersOnly() {
    // Group "ward-admins" is gid 4000; alice (uid 1000) is a supplementary member, bob is not,
    // carol's primary group is the admin group.
    let policy = AccessPolicy(
      adminGroup: "ward-admins",
      groupsOf: { user, primary in
        user == PeerCredentials.userName(1000) ? [primary, 4000] : [primary]
      },
      groupID: { $0 == "ward-admins" ? 4000 : nil })
    #expect(policy.refusal(for: PeerCred(pid: 1, uid: 0, gid: 0), command: "room_admit") == nil)
    #expect(policy.refusal(for: PeerCred(pid: 1, uid: 1000, gid: 100), command: "x") == nil)
    #expect(policy.refusal(for: PeerCred(pid: 1, uid: 1002, gid: 4000), command: "x") == nil)
    let refusal = policy.refusal(for: PeerCred(pid: 1, uid: 1001, gid: 100), command: "room_clear")
    #expect(refusal?.contains("room_clear needs membership of group 'ward-admins'") == true)
    #expect(policy.refusal(for: nil, command: "x") != nil, "an unidentified caller is refused")
    // Without the group on the system only root may act.
    let none = AccessPolicy(adminGroup: "missing", groupsOf: { _, p in [p] }, groupID: { _ in nil })
    #expect(none.refusal(for: PeerCred(pid: 1, uid: 1000, gid: 100), command: "x") != nil)
  }

  /// `setpriv` runs dosectl as `nobody`: it can read, but every control command is refused
  /// with exit 3, and nothing changes.
  @Test func nobodyCanReadButNotControl() async throws {
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    // Let `nobody` connect (in production: socket group `dosed`, mode 0660).
    chmod(daemon.directory, 0o755)
    chmod(daemon.socketPath, 0o666)
    let dosectl = ExecutableTests.binaries.appendingPathComponent("dosectl").path
    func asNobody(_ arguments: [String]) async throws -> ExecutableTests.Run {
      try await ExecutableTests().run(
        "/usr/bin/setpriv",
        ["--reuid=65534", "--regid=65534", "--clear-groups", dosectl] + arguments + [
          "--socket", daemon.socketPath,
        ])
    }
    let read = try await asNobody(["status", "--json"])
    #expect(read.status == 0, "\(read.stderr)")
    let control: [[String]] = [
      ["room", "admit", "room-2", "--patient", "P-1", "--nuclide", "Lu-177"],
      ["room", "discharge", "room-1"],
      ["room", "clear", "room-1", "--wipe-test", "ok"],
      ["room", "calibrate", "room-1", "--at-1m", "20uSv/h"],
      [
        "waste", "add", "W-1", "--store", "store", "--nuclide", "Lu-177=1MBq", "--route", "nca",
        "--surface",
        "1uSv/h",
      ],
      ["waste", "release", "P1"],
      ["alarms", "ack", "fault:r1"],
      ["reload"],
    ]
    for arguments in control {
      let result = try await asNobody(arguments)
      #expect(result.status == 3, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("permission_denied"))
      #expect(result.stderr.contains("dosed-admin"))
    }
    // Nothing changed: room-2 is still clear, and no action was recorded.
    let room = try await daemon.send(
      RoomRequest(id: .number(1), command: .roomShow, room: "room-2"), as: RoomReply.self
    ).room
    #expect(room.occupancy == "clear")
    let events = try await daemon.send(EventsRequest(id: .number(2)), as: EventsReply.self).events
    // (The configuration's packages are recorded at start-up, by the daemon: no actor.)
    #expect(!events.contains { $0.actor != nil })
    // Root (this test) may act, and is recorded as the actor.
    let admitted = try await daemon.send(
      RoomAdmitRequest(
        id: .number(3), room: "room-2", patient: "P-1", nuclide: "Lu-177", activityBq: nil,
        at: nil), as: RoomReply.self)
    #expect(admitted.room.occupancy == "occupied")
  }
}
