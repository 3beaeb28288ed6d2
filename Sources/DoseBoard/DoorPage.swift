import DoseProtocol
import Foundation

/// `/room/ID`: the panel at a door, in large type for a tablet: the state, the dose rate, any
/// alarm, and the site's visitor guidance for that location (only when `board.toml` gives it).
enum DoorPage {
  static func render(_ view: WardView, id: String) -> String {
    PageShell.document(
      title: "\(id) — \(view.ward)", monitoring: view.monitoring,
      channel: "room/\(id)", page: "door", live: live(view, id: id))
  }

  static func live(_ view: WardView, id: String) -> String {
    let lost = !view.isLive
    var html = PageShell.banner(view, heading: id)
    guard let tile = view.tile(id) else {
      return html + "<p class=\"empty\">This location is not in dosed's configuration now.</p>"
    }
    let css = lost ? "s-unknown" : StateStyle.of(tile.state).css
    let alarmCSS = tile.alarm == "alarm" ? "a-alarm" : tile.alarm == "warn" ? "a-warn" : "a-none"
    html +=
      "<main class=\"door tile \(css) \(alarmCSS)\" \(WardPage.hooks(id: tile.id, state: tile.state, lost: lost))>"
    html += WardPage.stateLine(tile.state, lost: lost)
    html += WardPage.rateLine(
      tile.doseRateUSvH, ci: tile.ci95USvH, lost: lost, at: view.snapshotTime)
    html += PageShell.alarms(tile.alarms, lost: lost)
    html += "</main>"
    html += guidance(tile.guidance)
    html += "<footer><p><a href=\"/\">Whole ward</a></p></footer>"
    return html
  }

  /// The site's rule for visitors, as its radiation safety officer wrote it in board.toml.
  static func guidance(_ guidance: VisitorGuidance?) -> String {
    guard let guidance else { return "" }
    var items: [String] = []
    if let minutes = guidance.maxStayMinutes {
      items.append(
        minutes == 0
          ? "<li class=\"stay\">No visitors.</li>"
          : "<li class=\"stay\">Stay at most <b>\(Show.minutes(minutes)) min</b>.</li>")
    }
    if let metres = guidance.minDistanceM, metres > 0 {
      items.append(
        "<li class=\"distance\">Keep at least <b>\(Show.minutes(metres)) m</b> from the patient.</li>"
      )
    }
    if let note = guidance.note {
      items.append("<li class=\"note\">\(HTML.text(note, limit: 500))</li>")
    }
    guard !items.isEmpty else { return "" }
    return "<section class=\"visitors\"><h2>Visitors</h2><ul>\(items.joined())</ul></section>"
  }
}

/// `/history/ID?hours=N`: a room's, store's or detector's dose rate over a chosen window.
enum HistoryPage {
  /// What a request may ask for: 1 h to 30 days.
  static let hourRange = 1.0...720.0
  static let defaultHours = 24.0

  /// The `hours` query value, or nil when it is not a number in `hourRange`.
  static func hours(_ raw: String?) -> Double? {
    guard let raw else { return defaultHours }
    guard raw.count <= 8, let value = Double(raw), value.isFinite, hourRange.contains(value)
    else { return nil }
    return value
  }

  static func render(
    _ view: WardView, id: String, hours: Double, reply: HistoryReply?, failure: String?
  ) -> String {
    var series: [SVGChart.Series] = (reply?.detectors ?? []).map { detector in
      SVGChart.Series(
        name: detector,
        points: TrendPoint.from((reply?.points ?? []).filter { $0.detector == detector }))
    }
    // A location whose rate dosed corrects for its nuclide: that rate too, on the footing of
    // its tile, so the chart and the number the decisions use can be read side by side.
    // (Its caption only when the line is drawn.)
    var corrected: String?
    if let tile = view.tile(id), let correction = tile.energyCorrection, correction.factor > 0 {
      let rate = TrendPoint.forRate(
        reply?.points ?? [], detector: tile.rateDetector, correction: correction)
      if !rate.isEmpty {
        series.append(
          SVGChart.Series(name: "\(id) rate (\(correction.nuclide)-corrected)", points: rate))
        corrected =
          " The \(correction.nuclide)-corrected line is the rate dosed decides on (and the tile "
          + "shows): \(tile.rateDetector.map { "\($0)'s" } ?? "the highest detector's") mean "
          + "above background divided by the detector's response to \(correction.nuclide) "
          + "(\(Show.number(correction.factor)))."
      }
    }
    let end = view.snapshotTime ?? Date()
    let start = end.addingTimeInterval(-hours * 3600)
    let title = "Dose rate at \(id), the last \(Show.minutes(hours)) h"
    var after = "<main class=\"history\"><h2>\(HTML.text(title))</h2><nav class=\"windows\">"
    for choice in [1.0, 6, 24, 72, 168] {
      after +=
        "<a href=\"/history/\(HTML.pathComponent(id))?hours=\(Int(choice))\"\(choice == hours ? " aria-current=\"page\"" : "")>\(Int(choice)) h</a> "
    }
    after += "</nav>"
    if let failure {
      after += "<p class=\"trend-none\">The history could not be read: \(HTML.text(failure))</p>"
    } else {
      after += SVGChart.chart(series, start: start, end: end, title: title)
      after +=
        "<ul class=\"legend\">"
        + series.enumerated().map { index, line in
          "<li class=\"c\(index % 6)\">\(HTML.text(line.name, limit: 64))</li>"
        }.joined() + "</ul>"
      if let bucket = reply?.bucketSeconds {
        after +=
          "<p class=\"note\">Each point is the mean over \(Show.minutes(bucket / 60)) min of the "
          + "detector's estimates (µSv/h as read); the value axis is ranged to the data."
          + HTML.text(corrected ?? "") + "</p>"
      }
    }
    after += "<p><a href=\"/\">Whole ward</a></p></main>"
    return PageShell.document(
      title: title, monitoring: view.monitoring, channel: "banner", page: "history",
      live: PageShell.banner(view, heading: view.ward), after: after, reloadSeconds: 60)
  }
}

/// An unknown path or id, or a bad query: said plainly, the request's text escaped. It reloads
/// itself (also without JavaScript), so a door tablet left on it recovers once the id is known
/// again (after dosed or the board restarted).
enum ErrorPage {
  static let retrySeconds = 10

  static func render(status: Int, title: String, detail: String) -> String {
    PageShell.document(
      title: title, monitoring: status == 503 ? .lost(since: Date(), reason: title) : nil,
      channel: nil, page: "error",
      live: "<main class=\"error\"><h1>\(HTML.text(title))</h1><p>\(HTML.text(detail))</p>"
        + "<p><a href=\"/\">The ward board</a></p></main>",
      refreshSeconds: status == 400 ? nil : retrySeconds)
  }
}
