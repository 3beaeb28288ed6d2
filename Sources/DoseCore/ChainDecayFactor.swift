import Foundation

/// The time factor of the Bateman solution for one decay path, computed without the
/// cancellation that the textbook sum suffers when two decay constants are equal or close.
///
/// For a path with decay constants λ₀ … λₙ the Bateman solution reads
/// Nₙ(t) = N₀(0) · Π bₖλₖ (k < n) · Σᵢ e^(−λᵢt) / Πⱼ≠ᵢ (λⱼ − λᵢ).
/// The sum is (−1)ⁿ times the divided difference of f(x) = e^(−xt) on the nodes λ₀ … λₙ, a
/// positive number this type calls φ. The sum itself divides by λⱼ − λᵢ, which is zero for
/// equal constants and loses every digit for close ones. φ is computed instead from the
/// divided-difference recurrence, which only subtracts values that differ by a factor of
/// order e or more, and, for a group of nodes whose spread s has s·t ≤ 2, from the Taylor
/// series of the divided difference about the group's midpoint (which converges like e^(s·t/2)
/// and handles equal nodes exactly).
enum ChainDecayFactor {
  /// Below this spread × time the Taylor series is used (its terms fall like (s·t/2)ᵏ/k!).
  static let taylorSpreadTime = 2.0
  /// Taylor terms kept; with s·t/2 ≤ 1 the 30th term is below 1e-32 of the first.
  static let taylorTerms = 30

  /// φ(λ₀ … λₙ; t) = (−1)ⁿ f[λ₀ … λₙ] with f(x) = e^(−xt); for one node, e^(−λ₀t).
  /// Rates must be finite and ≥ 0 and the time finite and ≥ 0 (callers guard this).
  static func phi(rates: [Double], time: Double) -> Double {
    guard !rates.isEmpty else { return 0 }
    let nodes = rates.sorted()
    let count = nodes.count
    if time <= 0 { return count == 1 ? 1 : 0 }
    // table[i] holds φ over nodes i…i+width; widened one step per pass.
    var table = nodes.map { exp(-$0 * time) }
    for width in 1..<count {
      for start in 0..<(count - width) {
        let end = start + width
        let spread = nodes[end] - nodes[start]
        if spread * time <= taylorSpreadTime {
          table[start] = taylor(Array(nodes[start...end]), time: time)
        } else {
          // φ[i…j] = (φ[i…j−1] − φ[i+1…j]) / (λⱼ − λᵢ): both terms come from the last pass.
          table[start] = Swift.max(0, (table[start] - table[start + 1]) / spread)
        }
      }
    }
    return table[0]
  }

  /// Taylor series of φ about the midpoint c of the nodes, in scaled variables zᵢ = (λᵢ − c)t:
  /// φ = e^(−ct) · tⁿ · Σₖ (−1)ᵏ hₖ(z) / (n + k)!, with hₖ the complete homogeneous symmetric
  /// polynomial of degree k in the zᵢ.
  static func taylor(_ nodes: [Double], time: Double) -> Double {
    let order = nodes.count - 1
    guard let low = nodes.min(), let high = nodes.max() else { return 0 }
    let centre = (low + high) / 2
    let scaled = nodes.map { ($0 - centre) * time }
    // h[k] over the variables added so far: adding z gives hₖ ← hₖ + z·hₖ₋₁ (k ascending).
    var homogeneous = [Double](repeating: 0, count: taylorTerms)
    homogeneous[0] = 1
    for z in scaled {
      for k in 1..<taylorTerms {
        homogeneous[k] += z * homogeneous[k - 1]
      }
    }
    // Σₖ (−1)ᵏ hₖ n!/(n+k)!, then the prefactor e^(−ct) tⁿ / n! in logarithms so that neither
    // a large tⁿ nor a small e^(−ct) overflows on its own.
    var series = 0.0
    var ratio = 1.0  // n! / (n + k)!
    for k in 0..<taylorTerms {
      if k > 0 { ratio /= Double(order + k) }
      series += (k % 2 == 0 ? 1 : -1) * homogeneous[k] * ratio
    }
    let logPrefactor = -centre * time + Double(order) * log(time) - lgamma(Double(order + 1))
    return Swift.max(0, exp(logPrefactor) * series)
  }
}
