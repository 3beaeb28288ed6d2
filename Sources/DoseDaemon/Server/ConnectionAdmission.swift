import Logging

/// Who holds the socket's places: every connection takes one when it is accepted and gives it
/// back when it closes; `watch` moves it to a watch place. Refusals are logged at most once
/// every 10 s (with how many were not), so a client reconnecting in a loop cannot flood the
/// journal.
actor ConnectionAdmission {
  /// An admitted connection's place.
  struct Ticket: Sendable {
    fileprivate let id: Int
    let uid: UInt32?
    let client: ClientClass
  }

  private var ledger: AdmissionLedger
  private var watching: Set<Int> = []
  private var nextID = 0
  private let logger: Logger
  private var lastLogged: ContinuousClock.Instant?
  private var unlogged = 0

  init(limits: AdmissionLimits, logger: Logger) {
    ledger = AdmissionLedger(limits: limits)
    self.logger = logger
  }

  /// Admits a connection from `uid`. It is taken for a reader unless it is root: whether it
  /// is in the admin group is asked of the user database (`isAdmin`, NSS, which may be slow
  /// with LDAP) only when the readers' places are full, and then it may take a reserved place.
  func admit(uid: UInt32?, isAdmin: @Sendable () -> Bool) -> Result<Ticket, AdmissionRefusal> {
    var client: ClientClass = uid == 0 ? .root : .reader
    var refusal = ledger.admit(uid: uid, as: client)
    if case .total(_, _, privileged: false) = refusal, isAdmin() {
      client = .admin
      refusal = ledger.admit(uid: uid, as: client)
    }
    if let refusal {
      note(refusal)
      return .failure(refusal)
    }
    nextID += 1
    return .success(Ticket(id: nextID, uid: uid, client: client))
  }

  /// Moves `ticket` to a watch place (the same lazy admin check as `admit`).
  func startWatching(_ ticket: Ticket, isAdmin: @Sendable () -> Bool) -> AdmissionRefusal? {
    guard !watching.contains(ticket.id) else { return nil }
    var refusal = ledger.startWatching(as: ticket.client)
    if case .watchers(_, _, privileged: false) = refusal, isAdmin() {
      refusal = ledger.startWatching(as: .admin)
    }
    if let refusal {
      note(refusal)
      return refusal
    }
    watching.insert(ticket.id)
    return nil
  }

  func leave(_ ticket: Ticket) {
    let wasWatching = watching.remove(ticket.id) != nil
    ledger.leave(uid: ticket.uid, as: ticket.client, watching: wasWatching)
  }

  var places: (requestClients: Int, watchers: Int) { (ledger.requestClients, ledger.watchers) }

  private func note(_ refusal: AdmissionRefusal) {
    let now = ContinuousClock.now
    if let lastLogged, now - lastLogged < .seconds(10) {
      unlogged += 1
      return
    }
    logger.warning(
      "client refused: too many clients",
      metadata: [
        "limit": "\(refusal.kind)", "reason": "\(refusal.message)",
        "refused_unlogged": "\(unlogged)",
      ])
    lastLogged = now
    unlogged = 0
  }
}
