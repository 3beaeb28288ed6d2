import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation
import Logging

/// The ward loop: owns the ward model and carries out what it decides. Drivers feed it events;
/// clients read its latest snapshot (never a device, as gpsd and NUT do); watchers get its news.
/// The model decides; this actor reads the clock, writes the records, logs and publishes.
public actor Engine {
  let clock: DoseClock
  var ward: WardModel
  /// Writes the records off this actor (see `RecordWriter`).
  let writer: RecordWriter
  var journal = Journal()
  var hub = EventHub()
  /// Release surveys in progress, by detector.
  var surveys: [String: SurveySession] = [:]
  /// Control actions one at a time (see `exclusively`).
  var actionGate = ActionGate()
  private var deviceView = DeviceView()
  /// Where an operator's `--at` may fall.
  var actionTimeWindow: ActionTimeWindow
  /// The latest evaluation, for the control commands.
  var current: WardSnapshot
  var latest: StatusReply {
    didSet { snapshot.publish(latest) }
  }
  /// `latest` for the socket sessions, encoded on first demand (see `EncodedStatus`).
  nonisolated let snapshot = StatusSnapshot()

  public init(config: DaemonConfig, clock: DoseClock) {
    self.clock = clock
    writer = RecordWriter(wallTime: { clock.now().wallTime })
    actionTimeWindow = ActionTimeWindow(config.daemon)
    let now = clock.now()
    ward = WardModel(config: config, timeScale: clock.scale, at: now.wallTime)
    current = WardSnapshot(time: now)
    latest = StatusMapping.status(current, timeScale: clock.scale)
  }

  /// Detector settings (see `DetectorBoard.settings`).
  static func settings(for detector: DetectorConfig, clock: DoseClock) -> DetectorMonitor.Settings {
    DetectorBoard.settings(for: detector, timeScale: clock.scale)
  }

  /// The records, when open.
  var store: RecordStore? { writer.store }

  // MARK: Input

  public func handle(_ event: DriverEvent) {
    let now = clock.now()
    perform(ward.apply(event, at: now))
    if case .reading(let reading) = event, let monitor = ward.detectors.monitors[reading.detectorID]
    {
      feedSurvey(reading, monitor: monitor)
    }
  }

  /// Re-evaluates everything at the current time: staleness, locations, alarms, snapshot.
  public func evaluate() {
    let now = clock.now()
    checkSurveys(now: now.monotonicSeconds)
    for recovered in writer.takeNews() { journal.log(recovered, at: now.monotonicSeconds) }
    let (snapshot, effects) = ward.evaluate(at: now, storage: writer.condition)
    perform(effects)
    current = snapshot
    latest = StatusMapping.status(snapshot, timeScale: clock.scale)
  }

  /// Carries out the model's effects, in order.
  func perform(_ effects: [WardEffect]) {
    let seconds = clock.now().monotonicSeconds
    var writes: [RecordWriter.Write] = []
    for effect in effects {
      switch effect {
      case .record(let record):
        let event = StoredEvent(record)
        journal.log(event, at: seconds)
        writes.append(.event(event))
      case .minutes(let minutes):
        writes.append(.minutes(minutes))
      case .saveAlarm(let alarm):
        writes.append(.saveAlarm(AlarmStateRecord(alarm)))
      case .deleteAlarm(let key):
        writes.append(.deleteAlarm(id: key.id))
      case .publish(let news):
        hub.publish(StatusMapping.watchEvent(news))
      }
    }
    writer.enqueue(writes)
  }

  /// Journals and records an event. A failure becomes a `storage` alarm; monitoring goes on.
  func record(_ record: WardRecord) {
    perform([.record(record)])
  }

  /// Journals an event without recording it (tests of the journal's limits).
  func journal(_ event: StoredEvent) {
    journal.log(event, at: clock.now().monotonicSeconds)
  }

  public func setLogger(_ logger: Logger) {
    journal.logger = logger
  }

  var logger: Logger? { journal.logger }

  // MARK: Output

  /// The latest snapshot, as a `status` reply.
  public func status(id: RequestID?) -> StatusReply {
    var reply = latest
    reply.id = id
    return reply
  }

  /// The `status` reply line (newline included) for a request id, encoded once per snapshot.
  public func statusLine(id: RequestID?) -> Data {
    if let line = snapshot.line(id: id) { return line }
    return (try? WireCoding.line(status(id: id))) ?? Data()
  }

  /// The latest status without waiting for the engine when it has been published: for the
  /// requests that are slices of it (`detectors`, `locations`, `metrics`).
  public nonisolated func published() async -> StatusReply {
    if let reply = snapshot.reply() { return reply }
    return await status(id: nil)
  }

  public func subscribe() -> (UUID, AsyncStream<WatchEvent>) {
    hub.subscribe()
  }

  /// Ends a subscription; returns whether it had been cut off for falling behind.
  @discardableResult
  public func unsubscribe(_ id: UUID) -> Bool {
    let wasDropped = hub.dropped.contains(id)
    hub.unsubscribe(id)
    return wasDropped
  }

  public var watcherCount: Int { hub.count }

  // MARK: Devices

  /// Installs the latest scan of USB serial devices (from the hotplug watcher).
  public func updateDevices(_ view: DeviceView) {
    deviceView = view
  }

  /// The `devices` reply: USB serial devices udev sees, their identity, and who uses them.
  public func devices(id: RequestID?) -> DevicesReply {
    StatusMapping.devices(
      deviceView, configs: ward.detectors.configs, id: id, time: clock.now().wallTime)
  }
}

/// Control actions run one at a time. Each checks the ward, waits for its record to be written
/// (off this actor, so evaluations go on meanwhile), then changes the ward: another action in
/// between would check a ward that is about to change.
struct ActionGate: Sendable {
  var busy = false
  var waiting: [CheckedContinuation<Void, Never>] = []
}

extension Engine {
  func enterAction() async {
    guard actionGate.busy else {
      actionGate.busy = true
      return
    }
    await withCheckedContinuation { actionGate.waiting.append($0) }
  }

  /// Hands the gate to the next action waiting, or opens it.
  func leaveAction() {
    if actionGate.waiting.isEmpty {
      actionGate.busy = false
    } else {
      actionGate.waiting.removeFirst().resume()
    }
  }

  /// An action's write, after everything queued before it; a failure is the action's refusal.
  func write<T: Sendable>(
    _ what: String, _ body: @escaping @Sendable (RecordStore) throws -> T
  ) async throws(ControlFailure) -> T? {
    do {
      return try await writer.perform(body)
    } catch {
      throw ControlFailure(.unavailable, "\(what) could not be recorded: \(error)")
    }
  }
}
