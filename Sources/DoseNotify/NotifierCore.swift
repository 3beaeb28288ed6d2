import DoseProtocol
import Foundation

/// The notifier's decisions as a value: dosed's snapshots, watch acknowledgements, failures and
/// the passing of time in; deliveries (which action, which event) out. No I/O and no clock:
/// `now` is monotonic seconds and `wall` the time to stamp, both passed in, so escalation and
/// the unmonitored rules are tested on a hand-driven clock.
public struct NotifierCore: Sendable {
  public struct Delivery: Sendable, Equatable {
    public var action: String
    public var event: NotifyEvent
  }

  public let config: NotifyConfig
  private var book = AlarmBook()
  private var health: LinkHealth
  private var escalator: Escalator
  /// The notifier's own alarm while dosed is unwatched.
  private var unmonitored: AlarmView?
  private let firstTier: [ActionConfig]
  private let actionsByName: [String: ActionConfig]

  /// The ward's locations and their detectors, from the last `status`.
  private var locations: [SnapshotView.LocationView] = []
  /// What an earlier run had told and not yet cleared, until the first snapshot.
  private var toldBefore: NotifierMemory?

  /// `memory`: what an earlier run of the notifier had told (its `state_file`). At the first
  /// snapshot, the events its actions had not delivered are sent again first (but a raise of
  /// an alarm still active, which this run tells again anyway); its alarms that dosed no longer
  /// lists are told as cleared, to the first tier and to the escalation actions that heard
  /// them; those still active are told again. Its `unmonitored` ends with `monitored`.
  public init(config: NotifyConfig, now: Double, memory: NotifierMemory? = nil) {
    self.config = config
    health = LinkHealth(
      unreachableAfter: config.unmonitoredAfterSeconds, staleAfter: config.staleAfterSeconds,
      now: now)
    escalator = Escalator(tiers: config.escalation)
    firstTier = config.firstTierActions
    actionsByName = Dictionary(config.actions.map { ($0.name, $0) }) { first, _ in first }
    toldBefore = memory
    unmonitored = memory?.unmonitored
    if let unmonitored {
      escalator.start(unmonitored.occurrence, now: now)
      for action in memory?.escalated[unmonitored.id] ?? [] {
        escalator.markNotified(unmonitored.occurrence, action: action)
      }
    }
  }

  /// What has been told and is still open, for the next run (`state_file`). `owed` holds
  /// only the earlier run's undelivered events not yet handed on; the service adds what its
  /// actions still hold.
  public var memory: NotifierMemory {
    var escalated: [String: [String]] = [:]
    for alarm in Array(book.active.values) + (unmonitored.map { [$0] } ?? []) {
      let names = escalator.notified(alarm.occurrence)
      if !names.isEmpty { escalated[alarm.id] = names.sorted() }
    }
    // Until dosed first answers, the earlier run's list is still owed its clears: kept.
    var told = Array(book.active.values)
    for alarm in toldBefore?.told ?? [] where book.active[alarm.id] == nil {
      told.append(alarm)
      escalated[alarm.id] = toldBefore?.escalated[alarm.id]
    }
    return NotifierMemory(
      told: told.sorted { $0.id < $1.id }, escalated: escalated, unmonitored: unmonitored,
      owed: toldBefore?.owed)
  }

  /// Whether dosed is being watched (false while starting).
  public var isMonitored: Bool { health.state == .monitored }

  /// The active alarms as last seen, for logs and tests.
  public var activeAlarmIDs: [String] { book.active.keys.sorted() }

  /// A `status` (or `alarms`) reply arrived.
  public mutating func snapshot(_ snapshot: SnapshotView, now: Double, wall: Date) -> [Delivery] {
    if !snapshot.locations.isEmpty { locations = snapshot.locations }
    // In two steps: `stamped(apply(…))` would read the state from before `apply`.
    let deliveries = apply(snapshot, now: now, wall: wall)
    return stamped(deliveries)
  }

  private mutating func apply(_ snapshot: SnapshotView, now: Double, wall: Date) -> [Delivery] {
    let before = toldBefore
    // An earlier run's undelivered events go first: they happened before anything this run
    // is about to tell.
    let owed = takeOwed(active: snapshot.alarms)
    var deliveries = owed.deliveries
    health.snapshot(time: snapshot.time, uptime: snapshot.uptimeSeconds, now: now)
    deliveries += transition(now: now, wall: wall)
    let change = book.apply(snapshot.alarms)
    toldBefore = nil
    if let before { deliveries += clearedWhileAway(before, wall: wall) }
    for alarm in change.cleared {
      deliveries += end(alarm, wall: wall)
    }
    for alarm in change.raised {
      deliveries += raise(alarm, now: now, wall: wall)
      // An escalation action the earlier run paged for this occurrence (or owed a page) hears
      // its ack and clear, and the tiers it had reached do not page again.
      var paged = owed.paged[alarm.occurrence] ?? []
      if before?.told.contains(where: { $0.occurrence == alarm.occurrence }) == true {
        paged.formUnion(before?.escalated[alarm.id] ?? [])
      }
      if !paged.isEmpty { escalator.restore(alarm.occurrence, notified: paged) }
    }
    for alarm in change.acknowledged {
      deliveries += acknowledged(alarm)
    }
    return deliveries
  }

