import DoseProtocol
import Foundation

/// Dose rate over time as inline SVG (no script, no external file, so the strict
/// Content-Security-Policy holds). The value axis is ranged to the data (`ChartRange`), so a
/// rate that varies by a few percent shows its variation; a gap in the records (no bucket for
/// longer than two buckets) breaks the line, so that missing monitoring is never drawn over.
enum SVGChart {
  struct Series {
    var name: String
    var points: [TrendPoint]
  }

  /// The tile's small trend: one line, its lowest and highest value written beside it.
  static func sparkline(_ points: [TrendPoint], width: Int = 260, height: Int = 56) -> String {
    guard points.count >= 2, let range = ChartRange(points.map(\.value)),
      let first = points.first?.time, let last = points.last?.time, last > first
    else {
      return "<p class=\"trend-none\">No trend recorded yet.</p>"
    }
    let frame = Frame(
      left: 0, top: 4, width: Double(width), height: Double(height - 8), start: first, end: last,
      range: range)
    let lows = points.map(\.value).min() ?? 0
    let highs = points.map(\.value).max() ?? 0
    let label =
      "Trend from \(Show.time(first)) to \(Show.time(last)): lowest \(Show.rate(lows)), "
      + "highest \(Show.rate(highs))"
    return """
      <figure class="trend"><svg viewBox="0 0 \(width) \(height)" width="\(width)" \
      height="\(height)" role="img" aria-label="\(HTML.escape(label))"><title>\(HTML.escape(label))</title>\
      \(paths(points, frame: frame, css: "line"))</svg>\
      <figcaption>\(Show.number(highs))<br>\(Show.number(lows)) µSv/h</figcaption></figure>
      """
  }

  /// The history page's chart: axes with five value ticks and the window's ends, one line per
  /// series.
  static func chart(_ series: [Series], start: Date, end: Date, title: String) -> String {
    let width = 960.0
    let height = 420.0
    let all = series.flatMap { $0.points.map(\.value) }
    guard let range = ChartRange(all), end > start else {
      return "<p class=\"trend-none\">No dose rate was recorded in this window.</p>"
    }
    let frame = Frame(
      left: 80, top: 16, width: width - 100, height: height - 60, start: start, end: end,
      range: range)
    var svg =
      "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
      + "aria-label=\"\(HTML.escape(title))\"><title>\(HTML.escape(title))</title>"
    svg +=
      "<rect class=\"plot\" x=\"\(frame.left)\" y=\"\(frame.top)\" width=\"\(frame.width)\" "
      + "height=\"\(frame.height)\"/>"
    for tick in 0...4 {
      let value = range.low + range.span * Double(tick) / 4
      let y = frame.y(value)
      svg +=
        "<line class=\"grid\" x1=\"\(frame.left)\" y1=\"\(fmt(y))\" x2=\"\(frame.left + frame.width)\" "
        + "y2=\"\(fmt(y))\"/><text class=\"tick\" x=\"\(frame.left - 6)\" y=\"\(fmt(y + 4))\" "
        + "text-anchor=\"end\">\(Show.number(value))</text>"
    }
    let bottom = frame.top + frame.height + 20
    svg +=
      "<text class=\"tick\" x=\"\(frame.left)\" y=\"\(fmt(bottom))\">\(HTML.escape(Show.time(start)))</text>"
      + "<text class=\"tick\" x=\"\(frame.left + frame.width)\" y=\"\(fmt(bottom))\" "
      + "text-anchor=\"end\">\(HTML.escape(Show.time(end)))</text>"
      + "<text class=\"tick\" x=\"12\" y=\"\(fmt(frame.top + frame.height / 2))\" "
      + "transform=\"rotate(-90 12 \(fmt(frame.top + frame.height / 2)))\" "
      + "text-anchor=\"middle\">µSv/h</text>"
    for (index, line) in series.enumerated() {
      svg += paths(line.points, frame: frame, css: "line c\(index % 6)")
    }
    return svg + "</svg>"
  }

  struct Frame {
    var left, top, width, height: Double
    var start, end: Date
    var range: ChartRange

    func x(_ time: Date) -> Double {
      left + width * time.timeIntervalSince(start) / max(1, end.timeIntervalSince(start))
    }

    func y(_ value: Double) -> Double {
      top + height * (1 - range.fraction(value))
    }
  }

  /// One `<path>` per unbroken run of points.
  static func paths(_ points: [TrendPoint], frame: Frame, css: String) -> String {
    guard !points.isEmpty else { return "" }
    let steps = zip(points.dropFirst(), points).map { $0.time.timeIntervalSince($1.time) }
    let bucket = steps.sorted().first { $0 > 0 } ?? 60
    var runs: [[TrendPoint]] = [[]]
    var previous: Date?
    for point in points {
      if let previous, point.time.timeIntervalSince(previous) > 2.5 * bucket { runs.append([]) }
      runs[runs.count - 1].append(point)
      previous = point.time
    }
    return runs.filter { !$0.isEmpty }.map { run in
      var d = ""
      for (index, point) in run.enumerated() {
        d += (index == 0 ? "M" : "L") + "\(fmt(frame.x(point.time))) \(fmt(frame.y(point.value)))"
      }
      if run.count == 1 { d += "h1" }
      return "<path class=\"\(css)\" d=\"\(d)\"/>"
    }.joined()
  }

  static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
