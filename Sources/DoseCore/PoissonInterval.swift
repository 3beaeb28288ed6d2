import Foundation

/// Exact (Garwood, chi-square based) confidence interval for a Poisson mean from `k` counts.
///
/// Lower bound = ½χ²(α/2; 2k), upper bound = ½χ²(1−α/2; 2k+2), written here as quantiles of the
/// gamma distribution with shape k and k+1. Garwood, Biometrika 28 (1936) 437; DOMAIN.md
/// "Statistics": exact intervals at low counts, not a normal approximation.
public struct PoissonInterval: Sendable, Hashable {
  public let lower: Double
  public let upper: Double

  /// - Parameters:
  ///   - counts: observed counts k ≥ 0.
  ///   - confidence: two-sided confidence level, 0.95 by default.
  public init(counts: Double, confidence: Double = 0.95) {
    let alpha = 1 - confidence
    lower = counts > 0 ? Gamma.quantile(probability: alpha / 2, shape: counts) : 0
    upper = Gamma.quantile(probability: 1 - alpha / 2, shape: counts + 1)
  }
}

/// The regularized incomplete gamma function and its inverse: enough of the gamma distribution
/// for exact Poisson intervals. Series and continued fraction as in Abramowitz & Stegun 6.5.29
/// and 6.5.31; the inverse by safeguarded Newton steps from the Wilson–Hilferty guess.
public enum Gamma {
  /// P(a, x) = γ(a, x) / Γ(a), the CDF of a gamma(shape a, scale 1) variable at x.
  public static func regularizedLower(shape a: Double, x: Double) -> Double {
    precondition(a > 0, "gamma shape must be positive")
    if x <= 0 { return 0 }
    if x < a + 1 {
      return lowerSeries(a: a, x: x)
    }
    return 1 - upperContinuedFraction(a: a, x: x)
  }

  /// Density of gamma(shape a, scale 1) at x.
  public static func density(shape a: Double, x: Double) -> Double {
    if x <= 0 { return 0 }
    return exp((a - 1) * log(x) - x - lgamma(a))
  }

  /// x such that P(a, x) = p.
  public static func quantile(probability p: Double, shape a: Double) -> Double {
    precondition(p > 0 && p < 1, "probability must be in (0, 1)")
    // Wilson–Hilferty start: x ≈ a·(1 − 1/(9a) + z·√(1/(9a)))³.
    let z = Normal.quantile(p)
    var x = a * pow(max(1 - 1 / (9 * a) + z * (1 / (9 * a)).squareRoot(), 0.01), 3)
    var low = 0.0
    var high = Swift.max(2 * x, a + 40 * (a.squareRoot() + 1))
    while regularizedLower(shape: a, x: high) < p { high *= 2 }
    for _ in 0..<200 {
      let f = regularizedLower(shape: a, x: x) - p
      if f < 0 { low = x } else { high = x }
      let d = density(shape: a, x: x)
      var next = d > 0 ? x - f / d : .nan
      if !(next > low && next < high) { next = (low + high) / 2 }
      if abs(next - x) <= 1e-12 * Swift.max(1, x) { return next }
      x = next
    }
    return x
  }

  private static func lowerSeries(a: Double, x: Double) -> Double {
    var term = 1 / a
    var sum = term
    var n = 1.0
    while n < 100_000 {
      term *= x / (a + n)
      sum += term
      if abs(term) < abs(sum) * 1e-15 { break }
      n += 1
    }
    return sum * exp(-x + a * log(x) - lgamma(a))
  }

  /// Q(a, x) by the modified Lentz method.
  private static func upperContinuedFraction(a: Double, x: Double) -> Double {
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    var i = 1.0
    while i < 100_000 {
      let an = -i * (i - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-15 { break }
      i += 1
    }
    return exp(-x + a * log(x) - lgamma(a)) * h
  }
}

/// Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9), used for
/// starting values and coverage factors k.
public enum Normal {
  public static func quantile(_ p: Double) -> Double {
    precondition(p > 0 && p < 1)
    let a = [
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    let b = [
      -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01,
    ]
    let c = [
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
    ]
    let d = [
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00,
    ]
    let pLow = 0.02425
    if p < pLow {
      let q = (-2 * log(p)).squareRoot()
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    if p > 1 - pLow {
      return -quantile(1 - p)
    }
    let q = p - 0.5
    let r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
      / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  }
}
