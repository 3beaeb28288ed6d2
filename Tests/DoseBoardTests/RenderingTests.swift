import DoseProtocol
import Foundation
import Testing

@testable import DoseBoard

/// The pages as HTML: the hooks, escaping of every operator and device text, the lost state,
/// the patient reference rule, the visitor guidance, and the strict no-inline rule.
@Suite struct RenderingTests {
  @Test func everyTileCarriesItsLocationAndDosedsStateWord() {
    let html = WardPage.render(Fixture.view())
    #expect(html.contains("<html lang=\"en\" data-monitoring=\"live\">"))
    for (id, state) in [
      ("room-1", "occupied"), ("room-2", "clear"), ("room-3", "awaiting_clearance"),
      ("store", "holding"),
    ] {
      #expect(html.contains("data-location=\"\(id)\" data-state=\"\(state)\""), "\(id)")
    }
    #expect(html.contains("72.50\u{202F}µSv/h"))
    #expect(html.contains("95\u{202F}%: 70.10–74.90"))
    #expect(html.contains("Eligible for release"))
    #expect(html.contains("Room free"))
    #expect(html.contains("clearance predicted"))
    #expect(html.contains("data-package=\"W-1\""))
    #expect(html.contains("Occupied since"))
    #expect(html.contains("<svg"), "the trend")
  }

  @Test func operatorTextIsEscapedEverywhere() {
    let status = Fixture.status(alarmMessage: Fixture.hostile)
    for html in [
      WardPage.render(Fixture.view(showPatientRef: true, status: status)),
      DoorPage.render(Fixture.view(showPatientRef: true, status: status), id: "room-1"),
    ] {
      #expect(!html.contains("<script>alert"))
      #expect(!html.contains("<b>\""))
      #expect(!html.contains("\u{202E}"), "a bidi override is shown as an escape")
      #expect(!html.contains("nurse<b>"))
      #expect(!html.contains("<first>"))
      #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
    }
    // The acknowledgement says who, escaped.
    let ward = WardPage.render(Fixture.view(status: status))
    #expect(ward.contains("Acknowledged by <b>nurse&lt;b&gt;</b>"))
    #expect(ward.contains("<title>Ward &lt;7&gt; — ward board</title>"))
  }

  @Test func aPatientReferenceAppearsOnlyWhenTheConfigurationAllowsIt() {
    func page(_ allowed: Bool) -> String {
      var config = Fixture.config(showPatientRef: allowed)
      config.ward = "W"
      let view = WardView.make(
        status: Fixture.status(), extras: Fixture.extras(patient: "P-0042"), monitoring: .live,
        config: config)
      return WardPage.render(view) + DoorPage.render(view, id: "room-1")
    }
    #expect(!page(false).contains("Patient"))
    #expect(!page(false).contains("P-0042"))
    #expect(page(true).contains("<dt>Patient</dt><dd>P-0042</dd>"))
  }

  /// A live page carries the stylesheet's own watchdog (shown if nothing renews the page), and
  /// an error page a tablet is left on reloads itself, also without JavaScript.
  @Test func pagesCannotFreezeAsLive() {
    let live = WardPage.render(Fixture.view(monitoring: .live))
    #expect(live.contains("<div class=\"stalled\" role=\"alert\">"))
    #expect(live.contains("THIS SCREEN IS NOT UPDATING"))
    #expect(Assets.css.contains(".stalled{visibility:hidden"))
    #expect(Assets.css.contains("animation:stall-a 1ms 20s forwards"))
    let missing = ErrorPage.render(status: 503, title: "no data yet", detail: "d")
    #expect(missing.contains("<meta http-equiv=\"refresh\" content=\"10\">"))
    #expect(missing.contains("data-monitoring=\"lost\""))
    #expect(!missing.contains("<noscript>"))
    #expect(Show.minutes(1e19) == "10000000000000000000")
  }

  @Test func whileLostNoTileReadsAsSafeAndEveryPageSaysSo() {
    let since = Fixture.time.addingTimeInterval(30)
    let view = Fixture.view(monitoring: .lost(since: since, reason: "cannot reach dosed"))
    for html in [
      WardPage.render(view), DoorPage.render(view, id: "room-2"),
      HistoryPage.render(view, id: "room-2", hours: 24, reply: nil, failure: nil),
    ] {
      #expect(html.contains("data-monitoring=\"lost\""))
      #expect(html.contains("WARD UNMONITORED since"))
      #expect(!html.contains("Monitoring live"))
      #expect(!html.contains("data-state=\"clear\""))
      #expect(!html.contains("data-state=\"ok\""))
      #expect(!html.contains("s-safe"), "no class that draws green")
    }
    let ward = WardPage.render(view)
    #expect(
      ward.contains("data-location=\"room-2\" data-state=\"unknown\" data-last-state=\"clear\""))
    #expect(ward.contains("last known: Clear"))
    #expect(ward.contains("Last known: 0.100\u{202F}µSv/h"))
    #expect(ward.contains("not current"))
    #expect(ward.count(of: "data-state=\"unknown\"") == 8, "4 tiles and 4 detectors")
  }

  @Test func theDoorShowsTheSitesVisitorGuidanceOnlyWhereConfigured() {
    let view = Fixture.view()
    let room1 = DoorPage.render(view, id: "room-1")
    #expect(room1.contains("Stay at most <b>30 min</b>"))
    #expect(room1.contains("Keep at least <b>2 m</b>"))
    #expect(room1.contains("Ask the nurse &lt;first&gt;"))
    #expect(room1.contains("data-channel=\"room/room-1\""))
    let room2 = DoorPage.render(view, id: "room-2")
    #expect(!room2.contains("Visitors"))
  }

  /// Content-Security-Policy `default-src 'self'` forbids inline script and style: none is
  /// written, and the no-JavaScript refresh is a meta element.
  @Test func pagesHaveNoInlineScriptOrStyle() {
    let view = Fixture.view()
    for html in [
      WardPage.render(view), DoorPage.render(view, id: "room-1"),
      HistoryPage.render(view, id: "room-1", hours: 6, reply: nil, failure: nil),
      ErrorPage.render(status: 404, title: "Not found", detail: "x"),
    ] {
      #expect(!html.contains("style="))
      #expect(!html.contains("<style"))
      #expect(html.count(of: "<script") == html.count(of: "<script src=\"/static/board.js\""))
      #expect(html.firstMatch(of: /\ on[a-z]+=/) == nil, "no event handler attributes")
    }
    #expect(
      WardPage.render(view).contains(
        "<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>"))
  }

  @Test func sseMessagesKeepEveryLineInTheirData() {
    let message = EventFanOut.message(event: "page", data: "live\n<p>a</p>\n<p>b</p>")
    #expect(message == "event: page\ndata: live\ndata: <p>a</p>\ndata: <p>b</p>\n\n")
  }

  @Test func theHistoryWindowIsBounded() {
    #expect(HistoryPage.hours(nil) == 24)
    #expect(HistoryPage.hours("6") == 6)
    for bad in ["0", "-1", "nan", "inf", "721", "1e9", "abc", "", "9999999999"] {
      #expect(HistoryPage.hours(bad) == nil, "\(bad)")
    }
  }
}
