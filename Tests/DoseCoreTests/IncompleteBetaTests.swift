import Testing

@testable import DoseCore

/// Reference values from scipy.stats 1.x (beta.cdf, t.ppf, f.sf, f.ppf).
struct IncompleteBetaTests {
  @Test func betaCDF() {
    #expect(
      isClose(IncompleteBeta.regularized(x: 0.3, a: 2.5, b: 4), 0.3521975859067672, rel: 1e-12))
    #expect(IncompleteBeta.regularized(x: 0, a: 2, b: 3) == 0)
    #expect(IncompleteBeta.regularized(x: 1, a: 2, b: 3) == 1)
  }

  @Test func studentQuantiles() {
    #expect(isClose(StudentT.quantile(0.975, degreesOfFreedom: 10), 2.228138851986274, rel: 1e-10))
    #expect(isClose(StudentT.quantile(0.975, degreesOfFreedom: 1), 12.706204736174694, rel: 1e-10))
    #expect(isClose(StudentT.quantile(0.975, degreesOfFreedom: 3), 3.1824463052837078, rel: 1e-10))
  }

  @Test func fisherSurvival() {
    #expect(
      isClose(FisherF.survival(4.1028210151304, numerator: 2, denominator: 10), 0.05, rel: 1e-10))
    #expect(
      isClose(FisherF.survival(3.0, numerator: 2, denominator: 7), 0.11456221633906807, rel: 1e-10))
    #expect(FisherF.survival(0, numerator: 2, denominator: 7) == 1)
  }
}
