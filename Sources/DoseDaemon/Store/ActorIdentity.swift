/// Who did something: the peer of a socket request (from `SO_PEERCRED`), or the daemon itself.
public struct ActorIdentity: Sendable, Hashable, Codable {
  public var uid: UInt32
  public var name: String
  public var pid: Int32

  public init(uid: UInt32, name: String, pid: Int32) {
    self.uid = uid
    self.name = name
    self.pid = pid
  }

  /// Events the daemon records on its own (state changes, alarms): no person acted.
  public static let daemon: ActorIdentity? = nil
}
