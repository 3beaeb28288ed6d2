import Testing

@testable import DoseDaemon

@Suite struct DeviceLogLimiterTests {
  @Test func aFlappingDeviceIsLoggedFiveTimesPerWindowThenCounted() {
    var limiter = DeviceLogLimiter(burst: 5, window: 600)
    var verdicts: [DeviceLogLimiter.Verdict] = []
    for second in 0..<12 { verdicts.append(limiter.check("d1", now: Double(second))) }
    #expect(verdicts.prefix(5).allSatisfy { $0 == .log(suppressedBefore: 0) })
    #expect(verdicts.dropFirst(5).allSatisfy { $0 == .suppress })
    // Another detector has its own budget.
    #expect(limiter.check("d2", now: 12) == .log(suppressedBefore: 0))
    // The next window logs again and reports how many were held back.
    #expect(limiter.check("d1", now: 700) == .log(suppressedBefore: 7))
    #expect(limiter.check("d1", now: 701) == .log(suppressedBefore: 0))
  }
}
