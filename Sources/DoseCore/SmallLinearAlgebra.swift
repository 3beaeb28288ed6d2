import Foundation

/// Dense solves for the few-parameter normal equations of the clearance fits (2 or 4
/// unknowns): Gaussian elimination with partial pivoting. Returns nil for a (numerically)
/// singular matrix so that callers can report "cannot fit" instead of trapping.
enum SmallLinearAlgebra {
  /// Relative pivot size below which the matrix counts as singular.
  static let singularPivot = 1e-13

  static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
    let n = rhs.count
    var a = matrix
    var b = rhs
    let scale = a.flatMap { $0 }.map(abs).max() ?? 0
    guard scale > 0, scale.isFinite else { return nil }
    for column in 0..<n {
      var pivotRow = column
      for row in column..<n where abs(a[row][column]) > abs(a[pivotRow][column]) {
        pivotRow = row
      }
      guard abs(a[pivotRow][column]) > singularPivot * scale else { return nil }
      a.swapAt(column, pivotRow)
      b.swapAt(column, pivotRow)
      for row in (column + 1)..<n {
        let ratio = a[row][column] / a[column][column]
        for k in column..<n { a[row][k] -= ratio * a[column][k] }
        b[row] -= ratio * b[column]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var sum = b[row]
      for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
      x[row] = sum / a[row][row]
    }
    return x.allSatisfy(\.isFinite) ? x : nil
  }

  static func inverse(_ matrix: [[Double]]) -> [[Double]]? {
    let n = matrix.count
    var columns: [[Double]] = []
    for i in 0..<n {
      var unit = [Double](repeating: 0, count: n)
      unit[i] = 1
      guard let column = solve(matrix, unit) else { return nil }
      columns.append(column)
    }
    return (0..<n).map { row in (0..<n).map { columns[$0][row] } }
  }

  /// gᵀ C g.
  static func quadraticForm(_ g: [Double], _ c: [[Double]]) -> Double {
    var sum = 0.0
    for i in g.indices {
      for j in g.indices { sum += g[i] * c[i][j] * g[j] }
    }
    return sum
  }
}
