import DoseProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import DoseDaemon

/// Admission decisions without sockets (issue 14, finding 7): who gets a place when the socket
/// is crowded. The real uids over the real socket are in `AdmissionAbuseTests`.
@Suite struct ConnectionAdmissionTests {
  static var limits: AdmissionLimits {
    var limits = AdmissionLimits()
    limits.maxClients = 10
    limits.maxWatchers = 4
    limits.reservedClients = 2
    limits.maxPerUser = 3
    return limits
  }

  @Test func oneReaderGetsItsShareAndNoMore() {
    var ledger = AdmissionLedger(limits: Self.limits)
    for _ in 0..<3 { #expect(ledger.admit(uid: 1000, as: .reader) == nil) }
    let refusal = ledger.admit(uid: 1000, as: .reader)
    #expect(refusal == .perUser(uid: 1000, limit: 3))
    #expect(refusal?.message.contains("per-user limit") == true)
    #expect(refusal?.message.contains("max_clients_per_user") == true)
    // Another reader still gets in.
    #expect(ledger.admit(uid: 1001, as: .reader) == nil)
    // A place given back is a place to take again.
    ledger.leave(uid: 1000, as: .reader, watching: false)
    #expect(ledger.admit(uid: 1000, as: .reader) == nil)
  }

  @Test func readersCannotTakeTheReservedPlaces() {
    var ledger = AdmissionLedger(limits: Self.limits)
    for uid in UInt32(1000)..<1008 { #expect(ledger.admit(uid: uid, as: .reader) == nil) }
    let refusal = ledger.admit(uid: 2000, as: .reader)
    #expect(refusal == .total(limit: 10, reserved: 2, privileged: false))
    #expect(refusal?.message.contains("total limit") == true)
    #expect(refusal?.message.contains("reserved_clients") == true)
    // The RSO gets in: an admin-group member, then root.
    #expect(ledger.admit(uid: 500, as: .admin) == nil)
    #expect(ledger.admit(uid: 0, as: .root) == nil)
    #expect(ledger.admit(uid: 0, as: .root) == .total(limit: 10, reserved: 2, privileged: true))
  }

  @Test func rootHasNoPerUserLimitButAdminsDo() {
    var ledger = AdmissionLedger(limits: Self.limits)
    for _ in 0..<5 { #expect(ledger.admit(uid: 0, as: .root) == nil) }
    for _ in 0..<3 { #expect(ledger.admit(uid: 500, as: .admin) == nil) }
    #expect(ledger.admit(uid: 500, as: .admin) == .perUser(uid: 500, limit: 3))
  }

  @Test func watchersHavePlacesOfTheirOwn() {
    var ledger = AdmissionLedger(limits: Self.limits)
    // Two readers' watchers fill the readers' watch places (4 − 2 reserved)…
    for uid in UInt32(1000)..<1002 {
      #expect(ledger.admit(uid: uid, as: .reader) == nil)
      #expect(ledger.startWatching(as: .reader) == nil)
    }
    #expect(ledger.requestClients == 0)
    #expect(ledger.watchers == 2)
    #expect(ledger.admit(uid: 1002, as: .reader) == nil)
    let refusal = ledger.startWatching(as: .reader)
    #expect(refusal == .watchers(limit: 4, reserved: 2, privileged: false))
    #expect(refusal?.message.contains("watchers limit") == true)
    // …while request clients keep all theirs, and the RSO may still watch.
    for uid in UInt32(1003)..<1010 { #expect(ledger.admit(uid: uid, as: .reader) == nil) }
    #expect(ledger.startWatching(as: .admin) == nil)
    // A watcher leaving frees a watch place.
    ledger.leave(uid: 1000, as: .reader, watching: true)
    #expect(ledger.watchers == 2)
  }

  @Test func callersTheKernelCannotIdentifyShareOneBucket() {
    var ledger = AdmissionLedger(limits: Self.limits)
    for _ in 0..<3 { #expect(ledger.admit(uid: nil, as: .reader) == nil) }
    #expect(ledger.admit(uid: nil, as: .reader) == .perUser(uid: nil, limit: 3))
  }

  @Test func theAdminGroupIsLookedUpOnlyWhenReadersAreFull() async {
    let admission = ConnectionAdmission(
      limits: Self.limits, logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() })
    let lookups = Lookups()
    for uid in UInt32(1000)..<1008 {
      guard case .success = await admission.admit(uid: uid, isAdmin: lookups.no) else {
        Issue.record("reader \(uid) refused")
        return
      }
    }
    #expect(lookups.count == 0)
    // Full for readers: a member of the admin group is let in on a reserved place, a reader
    // is told which limit.
    guard case .success(let admin) = await admission.admit(uid: 500, isAdmin: lookups.yes) else {
      Issue.record("the admin was refused")
      return
    }
    #expect(admin.client == .admin)
    guard case .failure(let refusal) = await admission.admit(uid: 2000, isAdmin: lookups.no)
    else {
      Issue.record("a reader got a reserved place")
      return
    }
    #expect(refusal.kind == "total")
    #expect(lookups.count == 2)
    await admission.leave(admin)
    #expect(await admission.places.requestClients == 8)
  }

  /// Counts calls to the admin-group lookup.
  final class Lookups: Sendable {
    private let calls = Mutex(0)
    var count: Int { calls.withLock { $0 } }
    var yes: @Sendable () -> Bool {
      { [self] in
        calls.withLock { $0 += 1 }
        return true
      }
    }
    var no: @Sendable () -> Bool {
      { [self] in
        calls.withLock { $0 += 1 }
        return false
      }
    }
  }

  @Test func configurationKeysAreReadAndChecked() throws {
    let defaults = try ConfigLoader.parse(smallWard, path: "ward.toml").daemon
    #expect(defaults.clients.admissionLimits == AdmissionLimits())
    #expect(defaults.clients.loginGraceSeconds == 10)
    let set = try ConfigLoader.parse(
      "[daemon]\nmax_clients = 20\nmax_watchers = 5\nreserved_clients = 4\n"
        + "max_clients_per_user = 6\nlogin_grace_s = 2.5\n\n" + smallWard, path: "ward.toml"
    ).daemon
    #expect(set.clients.admissionLimits.maxClients == 20)
    #expect(set.clients.admissionLimits.maxWatchers == 5)
    #expect(set.clients.admissionLimits.reservedClients == 4)
    #expect(set.clients.admissionLimits.maxPerUser == 6)
    #expect(set.clients.loginGraceSeconds == 2.5)
    // A small max_clients shrinks the default reserve so that readers keep a place.
    let small = try ConfigLoader.parse("[daemon]\nmax_clients = 2\n\n" + smallWard, path: "w")
    #expect(small.daemon.clients.admissionLimits.reservedClients == 1)
    for (text, message) in [
      ("reserved_clients = 64", "must be between 0 and 63"),
      ("max_watchers = 0", "must be between 1 and 10000"),
      ("max_clients_per_user = 0", "must be between 1 and 10000"),
      ("login_grace_s = 0.5", "must be at least 1 s"),
      ("max_client_per_user = 4", "unknown key 'max_client_per_user'"),
    ] {
      #expect {
        try ConfigLoader.parse("[daemon]\n\(text)\n\n" + smallWard, path: "ward.toml")
      } throws: { error in
        "\(error)".contains(message)
      }
    }
  }
}
