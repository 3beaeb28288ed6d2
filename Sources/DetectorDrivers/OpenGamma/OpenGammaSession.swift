import DoseCore
import Foundation

/// An Open Gamma Detector (NaI(Tl) + SiPM, devices.md §7; protocol in `OpenGammaCodec`) in
/// energy mode, streaming its events. Each event line becomes one Reading: the number of events
/// and their pulse-height histogram, over the host-measured time since the previous line. The
/// core turns the spectrum into dose; this session never does.
///
/// Start-up reads `read info` and `read settings`, refuses a device in geiger mode (no energies)
/// or with TRNG output on (its lines look like events), and sends `set out events`: the only
/// setting dosed changes, and it is not restored.
///
/// The firmware prints nothing in a second without events, so a dead SiPM makes the detector
/// stale rather than silent; both are faults for the ward.
public struct OpenGammaSession: SerialSession {
  public let detectorID: String
  /// Wait for the next event line in slices of this many seconds.
  public var lineTimeout = 0.5
  public var replyTimeout = 2.0
  /// An event line holds up to EVENT_BUFFER = 50000 channels of up to 5 characters.
  public static let maxLineLength = 300_000

  private var lastLineAt: Double?

  public init(detectorID: String) {
    self.detectorID = detectorID
  }

  public mutating func start(link: SerialLink, clock: DoseClock) throws(SerialError)
    -> DeviceIdentity
  {
    link.maxLineLength = Self.maxLineLength
    lastLineAt = nil

    let info = try command(OpenGammaCodec.readInfo, link) { $0.contains("Power-on hours") }
    guard let identity = OpenGammaCodec.identity(info: info.messages) else {
      if info.messages.isEmpty && info.other.isEmpty { throw .timeout("read info") }
      throw .protocolMismatch("not an Open Gamma Detector reply to \"read info\"")
    }

    let settings = try command(OpenGammaCodec.readSettings, link) {
      $0 == OpenGammaCodec.settingsDone
    }
    guard let parsed = OpenGammaCodec.settings(json: settings.other) else {
      throw .protocolMismatch("no settings JSON in the reply to \"read settings\"")
    }
    if parsed.geigerMode {
      throw .protocolMismatch(
        "Open Gamma Detector is in geiger mode; set energy mode (\"set mode energy\") for "
          + "spectrum-based dose rate (dosed does not change the mode)")
    }
    if parsed.trngEnabled {
      throw .protocolMismatch(
        "Open Gamma Detector has TRNG output on, whose lines look like events; turn it off "
          + "(\"set trng off\")")
    }

    let out = try command(OpenGammaCodec.setOutEvents, link) {
      $0 == OpenGammaCodec.setOutEventsReply
    }
    guard out.messages.contains(OpenGammaCodec.setOutEventsReply) else {
      throw .protocolMismatch("no confirmation of \"set out events\"")
    }
    return DeviceIdentity(model: identity.model, firmware: identity.firmware)
  }

  public mutating func step(link: SerialLink, clock: DoseClock) throws(SerialError) -> [Reading] {
    guard let line = try link.readLine(timeout: lineTimeout) else { return [] }
    let now = clock.now()
    switch OpenGammaCodec.classify(line) {
    case .events(let channels):
      defer { lastLineAt = now.monotonicSeconds }
      // The first line holds events from before we started listening: baseline only.
      guard let previous = lastLineAt, now.monotonicSeconds > previous else { return [] }
      return [
        Reading(
          detectorID: detectorID, counts: UInt64(channels.count),
          intervalSeconds: now.monotonicSeconds - previous,
          monotonicSeconds: now.monotonicSeconds, wallTime: now.wallTime,
          spectrum: OpenGammaCodec.histogram(channels))
      ]
    case .message:
      return []
    case .error:
      link.counters.deviceErrors += 1
      return []
    case .other:
      // A garbled event line lost its events: leave its time out of the next reading too, or
      // the dose rate would read low with an interval that claims otherwise.
      if lastLineAt != nil { lastLineAt = now.monotonicSeconds }
      link.counters.junkLines += 1
      return []
    }
  }

  /// Lines of a reply, sorted by kind; event lines streaming meanwhile are skipped.
  struct Reply {
    var messages: [String] = []
    var other: [String] = []
  }

  /// Sends a command and collects its reply until a message satisfies `done` or the device
  /// stays quiet for `replyTimeout`.
  private func command(
    _ text: String, _ link: SerialLink, done: (String) -> Bool
  ) throws(SerialError) -> Reply {
    link.discardInput()
    try link.write(text)
    var reply = Reply()
    let deadline = SerialPort.monotonicNow() + replyTimeout
    while SerialPort.monotonicNow() < deadline {
      guard let line = try link.readLine(timeout: deadline - SerialPort.monotonicNow()) else {
        break
      }
      switch OpenGammaCodec.classify(line) {
      case .message(let message):
        reply.messages.append(message)
        if done(message) { return reply }
      case .error(let message):
        reply.messages.append(message)
        link.counters.deviceErrors += 1
      case .events:
        continue
      case .other(let other):
        reply.other.append(other)
      }
    }
    return reply
  }
}

extension OpenGammaSession {
  /// The firmware calls `shell.begin(2000000)` (devices.md §7); USB CDC ignores the speed.
  /// Dead time in energy mode about 10 µs (devices.md §7; the firmware's `read info` reports its
  /// own measured average).
  public static let facts = DriverFacts(
    name: "opengamma", attachment: .serialPort, bauds: [2_000_000], deadTimeSeconds: 10e-6
  ) { OpenGammaSession(detectorID: $0) }
}
