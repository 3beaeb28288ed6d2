import DoseProtocol
import Foundation

/// `/`: the ward for the nurses' station. One tile per location (state word, icon and colour;
/// dose rate with its 95 % interval; trend; alarms with who acknowledged; the room's
/// occupancy and predictions, the store's packages), then the detectors' health.
enum WardPage {
  static func render(_ view: WardView) -> String {
    PageShell.document(
      title: "\(view.ward) — ward board", monitoring: view.monitoring, channel: "ward",
      page: "ward", live: live(view))
  }

  /// The part server-sent events replace.
  static func live(_ view: WardView) -> String {
    let lost = !view.isLive
    var html = PageShell.banner(view, heading: "\(view.ward) — radiation monitoring")
    html += PageShell.alarms(view.wardAlarms, lost: lost)
    if view.tiles.isEmpty {
      html += "<p class=\"empty\">No locations known yet: dosed has not been reached.</p>"
    }
    html += "<main class=\"tiles\">"
    for tile in view.tiles { html += self.tile(tile, view: view) }
    html += "</main>"
    html += detectors(view)
    html +=
      "<footer><p>Pages: "
      + view.tiles.map {
        "<a href=\"/room/\(HTML.pathComponent($0.id))\">door \(HTML.text($0.id, limit: 64))</a>"
      }.joined(separator: " · ")
      + "</p><p>Colours follow the Okabe–Ito palette; every state is also written and has its "
      + "own symbol.</p></footer>"
    return html
  }

  /// The hooks: `data-location`, and `data-state` with dosed's word while live; while lost
  /// `data-state="unknown"` and the last known word in `data-last-state`, so that no tile reads
  /// as safe.
  static func hooks(id: String, state: String, lost: Bool, attribute: String = "data-location")
    -> String
  {
    let id = HTML.text(id, limit: 200)
    let word = HTML.text(state, limit: 64)
    return lost
      ? "\(attribute)=\"\(id)\" data-state=\"unknown\" data-last-state=\"\(word)\""
      : "\(attribute)=\"\(id)\" data-state=\"\(word)\""
  }

  static func stateLine(_ state: String, lost: Bool) -> String {
    let style = StateStyle.of(state)
    if lost {
      return "<p class=\"state\"><span class=\"icon\" aria-hidden=\"true\">?</span> Unknown "
        + "<span class=\"last-known\">(last known: \(HTML.text(style.label, limit: 64)))</span></p>"
    }
    return "<p class=\"state\"><span class=\"icon\" aria-hidden=\"true\">\(style.icon)</span> "
      + "\(HTML.text(style.label, limit: 64))</p>"
  }

  static func rateLine(_ rate: Double?, ci: [Double]?, lost: Bool, at: Date?) -> String {
    guard let rate else { return "<p class=\"rate none\">No dose rate (no detector is ok)</p>" }
    let interval = Show.interval(ci).map { " <span class=\"ci\">(\($0))</span>" } ?? ""
    if lost {
      return "<p class=\"rate last-known\">Last known: \(Show.rate(rate))\(interval)"
        + (at.map { " at \(Show.timeTag($0))" } ?? "") + ", not current</p>"
    }
    return "<p class=\"rate\"><span class=\"value\">\(Show.rate(rate))</span>\(interval)</p>"
  }

  static func tile(_ tile: WardView.Tile, view: WardView) -> String {
    let lost = !view.isLive
    let css = lost ? "s-unknown" : StateStyle.of(tile.state).css
    let alarmCSS = tile.alarm == "alarm" ? "a-alarm" : tile.alarm == "warn" ? "a-warn" : "a-none"
    let kind =
      tile.kind == "isolation_room"
      ? "Isolation room" : tile.kind == "waste_store" ? "Waste store" : tile.kind
    var html =
      "<article class=\"tile \(css) \(alarmCSS)\" \(hooks(id: tile.id, state: tile.state, lost: lost))>"
      + "<header><h2><a href=\"/room/\(HTML.pathComponent(tile.id))\">\(HTML.text(tile.id, limit: 64))</a></h2>"
      + "<span class=\"kind\">\(HTML.text(kind, limit: 40))</span></header>"
    html += stateLine(tile.state, lost: lost)
    html += rateLine(tile.doseRateUSvH, ci: tile.ci95USvH, lost: lost, at: view.snapshotTime)
    html += PageShell.alarms(tile.alarms, lost: lost)
    if !tile.reasons.isEmpty {
      html +=
        "<ul class=\"reasons\">"
        + tile.reasons.prefix(5).map { "<li>\(HTML.text($0))</li>" }.joined() + "</ul>"
    }
    html += facts(tile, lost: lost)
    if !tile.packages.isEmpty { html += packages(tile.packages) }
    html += SVGChart.sparkline(tile.trend)
    html +=
      "<p class=\"more\"><a href=\"/history/\(HTML.pathComponent(tile.id))?hours=24\">History (24 h)</a></p>"
    return html + "</article>"
  }