  /// An `alarm_ack` line on the watch stream.
  public mutating func watchAcknowledgement(id: String, by ack: AcknowledgementStatus)
    -> [Delivery]
  {
    guard let alarm = book.acknowledge(id: id, by: ack) else { return [] }
    let deliveries = acknowledged(alarm)
    return stamped(deliveries)
  }

  /// dosed could not be reached or did not answer.
  public mutating func failed(_ reason: String, now: Double, wall: Date) -> [Delivery] {
    health.failed(reason, now: now)
    let deliveries = transition(now: now, wall: wall)
    return stamped(deliveries)
  }

  /// Time passed: unmonitored and escalation deadlines.
  public mutating func tick(now: Double, wall: Date) -> [Delivery] {
    let deliveries = timers(now: now, wall: wall)
    return stamped(deliveries)
  }

  private mutating func timers(now: Double, wall: Date) -> [Delivery] {
    var deliveries = transition(now: now, wall: wall)
    for due in escalator.due(now: now) {
      guard let alarm = alarm(for: due.occurrence) else { continue }
      var event = NotifyEvent(event: raiseKind(alarm), time: wall, ward: config.ward, alarm: alarm)
      event.escalation = due.tier + 1
      for name in due.actions {
        guard let action = actionsByName[name], action.events.contains(event.event) else {
          continue
        }
        escalator.markNotified(due.occurrence, action: name)
        deliveries.append(Delivery(action: name, event: event))
      }
    }
    return deliveries
  }

  // MARK: Door states

  /// Each delivery told what every door should show now (`NotifyEvent.active`).
  private func stamped(_ deliveries: [Delivery]) -> [Delivery] {
    guard !deliveries.isEmpty else { return deliveries }
    let states = doorStates()
    return deliveries.map { delivery in
      var delivery = delivery
      delivery.event.active = states
      return delivery
    }
  }

  /// The ward location by location: the most urgent of its active alarms (an unacknowledged
  /// alarm over a test over a warning over an acknowledged one), a detector's fault at every
  /// location it watches, and `unmonitored` everywhere while the ward is unwatched.
  func doorStates() -> [String: String] {
    if unmonitored != nil {
      return Dictionary(locations.map { ($0.id, "unmonitored") }) { first, _ in first }
    }
    let rank = ["ack": 1, "warn": 2, "test": 3, "alarm": 4]
    var states: [String: String] = [:]
    for alarm in book.active.values {
      let state =
        alarm.acknowledged != nil
        ? "ack" : alarm.test ? "test" : alarm.level == "warn" ? "warn" : "alarm"
      var places = alarm.location.map { [$0] } ?? []
      if places.isEmpty, let detector = alarm.detector {
        places = locations.filter { $0.detectors.contains(detector) }.map(\.id)
      }
      for place in places where rank[state, default: 0] > rank[states[place] ?? "", default: 0] {
        states[place] = state
      }
    }
    return states
  }

  // MARK: Events

  private func raiseKind(_ alarm: AlarmView) -> NotifyEventKind {
    if alarm.test { return .test }
    switch alarm.kind {
    case "fault": return .fault
    case "unmonitored": return .unmonitored
    default: return .alarm
    }
  }

  private mutating func raise(_ alarm: AlarmView, now: Double, wall: Date) -> [Delivery] {
    // Acknowledged already (while the notifier was away): no tier fires, but the entry keeps
    // who was paged, so they hear the clear.
    escalator.start(alarm.occurrence, now: now)
    if alarm.acknowledged != nil { escalator.acknowledge(alarm.occurrence) }
    let event = NotifyEvent(
      event: raiseKind(alarm), time: alarm.since, ward: config.ward, alarm: alarm)
    return route(event, occurrence: alarm.occurrence)
  }

  private mutating func acknowledged(_ alarm: AlarmView) -> [Delivery] {
    escalator.acknowledge(alarm.occurrence)
    let event = NotifyEvent(
      event: .ack, time: alarm.acknowledged?.at ?? alarm.since, ward: config.ward, alarm: alarm)
    return route(event, occurrence: alarm.occurrence)
  }

