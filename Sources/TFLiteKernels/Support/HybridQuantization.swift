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
    quantized[i] = Int8(min(127, max(-127, q)))
  }
  return range / 127
}

/// Quantizes `values` to int8 in [-128, 127] over the range [min(x, 0), max(x, 0)], with the
/// zero point nudged to an integer as LiteRT does; returns (scale, zero point).
func asymmetricQuantize(_ values: UnsafePointer<Float>, count: Int, into quantized: UnsafeMutablePointer<Int8>) -> (scale: Float, zeroPoint: Int32) {
  var low: Float = 0, high: Float = 0
  for i in 0..<count { low = min(low, values[i]); high = max(high, values[i]) }
  let rmin = Double(low), rmax = Double(high)
  if rmin == rmax {
    quantized.update(repeating: 0, count: count)
    return (1, 0)
  }
  let qmin = -128.0, qmax = 127.0
  let scale = (rmax - rmin) / (qmax - qmin)
  let fromMin = qmin - rmin / scale
  let fromMax = qmax - rmax / scale
  let errorMin = abs(qmin) + abs(rmin / scale)
  let errorMax = abs(qmax) + abs(rmax / scale)
  let zeroPointDouble = errorMin < errorMax ? fromMin : fromMax
  let zeroPoint: Int32
  if zeroPointDouble <= qmin { zeroPoint = -128 }
  else if zeroPointDouble >= qmax { zeroPoint = 127 }
  else { zeroPoint = Int32(zeroPointDouble.rounded(.toNearestOrAwayFromZero)) }
  let scaleFloat = Float(scale)
  let inverse = Float(1.0 / Double(scaleFloat))
  let offset = Float(zeroPoint)
  for i in 0..<count {
    let q = roundHalfAwayFromZero(offset + values[i] * inverse)
    quantized[i] = Int8(min(127, max(-128, q)))
  }
  return (scaleFloat, zeroPoint)
}
