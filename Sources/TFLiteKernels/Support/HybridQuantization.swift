// Input quantization for hybrid kernels (float activations × int8 weights), as LiteRT does it
// (tensor_utils SymmetricQuantizeFloats / AsymmetricQuantizeFloats): each row of the input is
// quantized to int8 with its own scale (and zero point, when asymmetric), the dot products are
// taken in int32, and the result is rescaled to float.

/// Rounds half away from zero (C's `round`, TFLite's `TfLiteRound`).
@inline(__always) func roundHalfAwayFromZero(_ x: Float) -> Float { x.rounded(.toNearestOrAwayFromZero) }

/// Quantizes `values` to int8 in [-127, 127] with `scale = max|x| / 127`; returns the scale
/// (1 for an all-zero row).
func symmetricQuantize(_ values: UnsafePointer<Float>, count: Int, into quantized: UnsafeMutablePointer<Int8>) -> Float {
  var low: Float = 0, high: Float = 0
  if count > 0 { low = values[0]; high = values[0] }
  for i in 0..<count { low = min(low, values[i]); high = max(high, values[i]) }
  let range = max(abs(low), abs(high))
  if range == 0 {
    quantized.update(repeating: 0, count: count)
    return 1
  }
  let inverse: Float = 127 / range
  for i in 0..<count {
    let q = roundHalfAwayFromZero(values[i] * inverse)
    quantized[i] = q.isNaN ? 0 : Int8(min(127, max(-127, q)))
  }
  return range / 127
}

/// Quantizes `values` to int8 in [-128, 127] over the range [min(x, 0), max(x, 0)]; returns
/// (scale, zero point).
///
/// Matches LiteRT 2.3 bit for bit on x86 (checked against its reference and optimised builtin
/// kernels on the MobileBERT fixture, whose dequantized embeddings put many values exactly on
/// rounding ties): the scale is computed in float, `(max − min) / 255`; the zero point from it
/// (the end with the smaller error, nudged to an integer); then each value is scaled by the
/// float inverse, rounded half away from zero, and only then offset by the zero point.
func asymmetricQuantize(_ values: UnsafePointer<Float>, count: Int, into quantized: UnsafeMutablePointer<Int8>) -> (scale: Float, zeroPoint: Int32) {
  var low: Float = 0, high: Float = 0
  for i in 0..<count { low = min(low, values[i]); high = max(high, values[i]) }
  if low == high {
    quantized.update(repeating: 0, count: count)
    return (1, 0)
  }
  let qmin = -128.0, qmax = 127.0
  let scale: Float = (high - low) / 255
  let rmin = Double(low), rmax = Double(high), s = Double(scale)
  let fromMin = qmin - rmin / s
  let fromMax = qmax - rmax / s
  let errorMin = abs(qmin) + abs(rmin / s)
  let errorMax = abs(qmax) + abs(rmax / s)
  let zeroPointDouble = errorMin < errorMax ? fromMin : fromMax
  let zeroPoint: Int32
  // An infinite value makes the scale infinite and the zero point NaN (∞ / ∞): that row quantizes to
  // zeros and its outputs come out NaN (0 · ∞), where LiteRT's conversion of NaN to an integer is
  // undefined behaviour (its builtin kernels give ±∞ whose sign depends on the weights).
  if zeroPointDouble.isNaN { zeroPoint = 0 }
  else if zeroPointDouble <= qmin { zeroPoint = -128 }
  else if zeroPointDouble >= qmax { zeroPoint = 127 }
  else { zeroPoint = Int32(zeroPointDouble.rounded(.toNearestOrAwayFromZero)) }
  let inverse: Float = 1 / scale
  for i in 0..<count {
    let scaled = roundHalfAwayFromZero(values[i] * inverse)
    let q = (scaled.isNaN ? 0 : Int32(min(256, max(-256, scaled)))) + zeroPoint
    quantized[i] = Int8(min(127, max(-128, q)))
  }
  return (scale, zeroPoint)
}
