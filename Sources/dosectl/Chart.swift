import DoseProtocol
import Foundation

/// A dose-rate-over-time chart for a terminal: the highest per-minute mean of the location's
/// detectors in each column, on a linear scale ranged to the data (`ChartRange`): from 0 a rate
/// that varies by a few percent would fill every column to the top.
enum Chart {
  static let width = 60
  static let height = 10

  /// - Parameter bucketSeconds: what each point summarises (`bucket_s` of the reply).
  static func render(_ points: [HistoryPoint], bucketSeconds: Double = 60) -> String {
    let doses = points.compactMap { point in point.doseMeanUSvH.map { (point.minute, $0) } }
    guard let first = doses.first?.0, let last = doses.last?.0,
      let range = ChartRange(doses.map(\.1))
    else { return "no recorded dose rates in that period" }
    // One column per minute while they fit, else minutes share columns; a minute without a
    // record stays empty (a gap in monitoring must show).
    let minutes = Int((last.timeIntervalSince(first) / 60).rounded()) + 1
    let width = Swift.min(Self.width, minutes)
    let perColumn = Double(minutes) / Double(width)
    var columns = [Double?](repeating: nil, count: width)
    for (minute, dose) in doses {
      let index = Int((minute.timeIntervalSince(first) / 60).rounded())
      let column = Swift.min(width - 1, Int(Double(index) / perColumn))
      columns[column] = Swift.max(columns[column] ?? 0, dose)
    }
    // Row r (1 at the bottom) stands for the band ending at its label; a column is filled up
    // to the row its value reaches, so the lowest value still shows as one block.
    let step = range.span / Double(height)
    var lines: [String] = []
    for row in stride(from: height, through: 1, by: -1) {
      let level = range.low + step * Double(row)
      let label = Format.number(level).padding(toLength: 8, withPad: " ", startingAt: 0)
      let cells = columns.map { value -> String in
        guard let value else { return " " }
        return row == 1 || value >= level - step / 2 ? "█" : " "
      }
      lines.append("\(label)│" + cells.joined())
    }
    let floor = Format.number(range.low).padding(toLength: 8, withPad: " ", startingAt: 0)
    lines.append(floor + "└" + String(repeating: "─", count: width))
    lines.append(
      "µSv/h as read ("
        + (bucketSeconds > 60 ? "mean per \(Format.age(bucketSeconds))" : "per-minute mean")
        + ", highest detector)  " + Format.time(first) + " → "
        + Format.time(last) + "  (\(minutes) min)")
    return lines.joined(separator: "\n")
  }
}
