import DoseCore
import DoseProtocol
import Foundation

extension Engine {
  /// One line for systemd's STATUS=: "5 detectors ok, 1 fault; room-2 awaiting_clearance;
  /// 1 alarm".
  public func summaryLine() -> String {
    var states: [String: Int] = [:]
    for detector in latest.detectors { states[detector.state, default: 0] += 1 }
    let order = ["ok", "stale", "fault", "disconnected"]
    let detectors = order.compactMap { state in
      states[state].map { "\($0) \(state)" }
    }.joined(separator: ", ")
    var parts = ["\(latest.detectors.count) detectors: \(detectors.isEmpty ? "none" : detectors)"]
    let notable = latest.locations.filter { !["occupied", "clear", "holding"].contains($0.state) }
    if !notable.isEmpty {
      parts.append(notable.map { "\($0.id) \($0.state)" }.joined(separator: ", "))
    }
    let alarms = latest.alarms.count
    parts.append(alarms == 0 ? "no alarms" : "\(alarms) alarm\(alarms == 1 ? "" : "s")")
    return parts.joined(separator: "; ")
  }
}
