import DoseCore
import DoseProtocol
import Foundation

extension Engine {
  /// One line for systemd's STATUS=: "5 detectors ok, 1 fault; room-2 awaiting_clearance;
  /// 1 alarm".
  public func summaryLine() -> String {
    var states: [DetectorState: Int] = [:]
    for detector in current.detectors { states[detector.assessment.state, default: 0] += 1 }
    let order: [DetectorState] = [.ok, .stale, .fault, .disconnected]
    let detectors = order.compactMap { state in
      states[state].map { "\($0) \(state.rawValue)" }
    }.joined(separator: ", ")
    var parts = ["\(current.detectors.count) detectors: \(detectors.isEmpty ? "none" : detectors)"]
    let usual: Set<LocationState> = [.occupied, .clear, .holding]
    let notable = current.locations.filter { !usual.contains($0.state) }
    if !notable.isEmpty {
      parts.append(
        notable.map { "\($0.config.id) \($0.state.rawValue)" }.joined(separator: ", "))
    }
    let alarms = current.alarms.count
    parts.append(alarms == 0 ? "no alarms" : "\(alarms) alarm\(alarms == 1 ? "" : "s")")
    return parts.joined(separator: "; ")
  }
}
