import DoseProtocol
import Foundation

/// The frame every page shares: the strict head (one self-hosted stylesheet and script, no
/// inline code), the no-JavaScript refresh, the root's `data-monitoring` hook, and the
/// monitoring banner that says in words and colour whether what follows is current.
enum PageShell {
  /// Without JavaScript a page reloads itself this often (seconds); with it, server-sent events
  /// replace the `#live` part as dosed changes.
  static let refreshSeconds = 10

  /// - Parameters:
  ///   - channel: the `/events/…` stream that updates `#live` (nil: a static page).
  ///   - live: the part of the body that the stream replaces.
  ///   - after: the static rest of the body (a history chart).
  ///   - refreshSeconds: a page without a stream that reloads itself, with or without
  ///     JavaScript (an error page a tablet may be left on).
  static func document(
    title: String, monitoring: Monitoring?, channel: String?, page: String, live: String,
    after: String = "", reloadSeconds: Int? = nil, refreshSeconds: Int? = nil
  ) -> String {
    let root = monitoring.map { " data-monitoring=\"\($0.word)\"" } ?? ""
    let refresh =
      if let refreshSeconds {
        "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">"
      } else if channel != nil {
        "<noscript><meta http-equiv=\"refresh\" content=\"\(Self.refreshSeconds)\"></noscript>"
      } else {
        ""
      }
    let stream = channel.map { " data-channel=\"\(HTML.escape($0))\"" } ?? ""
    let reload = reloadSeconds.map { " data-reload=\"\($0)\"" } ?? ""
    return """
      <!DOCTYPE html>
      <html lang="en"\(root)>
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(HTML.text(title))</title>
      <link rel="stylesheet" href="/static/board.css">
      <script src="/static/board.js" defer></script>
      \(refresh)
      </head>
      <body class="page-\(page)"\(stream)\(reload)>
      <div id="live">\(live)</div>
      \(after)
      </body>
      </html>

      """
  }

  /// The line at the top of every live page. While lost it is the loudest thing on the page.
  static func banner(_ view: WardView, heading: String) -> String {
    let title = "<h1>\(HTML.text(heading))</h1>"
    switch view.monitoring {
    case .live:
      let at =
        view.snapshotTime.map { " · dosed's snapshot of \(Show.timeTag($0, seconds: true))" } ?? ""
      // `stalled` is hidden and shown by the stylesheet alone once this part has not been
      // renewed for a while: a page whose script never loaded, or stopped, cannot stay "live".
      return """
        <header class="top">\(title)<p class="monitor monitor-live">\
        <span class="icon" aria-hidden="true">●</span> Monitoring live\(at)</p></header>
        <div class="stalled" role="alert"><span class="icon" aria-hidden="true">⚠</span> \
        <strong>THIS SCREEN IS NOT UPDATING</strong>: nothing on it is current. Reload the page; \
        if that fails, the ward board or dosed is down and the ward is unmonitored.</div>
        """
    case .lost(let since, let reason):
      let last =
        view.snapshotTime.map {
          " The last data from dosed are of \(Show.timeTag($0, seconds: true))."
        } ?? " No data from dosed yet."
      return """
        <header class="top">\(title)</header>
        <div class="unmonitored" role="alert"><span class="icon" aria-hidden="true">⚠</span> \
        <strong>WARD UNMONITORED since \(Show.timeTag(since, seconds: true))</strong>: \
        nothing on this page is current.\(last) \
        <span class="why">\(HTML.text(reason))</span></div>
        """
    }
  }

  /// The alarm lines: level, message, since, and who acknowledged (or that no one has).
  static func alarms(_ alarms: [AlarmStatus], lost: Bool) -> String {
    guard !alarms.isEmpty else { return "" }
    var html = "<ul class=\"alarms\">"
    for alarm in alarms {
      let level = alarm.level == "warn" ? "warn" : "alarm"
      let isTest = alarm.test == true || alarm.kind == "test"
      let word = isTest ? "TEST" : (level == "warn" ? "WARNING" : "ALARM")
      let ack =
        alarm.acknowledged.map { ack in
          "Acknowledged by <b>\(HTML.text(ack.user, limit: 64))</b> at \(Show.timeTag(ack.at))"
            + (ack.note.map { ": \(HTML.text($0))" } ?? "")
        } ?? "Not acknowledged"
      let id = alarm.alarmID ?? "\(alarm.kind):\(alarm.location ?? alarm.detector ?? "")"
      html +=
        "<li class=\"alarm a-\(level)\" data-alarm=\"\(HTML.text(id, limit: 200))\">"
        + "<span class=\"icon\" aria-hidden=\"true\">⚠</span> <b>\(word)\(lost ? " (last known)" : "")</b> "
        + "\(HTML.text(alarm.message)) <span class=\"since\">since \(Show.timeTag(alarm.since))</span>"
        + " <span class=\"ack\">\(ack)</span></li>"
    }
    return html + "</ul>"
  }
}
