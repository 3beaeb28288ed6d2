import Foundation

/// The regularized incomplete beta function: enough of the beta distribution for the Student t
/// and Fisher F distributions that the clearance fit needs (coverage factor, model test).
///
/// I_x(a, b) = x^a (1 − x)^b / (a·B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …))), the continued
/// fraction of Abramowitz & Stegun 26.5.8, evaluated by the modified Lentz method like
/// `Gamma`'s continued fraction. It converges quickly for x < (a + 1)/(a + b + 2); above that
/// the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) (A&S 26.5.2) is used.
public enum IncompleteBeta {
  public static func regularized(x: Double, a: Double, b: Double) -> Double {
    precondition(a > 0 && b > 0, "beta shapes must be positive")
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
    let logFront: Double = a * log(x) + b * log(1 - x) - logBeta
    if x < (a + 1) / (a + b + 2) {
      return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
    }
    return 1 - exp(logFront) * continuedFraction(x: 1 - x, a: b, b: a) / b
  }

  /// 1/(1 + d₁/(1 + d₂/(1 + …))) with d_{2m+1} = −(a+m)(a+b+m)x/((a+2m)(a+2m+1)) and
  /// d_{2m} = m(b−m)x/((a+2m−1)(a+2m)).
  private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    var m = 1.0
    while m < 100_000 {
      let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
      d = 1 + even * d
      if abs(d) < tiny { d = tiny }
      c = 1 + even / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
      d = 1 + odd * d
      if abs(d) < tiny { d = tiny }
      c = 1 + odd / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-15 { break }
      m += 1
    }
    return h
  }
}

/// Student's t distribution with ν degrees of freedom (A&S 26.7.1 via 26.5.27).
public enum StudentT {
  public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    let tail = 0.5 * IncompleteBeta.regularized(x: nu / (nu + t * t), a: nu / 2, b: 0.5)
    return t >= 0 ? 1 - tail : tail
  }

  /// t such that cdf(t) = p, by bisection (the cdf is monotone; 200 halvings reach the
  /// resolution of a Double from any bracket used here).
  public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    precondition(p > 0 && p < 1, "probability must be in (0, 1)")
    var low = -1.0
    var high = 1.0
    while cdf(low, degreesOfFreedom: nu) > p { low *= 2 }
    while cdf(high, degreesOfFreedom: nu) < p { high *= 2 }
    for _ in 0..<200 {
      let mid = (low + high) / 2
      if cdf(mid, degreesOfFreedom: nu) < p { low = mid } else { high = mid }
      if high - low <= 1e-14 * Swift.max(1, abs(mid)) { break }
    }
    return (low + high) / 2
  }
}

/// Fisher's F distribution with d₁ and d₂ degrees of freedom (A&S 26.6.2).
public enum FisherF {
  /// P(F > f): the p-value of an F test.
  public static func survival(_ f: Double, numerator d1: Double, denominator d2: Double) -> Double {
    guard f > 0 else { return 1 }
    return IncompleteBeta.regularized(x: d2 / (d2 + d1 * f), a: d2 / 2, b: d1 / 2)
  }
}
