import DoseProtocol
import Foundation
import Testing

@testable import DoseBoard

/// Charts ranged to the data: a rate that varies by a few percent must show its variation.
@Suite struct ChartTests {
  /// A room's trend is the rate its tile shows, over time: the detector the rate comes from,
  /// energy-corrected as dosed corrects it (25 µSv/h at the detector is 17.6 µSv/h of Lu-177).
  @Test func aLocationsTrendIsOnTheFootingOfItsRate() {
    var room = LocationStatus(
      id: "room-1", kind: "isolation_room", state: "occupied", alarm: "none", doseAlarm: "none",
      detectors: ["ceiling", "door"], warnUSvH: 60, alarmUSvH: 200)
    room.doseRateDetector = "ceiling"
    room.energyCorrection = EnergyCorrectionStatus(
      nuclide: "Lu-177", factor: 1.42, backgroundUSvH: 0.1, source: "test")
    let minute = Fixture.time
    func point(_ detector: String, _ mean: Double, _ offset: Double) -> HistoryPoint {
      HistoryPoint(
        detector: detector, minute: minute.addingTimeInterval(offset), counts: 100,
        liveSeconds: 60, doseMinUSvH: mean, doseMeanUSvH: mean, doseMaxUSvH: mean)
    }
    let points = [
      point("ceiling", 25.0, 0), point("door", 40.0, 0), point("ceiling", 24.0, 60),
    ]
    let trend = TrendPoint.forLocation(points, room)
    #expect(trend.map(\.time) == [minute, minute.addingTimeInterval(60)])
    #expect(abs(trend[0].value - (0.1 + 24.9 / 1.42)) < 1e-9)
    #expect(abs(trend[1].value - (0.1 + 23.9 / 1.42)) < 1e-9)
    // Without a rate detector or a correction: the highest detector, as read.
    room.doseRateDetector = nil
    room.energyCorrection = nil
    #expect(TrendPoint.forLocation(points, room).map(\.value) == [40.0, 24.0])
  }

  /// The history of a room whose rate dosed corrects for its nuclide carries that rate as its
  /// own line beside the detectors "as read", so the chart and the tile can be compared; a
  /// room without a correction has only the detectors' lines.
  @Test func aRoomsHistoryShowsTheRateAsDecided() {
    var status = Fixture.status()
    status.locations[0].doseRateDetector = "r1"
    status.locations[0].energyCorrection = EnergyCorrectionStatus(
      nuclide: "Lu-177", factor: 1.42, backgroundUSvH: 0.1, source: "test")
    let view = Fixture.view(status: status)
    let points = (0..<3).map { minute in
      HistoryPoint(
        detector: "r1", minute: Fixture.time.addingTimeInterval(Double(minute - 3) * 60),
        counts: 100, liveSeconds: 60, doseMinUSvH: 25, doseMeanUSvH: 25, doseMaxUSvH: 25)
    }
    let reply = HistoryReply(id: nil, of: "room-1", detectors: ["r1"], points: points)
    let html = HistoryPage.render(view, id: "room-1", hours: 1, reply: reply, failure: nil)
    #expect(html.contains("room-1 rate (Lu-177-corrected)"))
    #expect(html.contains("r1&#39;s mean above background divided by"))
    #expect(html.contains("to Lu-177 (1.42)"))
    // The plain room: the detector's line only.
    let plain = HistoryPage.render(
      Fixture.view(), id: "room-1", hours: 1, reply: reply, failure: nil)
    #expect(!plain.contains("corrected"))
    #expect(plain.contains("<li class=\"c0\">r1</li>"))
  }

  @Test func theRangeHugsTheDataNotZero() throws {
    let range = try #require(ChartRange([24.5, 25.0, 25.5]))
    #expect(range.low > 24 && range.low < 24.5)
    #expect(range.high > 25.5 && range.high < 26)
    #expect(range.fraction(24.5) > 0 && range.fraction(25.5) < 1)
  }

  @Test func flatEmptyAndNegativeSeries() throws {
    let flat = try #require(ChartRange([2, 2, 2]))
    #expect(flat.low < 2 && flat.high > 2 && abs(flat.fraction(2) - 0.5) < 1e-9)
    let zero = try #require(ChartRange([0, 0]))
    #expect(zero.low == 0 && zero.high > 0)
    #expect(ChartRange([Double]()) == nil)
    #expect(ChartRange([Double.nan, .infinity]) == nil)
    let nearZero = try #require(ChartRange([0.01, 1]))
    #expect(nearZero.low == 0, "a dose-rate axis does not go below 0 for positive data")
    let net = try #require(ChartRange([-0.2, 0.3]))
    #expect(net.low < -0.2)
  }

  /// The sparkline uses the plot's full height for a 4 % variation.
  @Test func theSparklineUsesTheHeightForSmallVariations() throws {
    let start = Date(timeIntervalSince1970: 0)
    let points = (0..<30).map {
      TrendPoint(time: start.addingTimeInterval(Double($0) * 60), value: 25 + Double($0 % 2))
    }
    let svg = SVGChart.sparkline(points)
    let ys = svg.matches(of: /[ML][0-9.]+ ([0-9.]+)/).compactMap { Double($0.output.1) }
    #expect(ys.count == 30)
    let spread = (ys.max() ?? 0) - (ys.min() ?? 0)
    #expect(spread > 30, "the two levels are drawn far apart, not on one line (spread \(spread))")
  }

  @Test func aGapInTheRecordsBreaksTheLine() {
    let start = Date(timeIntervalSince1970: 0)
    var points = (0..<10).map {
      TrendPoint(time: start.addingTimeInterval(Double($0) * 60), value: 1)
    }
    points += (30..<40).map {
      TrendPoint(time: start.addingTimeInterval(Double($0) * 60), value: 2)
    }
    let svg = SVGChart.chart(
      [SVGChart.Series(name: "d", points: points)], start: start,
      end: start.addingTimeInterval(2400), title: "t")
    #expect(svg.count(of: "<path") == 2)
  }

  @Test func trendPointsTakeTheHighestDetectorPerBucket() {
    let minute = Date(timeIntervalSince1970: 600)
    let points = [
      HistoryPoint(
        detector: "a", minute: minute, counts: 1, liveSeconds: 60, doseMinUSvH: nil,
        doseMeanUSvH: 1, doseMaxUSvH: nil),
      HistoryPoint(
        detector: "b", minute: minute, counts: 1, liveSeconds: 60, doseMinUSvH: nil,
        doseMeanUSvH: 3, doseMaxUSvH: nil),
      HistoryPoint(
        detector: "b", minute: minute.addingTimeInterval(60), counts: 0, liveSeconds: 0,
        doseMinUSvH: nil, doseMeanUSvH: nil, doseMaxUSvH: nil),
    ]
    #expect(TrendPoint.from(points) == [TrendPoint(time: minute, value: 3)])
  }
}