  /// The room's cycle: occupied since, the patient reference (when allowed), the release
  /// prediction and the clearance prediction, each as dosed computed it.
  static func facts(_ tile: WardView.Tile, lost: Bool) -> String {
    var rows: [(String, String)] = []
    if let since = tile.occupiedSince { rows.append(("Occupied since", Show.timeTag(since))) }
    if let ref = tile.patientRef { rows.append(("Patient", HTML.text(ref, limit: 128))) }
    if let release = tile.release {
      rows.append(("Eligible for release", releaseText(release)))
    }
    if tile.kind == "isolation_room", tile.state != "occupied", tile.state != "clear" {
      rows.append(("Room free", clearanceText(tile)))
    }
    guard !rows.isEmpty else { return "" }
    let note = lost ? "<p class=\"last-known\">Last known, not current:</p>" : ""
    return note + "<dl class=\"facts\">"
      + rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
  }

  static func releaseText(_ release: ReleaseStatus) -> String {
    if release.eligible { return "<b>now</b> (below the release limit at its 95 % bound)" }
    if let at = release.predictedAt {
      var text = "at \(Show.timeTag(at)) (predicted"
      if let earliest = release.predictedEarliest, let latest = release.predictedLatest {
        text += "; 95 %: \(Show.timeTag(earliest)) – \(Show.timeTag(latest))"
      }
      return text + ")"
    }
    return "not predicted yet: \(HTML.text(release.reason))"
  }

  static func clearanceText(_ tile: WardView.Tile) -> String {
    if tile.clearance?.decision == "below" {
      return "measurements are below the clearance level; awaiting the wipe test and clearing"
    }
    if let at = tile.roomFreeAt { return "at \(Show.timeTag(at)) (clearance predicted)" }
    if tile.clearance?.decision == "above" { return "not yet: above the clearance level" }
    return "not predicted yet"
  }

  static func packages(_ packages: [PackageStatus]) -> String {
    var html =
      "<table class=\"packages\"><caption>Packages</caption><thead><tr><th>Package</th>"
      + "<th>Nuclides</th><th>State</th><th>Surface now (predicted)</th><th>Release date</th></tr></thead><tbody>"
    for package in packages.prefix(50) {
      let style = StateStyle.of(package.state)
      let label = package.state == "not_eligible" ? "Not eligible" : style.label
      html +=
        "<tr data-package=\"\(HTML.text(package.id, limit: 128))\"><td>\(HTML.text(package.id, limit: 64))</td>"
        + "<td>\(HTML.text(package.nuclides.joined(separator: ", "), limit: 80))</td>"
        + "<td>\(HTML.text(label, limit: 40))</td>"
        + "<td>\(package.surfaceUSvHNow.map(Show.rate) ?? "–")</td>"
        + "<td>\(package.releaseDueAt.map { Show.timeTag($0) } ?? "none (decay-in-storage not allowed)")</td></tr>"
    }
    if packages.count > 50 {
      html += "<tr><td colspan=\"5\">… and \(packages.count - 50) more</td></tr>"
    }
    return html + "</tbody></table>"
  }

  static func detectors(_ view: WardView) -> String {
    guard !view.detectors.isEmpty else { return "" }
    let lost = !view.isLive
    var html =
      "<section class=\"detectors\"><h2>Detector health\(lost ? " (last known, not current)" : "")</h2>"
      + "<table><thead><tr><th>Detector</th><th>State</th><th>Dose rate</th><th>Device</th>"
      + "<th>Why</th></tr></thead><tbody>"
    for detector in view.detectors {
      let style = lost ? StateStyle.of("unknown") : StateStyle.of(detector.state)
      let shown =
        lost
        ? "Unknown (last known: \(HTML.text(StateStyle.of(detector.state).label, limit: 40)))"
        : HTML.text(style.label, limit: 40)
      html +=
        "<tr class=\"\(style.css)\" \(hooks(id: detector.id, state: detector.state, lost: lost, attribute: "data-detector"))>"
        + "<td><a href=\"/history/\(HTML.pathComponent(detector.id))?hours=24\">\(HTML.text(detector.id, limit: 64))</a></td>"
        + "<td><span class=\"icon\" aria-hidden=\"true\">\(style.icon)</span> \(shown)</td>"
        + "<td>\(detector.doseRateUSvH.map(Show.rate) ?? "–")</td>"
        + "<td>\(HTML.text(detector.model ?? "–", limit: 60))</td>"
        + "<td>\(HTML.text(detector.reason ?? "", limit: 200))</td></tr>"
    }
    return html + "</tbody></table></section>"
  }
}
