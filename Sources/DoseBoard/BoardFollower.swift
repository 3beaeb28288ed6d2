import DoseFollow
import DoseProtocol
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A `status` reply as the board keeps it.
struct BoardSnapshot: Sendable {
  var status: StatusReply

  static func decode(_ line: Data) -> BoardSnapshot? {
    guard WireCoding.messageClass(of: line) == "status",
      let status = try? WireCoding.decoder().decode(StatusReply.self, from: line)
    else { return nil }
    return BoardSnapshot(status: status)
  }
}

/// Follows dosed for the board: one `DosedLink` (one watch and one status connection, however
/// many pages are open), `LinkHealth` for live or lost, and `DosedReads` for the rooms' records
/// and the trends. After every change it renders each channel someone watches, once, and hands
/// it to the fan-out.
public final class BoardFollower: Service {
  let board: Board
  let logger: Logger
  private let link: DosedLink<BoardSnapshot>
  let reads: DosedReads
  /// Health is judged this often (the LinkHealth bounds are seconds).
  static let tick = Duration.milliseconds(250)
  /// An open page hears something at least this often (its script calls the board lost after
  /// 5 s of silence).
  static let pingAfter = 2.0
  /// Rooms' occupancy records and trends are re-read this often, and a room's at once after a
  /// watch line says a location changed.
  static let roomsEvery = 30.0
  static let trendsEvery = 60.0
  /// While a trend has fewer than two points (a ward just started) it is asked for sooner.
  static let sparseTrendsEvery = 10.0

  public init(board: Board, logger: Logger) {
    self.board = board
    self.logger = logger
    link = DosedLink(socket: board.config.socket, name: "dosed-board", decode: BoardSnapshot.decode)
    reads = DosedReads(socket: board.config.socket)
  }

  public func run() async throws {
    link.start()
    let fanOut = board.fanOut
    await withGracefulShutdownHandler {
      await withDiscardingTaskGroup { group in
        group.addTask {
          while !Task.isCancelled {
            try? await Task.sleep(for: Self.tick)
            self.link.tick()
          }
        }
        group.addTask { await self.refreshLoop() }
        await self.follow()
        group.cancelAll()
      }
    } onGracefulShutdown: { [link, board] in
      // What is served while stopping is not watched any more: lost, before anything else.
      board.update(monitoring: .lost(since: Date(), reason: "dosed-board is stopping"))
      // Open event streams would hold the HTTP server's shutdown; end them and the link.
      fanOut.closeAll()
      link.stop()
    }
    link.stop()
  }

  private func follow() async {
    let clock = ContinuousClock()
    let started = clock.now
    func now() -> Double {
      let elapsed = started.duration(to: clock.now).components
      return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }
    var health = LinkHealth(
      unreachableAfter: board.config.unmonitoredAfterSeconds,
      staleAfter: board.config.staleAfterSeconds, now: now(), follower: "dosed-board")
    var lastTime: Date?
    var lastCurrentAt = Date()
    var lastFailure = ""
    var published: [String: String] = [:]
    var lastSent = now()
    for await input in link.inputs {
      var changed = false
      switch input {
      case .snapshot(let snapshot):
        health.snapshot(
          time: snapshot.status.time, uptime: snapshot.status.uptimeSeconds, now: now())
        if snapshot.status.time != lastTime {
          lastTime = snapshot.status.time
          lastCurrentAt = Date()
        }
        lastFailure = ""
        board.update(status: snapshot.status)
        changed = true
      case .failed(let reason):
        if reason != lastFailure { logger.warning("dosed: \(reason)") }
        lastFailure = reason
        health.failed(reason, now: now())
      case .watch(let line):
        if line.event == "location_state" || line.event == "config_reload" {
          roomsDue.withLock { $0 = true }
        }
      case .tick:
        break
      }
      if let transition = health.evaluate(now: now()) {
        switch transition {
        case .monitored:
          logger.notice("dosed is monitored again: the pages are live")
          board.update(monitoring: .live)
        case .unmonitored(let reason):
          logger.error("ward unmonitored: \(reason)")
          board.update(monitoring: .lost(since: lastCurrentAt, reason: reason))
        }
        changed = true
      } else if health.state == .monitored, board.monitoring != .live {
        // The first snapshot after start: LinkHealth calls reaching dosed no news.
        board.update(monitoring: .live)
        changed = true
      }
      if changed {
        let view = board.view
        for channel in board.fanOut.channelsInUse where board.isChannel(channel) {
          let message = board.message(for: channel, view: view)
          if published[channel] != message {
            published[channel] = message
            board.fanOut.publish(channel, message)
            // Only what was sent counts: a frozen snapshot changes nothing, and the pages
            // must still hear the heartbeat (their own watchdog, and dead connections found).
            lastSent = now()
          }
        }
      }
      if now() - lastSent >= Self.pingAfter {
        for channel in board.fanOut.channelsInUse { board.fanOut.publish(channel, Board.ping) }
        lastSent = now()
      }
    }
  }

  private let roomsDue = Mutex(true)

  /// Rooms' records and trends, each on its own period, on the one reads connection.
  private func refreshLoop() async {
    var roomsAt = -Double.infinity
    var trendsAt = -Double.infinity
    var sparse = true
    let clock = ContinuousClock()
    let started = clock.now
    while !Task.isCancelled {
      let now = Double(started.duration(to: clock.now).components.seconds)
      let locations = board.locations
      if !locations.isEmpty {
        let due = roomsDue.withLock { due in
          defer { due = false }
          return due
        }
        if due || now - roomsAt >= Self.roomsEvery {
          roomsAt = now
          // A read that fails (reads busy with long histories) keeps the last record: the
          // admission has not gone away because one read did not come back.
          var fetched: [String: RoomDetail] = [:]
          let ids = Set(locations.filter { $0.kind == "isolation_room" }.map(\.id))
          for location in locations where location.kind == "isolation_room" {
            if Task.isCancelled { return }
            if let room = await reads.room(location.id) { fetched[location.id] = room }
          }
          board.update { extras in
            extras.rooms = extras.rooms.filter { ids.contains($0.key) }
              .merging(fetched) { _, new in new }
          }
        }
        if now - trendsAt >= (sparse ? Self.sparseTrendsEvery : Self.trendsEvery) {
          trendsAt = now
          var trends: [String: [TrendPoint]] = [:]
          for location in locations {
            if Task.isCancelled { return }
            if let reply = try? await reads.history(
              of: location.id, seconds: board.config.trendHours * 3600)
            {
              trends[location.id] = TrendPoint.forLocation(reply.points, location)
            }
          }
          sparse = locations.contains { (trends[$0.id]?.count ?? 0) < 2 }
          board.update { $0.trends = trends }
        }
      }
      try? await Task.sleep(for: .seconds(1))
    }
  }
}
