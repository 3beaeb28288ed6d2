import DoseProtocol
import Foundation
import Synchronization

/// The board's one copy of what dosed said and whether it is current, and the rendering of each
/// page and event channel from it. Written by the follower (one task), read by every request.
public final class Board: Sendable {
  public let config: BoardConfig
  public let fanOut: EventFanOut

  struct State {
    var status: StatusReply?
    var extras = WardExtras()
    var monitoring: Monitoring
  }

  private let state: Mutex<State>

  public init(config: BoardConfig, fanOut: EventFanOut = EventFanOut(), startedAt: Date) {
    self.config = config
    self.fanOut = fanOut
    state = Mutex(
      State(monitoring: .lost(since: startedAt, reason: "dosed-board has not reached dosed yet")))
  }

  /// The ward as the pages show it now.
  public var view: WardView {
    let (status, extras, monitoring) = state.withLock { ($0.status, $0.extras, $0.monitoring) }
    return WardView.make(status: status, extras: extras, monitoring: monitoring, config: config)
  }

  public var monitoring: Monitoring { state.withLock { $0.monitoring } }

  /// The ids pages may name: the locations and detectors of the last status.
  public func knows(location id: String) -> Bool {
    state.withLock { $0.status?.locations.contains { $0.id == id } ?? false }
  }

  public func knows(any id: String) -> Bool {
    state.withLock { state in
      guard let status = state.status else { return false }
      return status.locations.contains { $0.id == id } || status.detectors.contains { $0.id == id }
    }
  }

  /// Whether dosed has answered since the board started.
  public var hasStatus: Bool { state.withLock { $0.status != nil } }

  /// The locations of the last `status`.
  public var locations: [LocationStatus] {
    state.withLock { $0.status?.locations ?? [] }
  }

  func update(status: StatusReply) {
    state.withLock { $0.status = status }
  }

  func update(monitoring: Monitoring) {
    state.withLock { $0.monitoring = monitoring }
  }

  func update(_ change: (inout WardExtras) -> Void) {
    state.withLock { change(&$0.extras) }
  }

  // MARK: Channels

  /// The event channels a page may subscribe to: `ward`, `banner`, `room/ID` of a known
  /// location.
  public func isChannel(_ channel: String) -> Bool {
    if channel == "ward" || channel == "banner" { return true }
    guard channel.hasPrefix("room/") else { return false }
    return knows(location: String(channel.dropFirst(5)))
  }

  /// The `page` event for `channel`: the monitoring word on the first line, then the HTML of
  /// the page's `#live` part.
  public func message(for channel: String, view: WardView) -> String {
    let html: String
    switch channel {
    case "ward": html = WardPage.live(view)
    case "banner": html = PageShell.banner(view, heading: view.ward)
    default: html = DoorPage.live(view, id: String(channel.dropFirst(5)))
    }
    return EventFanOut.message(event: "page", data: view.monitoring.word + "\n" + html)
  }

  /// Sent when nothing changed for a while, so an open page knows the board is still there.
  public static let ping = "event: ping\ndata: \n\n"
}