  /// What an earlier run's actions had not delivered (`NotifierMemory.owed`), taken for
  /// sending, in each action's order, to the actions this run still has.
  ///
  /// `active`: dosed's alarms at the first snapshot; everything left is taken, but the raise
  /// of an occurrence still active (this run tells it again, and an acknowledged one is not
  /// paged again) and an ack of one (told again too). Pages owed for an occurrence still
  /// active are returned in `paged`, for the escalator. nil: dosed has not answered and the
  /// ward is unmonitored; the clears, acks and the notifier's own events are sent now, and the
  /// raises wait for dosed's list.
  private mutating func takeOwed(active: [AlarmView]?) -> (
    deliveries: [Delivery], paged: [Occurrence: Set<String>]
  ) {
    guard let owed = toldBefore?.owed, !owed.isEmpty else { return ([], [:]) }
    let raises: Set<NotifyEventKind> = [.alarm, .fault, .test]
    var deliveries: [Delivery] = []
    var paged: [Occurrence: Set<String>] = [:]
    var left: [String: [NotifyEvent]] = [:]
    for (name, events) in owed.sorted(by: { $0.key < $1.key }) {
      guard actionsByName[name] != nil else { continue }
      // Drop counts are the action's of this run; door states are stamped afresh.
      for event in NotifierMemory.keepable(events) {
        let isRaise = raises.contains(event.event)
        guard let active else {
          if isRaise {
            left[name, default: []].append(event)
          } else {
            deliveries.append(Delivery(action: name, event: event))
          }
          continue
        }
        let occurrence = Occurrence(id: event.alarmID, since: event.since)
        if let now = active.first(where: { $0.occurrence == occurrence }) {
          if event.event == .ack { continue }
          if isRaise && event.escalation == nil { continue }
          if isRaise {
            paged[occurrence, default: []].insert(name)
            if now.acknowledged != nil { continue }
          }
        }
        deliveries.append(Delivery(action: name, event: event))
      }
    }
    toldBefore?.owed = left.isEmpty ? nil : left
    return (deliveries, paged)
  }

  /// An earlier run's alarms that are over: told as cleared to the first tier and to the
  /// escalation actions that heard them.
  private func clearedWhileAway(_ before: NotifierMemory, wall: Date) -> [Delivery] {
    var deliveries: [Delivery] = []
    for alarm in before.told where book.active[alarm.id]?.since != alarm.since {
      let event = NotifyEvent(event: .clear, time: wall, ward: config.ward, alarm: alarm)
      deliveries += firstTier.filter { $0.events.contains(.clear) }.map {
        Delivery(action: $0.name, event: event)
      }
      for name in before.escalated[alarm.id] ?? [] {
        guard let action = actionsByName[name], action.events.contains(.clear) else { continue }
        deliveries.append(Delivery(action: name, event: event))
      }
    }
    return deliveries
  }

  private mutating func end(_ alarm: AlarmView, wall: Date) -> [Delivery] {
    let event = NotifyEvent(event: .clear, time: wall, ward: config.ward, alarm: alarm)
    let deliveries = route(event, occurrence: alarm.occurrence)
    escalator.end(alarm.occurrence)
    return deliveries
  }

  /// First-tier actions whose filter passes, and escalation actions already told about this
  /// occurrence (so a pager that was woken also hears the ack and the clear).
  private func route(_ event: NotifyEvent, occurrence: Occurrence) -> [Delivery] {
    var deliveries = firstTier.filter { $0.events.contains(event.event) }.map {
      Delivery(action: $0.name, event: event)
    }
    for name in escalator.notified(occurrence).sorted() {
      guard let action = actionsByName[name], action.events.contains(event.event) else {
        continue
      }
      deliveries.append(Delivery(action: name, event: event))
    }
    return deliveries
  }

  private func alarm(for occurrence: Occurrence) -> AlarmView? {
    if let unmonitored, unmonitored.occurrence == occurrence { return unmonitored }
    guard let alarm = book.active[occurrence.id], alarm.since == occurrence.since else {
      return nil
    }
    return alarm
  }

  // MARK: Unmonitored

  private mutating func transition(now: Double, wall: Date) -> [Delivery] {
    var change = health.evaluate(now: now)
    // An earlier run's `unmonitored` ends when this run first reaches a live dosed.
    if change == nil, unmonitored != nil, health.state == .monitored { change = .monitored }
    switch change {
    case nil:
      return []
    case .unmonitored(let reason):
      // An earlier run's `unmonitored` goes on as the same occurrence (its escalations too).
      var alarm =
        unmonitored
        ?? AlarmView(
          id: "unmonitored", kind: "unmonitored", level: "alarm", location: nil, detector: nil,
          message: "", since: wall)
      alarm.message = "the ward is not monitored: \(reason)"
      unmonitored = alarm
      escalator.start(alarm.occurrence, now: now)
      // dosed may stay away: what an earlier run owed that needs no list of alarms goes now.
      let owed = takeOwed(active: nil).deliveries
      return owed
        + route(
          NotifyEvent(event: .unmonitored, time: wall, ward: config.ward, alarm: alarm),
          occurrence: alarm.occurrence)
    case .monitored:
      guard var alarm = unmonitored else { return [] }
      unmonitored = nil
      alarm.message = "dosed is reachable and current again"
      let deliveries = route(
        NotifyEvent(event: .monitored, time: wall, ward: config.ward, alarm: alarm),
        occurrence: alarm.occurrence)
      escalator.end(alarm.occurrence)
      return deliveries
    }
  }
}
