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
  var records = RecordKeeper()
  var journal = Journal()
  var hub = EventHub()
  /// Release surveys in progress, by detector.
  var surveys: [String: SurveySession] = [:]
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
  var store: RecordStore? { records.store }

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
    if let recovered = records.retry(at: now) { journal.log(recovered, at: now.monotonicSeconds) }
    let (snapshot, effects) = ward.evaluate(at: now, storage: records.condition)
    perform(effects)
    current = snapshot
    latest = StatusMapping.status(snapshot, timeScale: clock.scale)
  }

  /// Carries out the model's effects, in order.
  func perform(_ effects: [WardEffect]) {
    let now = clock.now()
    for effect in effects {
      switch effect {
      case .record(let event):
        record(StoredEvent(event))
      case .minutes(let minutes):
        if let recovered = records.save(minutes, at: now.wallTime) {
          journal.log(recovered, at: now.monotonicSeconds)
        }
      case .saveAlarm(let alarm):
        records.save(alarm: alarm)
      case .deleteAlarm(let key):
        records.delete(alarm: key)
      case .publish(let news):
        hub.publish(StatusMapping.watchEvent(news))
      }
    }
  }

  /// Journals and appends an event. A failure becomes a `storage` alarm; monitoring goes on.
  @discardableResult
  func record(_ event: StoredEvent) -> StoredEvent? {
    let seconds = clock.now().monotonicSeconds
    journal.log(event, at: seconds)
    let (saved, recovered) = records.append(event)
    if let recovered { journal.log(recovered, at: seconds) }
    return saved
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
