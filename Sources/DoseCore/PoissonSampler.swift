import Foundation

/// Draws Poisson-distributed counts.
///
/// Small means use inversion by sequential search; means ≥ 10 use Hörmann's transformed
/// rejection with squeeze (PTRS), W. Hörmann, "The transformed rejection method for generating
/// Poisson random variables", Insurance: Mathematics and Economics 12 (1993) 39–45. Both are
/// exact, so simulated counters have true Poisson statistics at every rate.
public enum PoissonSampler {
  public static func sample(mean: Double, using rng: inout SeededGenerator) -> UInt64 {
    guard mean > 0 else { return 0 }
    if mean < 10 {
      return inversion(mean: mean, using: &rng)
    }
    return transformedRejection(mean: mean, using: &rng)
  }

  private static func inversion(mean: Double, using rng: inout SeededGenerator) -> UInt64 {
    var k: UInt64 = 0
    var probability = exp(-mean)
    var cumulative = probability
    let u = rng.nextUnit()
    while u > cumulative && k < 1000 {
      k += 1
      probability *= mean / Double(k)
      cumulative += probability
    }
    return k
  }

  private static func transformedRejection(mean: Double, using rng: inout SeededGenerator)
    -> UInt64
  {
    let sqrtMean = mean.squareRoot()
    let logMean = log(mean)
    let b = 0.931 + 2.53 * sqrtMean
    let a = -0.059 + 0.02483 * b
    let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
    let vr = 0.9277 - 3.6224 / (b - 2)
    while true {
      let u = rng.nextUnit() - 0.5
      let v = rng.nextUnit()
      let us = 0.5 - abs(u)
      let k = floor((2 * a / us + b) * u + mean + 0.43)
      if us >= 0.07 && v <= vr {
        return UInt64(k)
      }
      if k < 0 || (us < 0.013 && v > us) {
        continue
      }
      if log(v) + log(inverseAlpha) - log(a / (us * us) + b)
        <= -mean + k * logMean - lgamma(k + 1)
      {
        return UInt64(k)
      }
    }
  }
}
