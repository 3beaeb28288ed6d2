/// The socket's places, as `[daemon]` configures them (docs/protocol.md, `too_many_clients`).
///
/// Request clients and watchers have places of their own, so that dashboards streaming events
/// all day never leave `dosectl status` without a place, and a crowd of request clients never
/// cuts the ward's screens off. Of each, `reservedClients` are kept for root and the admin
/// group, as PostgreSQL keeps `superuser_reserved_connections`: readers can fill every other
/// place and the RSO still gets in.
public struct AdmissionLimits: Sendable, Equatable {
  /// Request clients at once, the reserved places included (`max_clients`).
  public var maxClients = 64
  /// Watch streams at once, the reserved places included (`max_watchers`).
  public var maxWatchers = 64
  /// Places of each kind only root and the admin group may take (`reserved_clients`).
  public var reservedClients = 8
  /// Connections (requests and watchers) one uid other than root may hold
  /// (`max_clients_per_user`). Root is not limited: it is the last resort, and holds only
  /// what an administrator opens.
  public var maxPerUser = 16

  public init() {}
}

/// Root and the admin group may take the reserved places; everyone else is a reader.
enum ClientClass: Sendable, Equatable {
  case root
  case admin
  case reader

  var isPrivileged: Bool { self != .reader }
}

/// Which limit turned a client away; the message names its configuration key.
enum AdmissionRefusal: Sendable, Equatable, Error {
  case perUser(uid: UInt32?, limit: Int)
  case total(limit: Int, reserved: Int, privileged: Bool)
  case watchers(limit: Int, reserved: Int, privileged: Bool)

  /// The limit's name in logs: per-user, total or watchers.
  var kind: String {
    switch self {
    case .perUser: "per-user"
    case .total: "total"
    case .watchers: "watchers"
    }
  }

  var message: String {
    switch self {
    case .perUser(let uid, let limit):
      let who = uid.map { "uid \($0)" } ?? "an unidentified caller"
      return "per-user limit: \(who) holds \(limit) connections already "
        + "(max_clients_per_user); close one or try later"
    case .total(let limit, let reserved, let privileged):
      return privileged
        ? "total limit: all \(limit) client places are taken (max_clients); try later"
        : "total limit: the \(limit - reserved) client places open to readers are taken "
          + "(max_clients \(limit), reserved_clients \(reserved) kept for root and the admin "
          + "group); try later"
    case .watchers(let limit, let reserved, let privileged):
      return privileged
        ? "watchers limit: all \(limit) watch places are taken (max_watchers); try later"
        : "watchers limit: the \(limit - reserved) watch places open to readers are taken "
          + "(max_watchers \(limit), reserved_clients \(reserved) kept for root and the admin "
          + "group); try later"
    }
  }
}

/// The places taken, by kind and by uid: the admission decisions as a value, so that they are
/// tested without sockets or real users. `ConnectionAdmission` holds one.
struct AdmissionLedger: Sendable {
  let limits: AdmissionLimits
  private(set) var requestClients = 0
  private(set) var watchers = 0
  /// Connections per uid other than root; nil is the one bucket of callers the kernel could
  /// not identify.
  private(set) var perUser: [UInt32?: Int] = [:]

  init(limits: AdmissionLimits) {
    self.limits = limits
  }

  /// Takes a request place for a new connection, or says which limit is in the way.
  mutating func admit(uid: UInt32?, as client: ClientClass) -> AdmissionRefusal? {
    if client != .root, perUser[uid, default: 0] >= limits.maxPerUser {
      return .perUser(uid: uid, limit: limits.maxPerUser)
    }
    let open = client.isPrivileged ? limits.maxClients : limits.maxClients - limits.reservedClients
    guard requestClients < open else {
      return .total(
        limit: limits.maxClients, reserved: limits.reservedClients,
        privileged: client.isPrivileged)
    }
    requestClients += 1
    if client != .root { perUser[uid, default: 0] += 1 }
    return nil
  }

  /// Moves an admitted connection from its request place to a watch place (`watch`).
  mutating func startWatching(as client: ClientClass) -> AdmissionRefusal? {
    let open =
      client.isPrivileged ? limits.maxWatchers : limits.maxWatchers - limits.reservedClients
    guard watchers < open else {
      return .watchers(
        limit: limits.maxWatchers, reserved: limits.reservedClients,
        privileged: client.isPrivileged)
    }
    watchers += 1
    requestClients = Swift.max(0, requestClients - 1)
    return nil
  }

  /// Gives back the place of a connection that closed.
  mutating func leave(uid: UInt32?, as client: ClientClass, watching: Bool) {
    if watching {
      watchers = Swift.max(0, watchers - 1)
    } else {
      requestClients = Swift.max(0, requestClients - 1)
    }
    guard client != .root, let held = perUser[uid] else { return }
    perUser[uid] = held > 1 ? held - 1 : nil
  }
}
