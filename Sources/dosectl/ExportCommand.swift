import ArgumentParser
import DoseProtocol
import Foundation

/// `dosectl export events|minutes --from T --to T --format csv|json`: records for audits and
/// research registries.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Export recorded events or per-minute detector data as CSV or JSON lines.")

  enum What: String, ExpressibleByArgument, CaseIterable {
    case events, minutes
  }

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case csv, json
  }

  @OptionGroup var options: CommonOptions
  @Argument(help: "What to export: events or minutes.") var what: What
  @Option(help: "Start, ISO 8601 (e.g. 2026-11-01T00:00:00Z), or a duration back such as 7d.")
  var from: String = "24h"
  @Option(help: "End, ISO 8601; default now.") var to: String?
  @Option(help: "csv (with a header row) or json (one object per line).") var format = Format.csv

  func run() throws {
    var since: Date?
    var last: Double?
    var until: Date?
    do {
      (since, last) = try History.window(from)
      until = try to.map(Quantities.time)
    } catch {
      throw ValidationError("\(error)")
    }
    switch what {
    case .events:
      var request = EventsRequest(id: .number(1), since: since, until: until)
      request.lastSeconds = last
      // Pages of the newest events back to the start of the window, then printed oldest first.
      var pages: [[RecordedEvent]] = []
      var more = true
      while more {
        let (_, line) = try query(request, options: options)
        let reply = try decode(EventsReply.self, line)
        pages.append(reply.events)
        request.before = reply.nextBefore
        more = reply.nextBefore != nil
      }
      let events = pages.reversed().flatMap { $0 }
      switch format {
      case .json: try events.forEach(printJSON)
      case .csv:
        print(
          CSV.row([
            "seq", "time", "kind", "location", "detector", "level", "user", "uid", "message",
          ]))
        for event in events {
          print(
            CSV.row([
              String(event.seq), CSV.time(event.time), event.kind, event.location ?? "",
              event.detector ?? "", event.level ?? "", event.actor?.user ?? "",
              event.actor.map { String($0.uid) } ?? "", event.message,
            ]))
        }
      }
    case .minutes:
      let (_, detectorsLine) = try query("detectors", options: options)
      let ids = try decode(DetectorsReply.self, detectorsLine).detectors.map(\.id)
      if format == .csv {
        print(
          CSV.row([
            "detector", "minute", "counts", "live_s", "dose_min_usv_h", "dose_mean_usv_h",
            "dose_max_usv_h",
          ]))
      }
      for id in ids {
        // Page by page (each reply is bounded), printed as it arrives: streamed, every minute.
        var request = HistoryRequest(id: .number(1), of: id, since: since, until: until)
        request.lastSeconds = last
        request.minutes = true
        var more = true
        while more {
          let (_, line) = try query(request, options: options)
          let reply = try decode(HistoryReply.self, line)
          try printMinutes(reply.points)
          more = reply.nextSince != nil
          request.since = reply.nextSince
          request.lastSeconds = nil
        }
      }
    }
  }

  private func printMinutes(_ points: [HistoryPoint]) throws {
    for point in points {
      switch format {
      case .json: try printJSON(point)
      case .csv:
        print(
          CSV.row([
            point.detector, CSV.time(point.minute), String(point.counts),
            CSV.number(point.liveSeconds), point.doseMinUSvH.map(CSV.number) ?? "",
            point.doseMeanUSvH.map(CSV.number) ?? "", point.doseMaxUSvH.map(CSV.number) ?? "",
          ]))
      }
    }
  }

  private func printJSON(_ value: some Encodable) throws {
    print(String(decoding: try WireCoding.encoder().encode(value), as: UTF8.self))
  }
}

/// RFC 4180 CSV cells: quoted when they hold a comma, quote or line break.
enum CSV {
  static func row(_ cells: [String]) -> String {
    cells.map(cell).joined(separator: ",")
  }

  static func cell(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return text
    }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  static func time(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  /// Full precision, so exported numbers are the recorded ones.
  static func number(_ value: Double) -> String { "\(value)" }
}
