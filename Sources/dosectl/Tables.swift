import DoseProtocol

/// Aligned text tables with units in the headers. Every cell and value from the daemon is shown
/// through `DisplayText.escaped`: it may hold operator or device text, and a raw control
/// character there would forge table lines or drive the terminal.
enum Tables {
  static func render(
    _ header: [String], _ unescapedRows: [[String]], paint: [Int: (String) -> String] = [:]
  ) -> String {
    // Escaped before measuring and painting, so widths count what is shown and colour codes
    // (added by `paint`, after this) stay codes.
    let rows = unescapedRows.map { $0.map(DisplayText.escaped) }
    var widths = header.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    func line(_ cells: [String], painted: Bool) -> String {
      cells.enumerated().map { index, cell in
        let padded = cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        return painted
          ? (paint[index]?(cell)).map { $0 + padded.dropFirst(cell.count) } ?? padded
          : padded
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    return ([line(header, painted: false)] + rows.map { line($0, painted: true) })
      .joined(separator: "\n")
  }

  static func locations(_ locations: [LocationStatus], style: TerminalStyle) -> String {
    let rows = locations.map { location in
      [
        location.id, location.kind, location.state, Format.optional(location.doseRateUSvH),
        Format.interval(location.ci95USvH), energy(location), location.alarm,
        clearance(location.clearance), (location.reasons ?? []).joined(separator: "; "),
      ]
    }
    return render(
      [
        "LOCATION", "KIND", "STATE", "DOSE µSv/h", "95% µSv/h", "ENERGY CORR", "ALARM",
        "CLEARANCE", "WHY",
      ], rows,
      paint: [2: { style.paint($0, for: $0) }, 6: { style.paint($0, for: $0) }])
  }

  /// "Lu-177 ÷3.52" when the dose rate is energy-corrected, "-" when it is as read.
  static func energy(_ location: LocationStatus) -> String {
    guard let correction = location.energyCorrection else { return "-" }
    return "\(correction.nuclide) ÷\(Format.optional(correction.factor))"
  }

  /// "below", "above", "undecided (count ~85 s)" or "-" for rooms without a decision.
  static func clearance(_ clearance: ClearanceStatus?) -> String {
    guard let clearance else { return "-" }
    guard clearance.decision == "undecided" else { return clearance.decision }
    guard let seconds = clearance.needsCountingSeconds else { return "undecided" }
    return "undecided (count ~\(Format.age(seconds)))"
  }

  static func detectors(_ detectors: [DetectorStatus], style: TerminalStyle) -> String {
    let rows = detectors.map { detector in
      [
        detector.id, detector.driver, detector.state, Format.optional(detector.cps),
        Format.optional(detector.doseRateUSvH), Format.interval(detector.ci95USvH),
        Format.age(detector.ageSeconds), detector.reason ?? "",
      ]
    }
    return render(
      ["DETECTOR", "DRIVER", "STATE", "CPS", "DOSE µSv/h", "95% µSv/h", "AGE", "WHY"], rows,
      paint: [2: { style.paint($0, for: $0) }])
  }

  /// Who each device is and how its link behaves, for detectors that have a device.
  static func devices(_ detectors: [DetectorStatus]) -> String? {
    let rows = detectors.compactMap { detector -> [String]? in
      guard let device = detector.device else { return nil }
      let link = detector.link
      return [
        detector.id, device.model ?? "-", device.firmware ?? "-", device.serial ?? "-",
        device.port ?? "-", device.baud.map(String.init) ?? "-",
        link.map { String($0.bytesDropped) } ?? "0", link.map { String($0.resyncs) } ?? "0",
        link.map { String($0.checksumFailures) } ?? "0", link.map { String($0.junkLines) } ?? "0",
        link.map { String($0.deviceErrors) } ?? "0",
      ]
    }
    guard !rows.isEmpty else { return nil }
    return render(
      [
        "DETECTOR", "MODEL", "FIRMWARE", "SERIAL", "PORT", "BAUD", "DROPPED B", "RESYNCS",
        "BAD SUM", "JUNK", "DEV ERR",
      ], rows)
  }

  static func devices(_ devices: [DeviceEntry]) -> String {
    let rows = devices.map { device in
      [
        device.devnode,
        [device.vendorID, device.productID].compactMap { $0 }.joined(separator: ":"),
        device.serial ?? "-", device.usbPort ?? "-", device.knownAs ?? "unknown",
        device.boundTo ?? "-",
      ]
    }
    return render(["DEVICE", "USB ID", "SERIAL", "USB PORT", "KNOWN AS", "DETECTOR"], rows)
  }

  static func alarms(_ alarms: [AlarmStatus], style: TerminalStyle) -> String {
    if alarms.isEmpty { return "No active alarms." }
    let rows = alarms.map { alarm in
      [
        alarm.level, alarm.alarmID ?? alarm.kind, Format.date(alarm.since),
        alarm.acknowledged.map { "ack " + $0.user } ?? "-", alarm.message,
      ]
    }
    return render(
      ["LEVEL", "ALARM", "SINCE (UTC)", "ACK", "MESSAGE"], rows,
      paint: [0: { style.paint($0, for: $0) }])
  }

  static func packages(_ packages: [(String, PackageStatus)], style: TerminalStyle) -> String {
    let rows = packages.map { store, package in
      [
        store, package.id, package.nuclides.joined(separator: "+"), package.state,
        Format.optional(package.surfaceUSvHNow), Format.date(package.releaseDueAt),
      ]
    }
    return render(
      ["STORE", "PACKAGE", "NUCLIDES", "STATE", "SURFACE µSv/h", "RELEASE DUE (UTC)"], rows,
      paint: [3: { style.paint($0, for: $0) }])
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}

extension Tables {
  /// One room, as label/value lines.
  static func room(_ room: RoomDetail, style: TerminalStyle) -> String {
    var rows: [[String]] = [
      ["room", room.id], ["state", room.state], ["occupancy", room.occupancy],
    ]
    if let since = room.since { rows.append(["since", Format.time(since)]) }
    if let patient = room.patient {
      rows.append(["patient", patient.reference])
      rows.append(
        [
          "nuclide",
          patient.nuclide
            + (patient.activityBq.map { " " + Format.number($0 / 1e9) + " GBq" } ?? ""),
        ])
      rows.append(["admitted", Format.time(patient.admittedAt)])
      if let discharged = patient.dischargedAt {
        rows.append(["discharged", Format.time(discharged)])
      }
      if let factor = patient.geometryFactor {
        rows.append(["geometry", "× " + Format.number(factor) + " (detector → 1 m)"])
      }
    }
    rows.append([
      "dose rate",
      Format.optional(room.doseRateUSvH) + " µSv/h (95 %: " + Format.interval(room.ci95USvH) + ")",
    ])
    if let decision = room.clearance {
      rows.append([
        "clearance",
        clearance(decision) + " (level " + Format.number(decision.limitUSvH) + " µSv/h)",
      ])
    }
    for reason in room.reasons ?? [] { rows.append(["why", reason]) }
    // Escaped here, painted after (the state is the one painted row).
    return rows.map { row in
      let value = DisplayText.escaped(row[1])
      return (row[0] + ":").padding(toLength: 12, withPad: " ", startingAt: 0)
        + (row[0] == "state" ? style.paint(value, for: row[1]) : value)
    }.joined(separator: "\n")
  }

  static func events(_ events: [RecordedEvent]) -> String {
    let rows = events.map { event in
      [
        Format.time(event.time), event.kind, event.location ?? event.detector ?? "-",
        event.actor.map { "\($0.user) (\($0.uid))" } ?? "dosed", event.message,
      ]
    }
    return render(["TIME (UTC)", "EVENT", "WHERE", "WHO", "WHAT"], rows)
  }
}

extension Tables {
  static func packageList(_ packages: [WastePackageDetail], style: TerminalStyle) -> String {
    let rows = packages.map { package in
      [
        package.store, package.id, package.rule, package.state,
        Format.optional(package.surfaceUSvHNow), Format.date(package.predictedReleaseAt),
        (package.reasons ?? []).joined(separator: "; "),
      ]
    }
    return render(
      ["STORE", "PACKAGE", "RULE", "STATE", "SURFACE µSv/h", "RELEASE (UTC)", "WHY"], rows,
      paint: [3: { style.paint($0, for: $0) }])
  }

  /// One package, as label/value lines, then its inventory and surveys.
  static func package(_ package: WastePackageDetail, style: TerminalStyle) -> String {
    let shown = DisplayText.escaped
    var lines = [
      "package:    \(shown(package.id)) in \(shown(package.store))",
      "state:      \(style.paint(shown(package.state), for: package.state)) "
        + "(rule \(shown(package.rule)))",
      "sealed:     \(Format.time(package.sealedAt))",
      "release:    " + Format.date(package.predictedReleaseAt),
    ]
    if let surface = package.surfaceUSvHNow {
      lines.append("surface:    \(Format.number(surface)) µSv/h predicted now")
    }
    if let mass = package.massG { lines.append("mass:       \(Format.number(mass)) g") }
    if let released = package.releasedAt { lines.append("released:   \(Format.time(released))") }
    for reason in package.reasons ?? [] { lines.append("why:        \(shown(reason))") }
    if let decision = package.releaseDecision, decision.surveys > 0 {
      let level = decision.levelUSvH.map { " below \(Format.number($0)) µSv/h" } ?? ""
      lines.append(
        "surveys:    \(decision.surveys) together "
          + (decision.passed ? "passed" : "not passed") + level
          + " (error rate \(Format.number(decision.errorRate * 100)) %)")
      if let reason = decision.reason { lines.append("why:        \(shown(reason))") }
    }
    if let constituents = package.constituents {
      lines.append("")
      lines.append(
        render(
          ["NUCLIDE", "Bq AT SEALING", "Bq NOW"],
          constituents.map {
            [
              $0.nuclide, String(format: "%.3g", $0.activityBqAtSeal),
              String(format: "%.3g", $0.activityBqNow),
            ]
          }))
    }
    if let surveys = package.surveys, !surveys.isEmpty {
      lines.append("")
      lines.append(
        render(
          ["SURVEY (UTC)", "SURVEYOR", "INSTRUMENT", "BG µSv/h", "SURFACE µSv/h", "RESULT"],
          surveys.map {
            [
              Format.time($0.time), $0.surveyor, $0.instrument, Format.number($0.backgroundUSvH),
              Format.number($0.surfaceUSvH), $0.passed ? "passed" : "failed: \($0.reason ?? "")",
            ]
          }))
    }
    return lines.joined(separator: "\n")
  }
}
