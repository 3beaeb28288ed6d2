import DoseCore
import DoseProtocol
import Foundation
import Prometheus

/// The daemon's state in the Prometheus text format, built from the latest snapshot at each
/// scrape (a fresh registry, so a detector or package that is gone leaves no stale series).
///
/// Dose rates are in the base unit, Sv/h (Prometheus naming practice: base units); alert rules
/// compare with e.g. `20e-6` for 20 µSv/h (docs/operations.md).
enum MetricsExposition {
  static let detectorStates = DetectorState.allCases.map(\.rawValue)
  static let roomStates = [LocationState.occupied, .awaitingClearance, .clear, .fault].map(
    \.rawValue)
  static let storeStates = [LocationState.holding, .releaseDue, .fault].map(\.rawValue)
  static let packageStates = PackageState.allCases.map(\.rawValue)
  static let levels = [
    AlarmLevel.none.rawValue: 0.0, AlarmLevel.warn.rawValue: 1, AlarmLevel.alarm.rawValue: 2,
  ]

  static func render(_ status: StatusReply) -> String {
    let registry = PrometheusCollectorRegistry()
    /// `dosed_NAME_UNIT`; the unit is part of the name (Prometheus naming practice).
    func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
      MetricNameDescriptor(namespace: "dosed", metricName: name, unitName: unit, helpText: help)
    }
    func gauge(
      _ name: String, unit: String = "", labels: [(String, String)] = [], help: String
    ) -> Gauge {
      registry.makeGauge(descriptor: descriptor(name, unit, help), labels: labels)
    }
    gauge(
      "build_info", labels: [("version", status.version)],
      help: "dosed build; the value is always 1"
    ).set(to: 1.0)
    gauge(
      "uptime", unit: "seconds", help: "Seconds since dosed started (clock seconds)"
    ).set(to: status.uptimeSeconds)
    gauge(
      "alarms_active", help: "Active alarms of every kind"
    ).set(
      to:
        Double(status.alarms.count))
    for detector in status.detectors {
      let id = ("detector", detector.id)
      for state in detectorStates {
        gauge(
          "detector_state", labels: [id, ("state", state)],
          help: "1 for the detector's current state, 0 for the others"
        ).set(to: detector.state == state ? 1.0 : 0.0)
      }
      if let dose = detector.doseRateUSvH {
        gauge(
          "detector_dose_rate", unit: "sieverts_per_hour", labels: [id],
          help: "Ambient dose-equivalent rate H*(10) as the detector reads it, Sv/h"
        ).set(to: dose * 1e-6)
      }
      if let cps = detector.cps {
        gauge(
          "detector_count_rate", unit: "per_second", labels: [id],
          help: "Dead-time corrected count rate, counts per second"
        ).set(to: cps)
      }
      if let age = detector.ageSeconds {
        gauge(
          "detector_reading_age", unit: "seconds", labels: [id],
          help: "Seconds since the detector's last reading ended"
        ).set(to: age)
      }
      if let link = detector.link {
        for (kind, value) in [
          ("bytes_dropped", link.bytesDropped), ("resyncs", link.resyncs),
          ("checksum_failures", link.checksumFailures), ("junk_lines", link.junkLines),
          ("device_errors", link.deviceErrors),
        ] {
          registry.makeCounter(
            descriptor: descriptor(
              "detector_link_errors", "total",
              "Serial link trouble of the current connection, by kind"),
            labels: [id, ("kind", kind)]
          ).increment(by: Int64(clamping: value))
        }
      }
    }
    for location in status.locations {
      let id = ("location", location.id)
      let states =
        LocationKind(rawValue: location.kind) == .wasteStore ? storeStates : roomStates
      for state in states {
        gauge(
          "location_state", labels: [id, ("kind", location.kind), ("state", state)],
          help: "1 for the location's current state, 0 for the others"
        ).set(to: location.state == state ? 1.0 : 0.0)
      }
      gauge(
        "location_alarm_level", labels: [id],
        help: "Alarm shown for the location: 0 none, 1 warn, 2 alarm (2 also while in fault)"
      ).set(to: levels[location.alarm] ?? 2)
      if let dose = location.doseRateUSvH {
        gauge(
          "location_dose_rate", unit: "sieverts_per_hour", labels: [id],
          help: "The location's dose rate (highest working detector, energy-corrected where "
            + "configured), Sv/h"
        ).set(to: dose * 1e-6)
      }
      if let release = location.release {
        gauge(
          "room_release_eligible", labels: [id],
          help: "1 when the patient's upper 95 % bound is within the release limit"
        ).set(to: release.eligible ? 1.0 : 0.0)
      }
      if let packages = location.packages {
        for state in packageStates {
          gauge(
            "waste_packages", labels: [id, ("state", state)],
            help: "Waste packages of the store by state"
          ).set(to: Double(packages.filter { $0.state == state }.count))
        }
      }
    }
    return registry.emitToString()
  }
}
