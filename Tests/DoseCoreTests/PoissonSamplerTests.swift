import Testing

@testable import DoseCore

/// The sampler must give Poisson statistics at every rate: mean and variance both equal the
/// mean. With a fixed seed the draws are the same every run; the tolerances are 5 standard
/// errors, so a correct sampler passes and a biased one (e.g. a normal approximation with the
/// wrong variance, or an off-by-one) fails.
struct PoissonSamplerTests {
  @Test(arguments: [0.05, 0.7, 3.0, 9.9, 10.0, 25.0, 400.0, 1.0e6])
  func meanAndVarianceMatchPoisson(mean: Double) {
    var rng = SeededGenerator(seed: 42)
    let n = 20_000
    var sum = 0.0
    var sumSquares = 0.0
    for _ in 0..<n {
      let k = Double(PoissonSampler.sample(mean: mean, using: &rng))
      sum += k
      sumSquares += k * k
    }
    let sampleMean = sum / Double(n)
    let sampleVariance = sumSquares / Double(n) - sampleMean * sampleMean
    // Standard error of the mean: √(μ/n). Of the variance: √((μ + 2μ²)/n) (4th cumulant μ).
    let meanTolerance = 5 * (mean / Double(n)).squareRoot()
    let varianceTolerance = 5 * ((mean + 2 * mean * mean) / Double(n)).squareRoot()
    #expect(abs(sampleMean - mean) < meanTolerance)
    #expect(abs(sampleVariance - mean) < varianceTolerance)
  }

  @Test func zeroMeanGivesZero() {
    var rng = SeededGenerator(seed: 1)
    #expect(PoissonSampler.sample(mean: 0, using: &rng) == 0)
  }

  @Test func probabilityOfZeroMatchesExpMinusMean() {
    // P(0) = e^(−μ) = 0.3679 for μ = 1; 5 standard errors of a proportion over 20 000 draws.
    var rng = SeededGenerator(seed: 9)
    let n = 20_000
    var zeros = 0
    for _ in 0..<n where PoissonSampler.sample(mean: 1, using: &rng) == 0 { zeros += 1 }
    let p = 0.36787944
    #expect(abs(Double(zeros) / Double(n) - p) < 5 * (p * (1 - p) / Double(n)).squareRoot())
  }
}

struct SeededGeneratorTests {
  @Test func sameSeedSameSequence() {
    var a = SeededGenerator(seed: 123)
    var b = SeededGenerator(seed: 123)
    var c = SeededGenerator(seed: 124)
    let first = (0..<5).map { _ in a.next() }
    #expect(first == (0..<5).map { _ in b.next() })
    #expect(first != (0..<5).map { _ in c.next() })
  }

  @Test func unitIntervalStaysInRange() {
    var rng = SeededGenerator(seed: 7)
    for _ in 0..<10_000 {
      let u = rng.nextUnit()
      #expect(u >= 0 && u < 1)
    }
  }

  @Test func seedsFromIdsAreStableAndDistinct() {
    #expect(SeededGenerator.seed(for: "room-1") == SeededGenerator.seed(for: "room-1"))
    #expect(SeededGenerator.seed(for: "room-1") != SeededGenerator.seed(for: "room-2"))
    // FNV-1a 64 of the empty string is its offset basis.
    #expect(SeededGenerator.seed(for: "") == 0xCBF2_9CE4_8422_2325)
  }
}
