import DoseCore

/// A session with a counter that pushes one text line at a time (MightyOhm, GC10, bGeigie,
/// configurable profiles). Junk lines are skipped and counted; a device that stops talking is
/// left to the engine's staleness check (the port itself is still there).
public struct LineSession: SerialSession {
  public let detectorID: String
  public let parser: any LineParser
  /// Seconds between sampled CPM values, so that rolling-minute figures never overlap.
  public let cpmSamplePeriod: Double
  private var lastCPMSample: Double?
  private var identity = DeviceIdentity()

  public init(detectorID: String, parser: any LineParser, cpmSamplePeriod: Double = 60) {
    self.detectorID = detectorID
    self.parser = parser
    self.cpmSamplePeriod = cpmSamplePeriod
  }

  public mutating func start(link: SerialLink, clock: DoseClock) throws(SerialError)
    -> DeviceIdentity
  {
    identity = DeviceIdentity(model: parser.model)
    return identity
  }

  public mutating func step(link: SerialLink, clock: DoseClock) throws(SerialError) -> [Reading] {
    guard let line = try link.readLine(timeout: 1) else { return [] }
    let now = clock.now()
    switch parser.parse(line) {
    case .counts(let counts, let interval):
      return [reading(counts, interval: interval, at: now)]
    case .countsAfterNoise(let counts, let interval, let skipped):
      link.counters.bytesDropped += UInt64(skipped)
      return [reading(counts, interval: interval, at: now)]
    case .countsPerMinute(let cpm):
      // The first value after connecting may cover time before we listened; then take one
      // value per minute: consecutive rolling-minute values share most of their counts.
      guard let last = lastCPMSample else {
        lastCPMSample = now.monotonicSeconds
        return []
      }
      guard now.monotonicSeconds - last >= cpmSamplePeriod else { return [] }
      lastCPMSample = now.monotonicSeconds
      return [reading(cpm, interval: 60, at: now)]
    case .identity(let model, let firmware, let serial):
      identity.model = model ?? identity.model
      identity.firmware = firmware ?? identity.firmware
      identity.serial = serial ?? identity.serial
      return []
    case .checksumFailure:
      link.counters.checksumFailures += 1
      return []
    case .junk:
      link.counters.junkLines += 1
      return []
    }
  }

  private func reading(_ counts: UInt64, interval: Double, at now: DoseClock.Now) -> Reading {
    Reading(
      detectorID: detectorID, counts: counts, intervalSeconds: interval,
      monotonicSeconds: now.monotonicSeconds, wallTime: now.wallTime)
  }
}
