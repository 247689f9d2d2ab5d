import TFLiteFormat

/// Element types CAST, FILL and friends convert between.
let numericTypes: [TensorType] = [.float32, .float64, .float16, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .bool]

extension TensorView {
  /// Element `i` as a Double (exact for every type except large 64-bit integers).
  @inline(__always) func double(at i: Int) -> Double {
    switch type {
    case .float32: Double(data.assumingMemoryBound(to: Float.self)[i])
    case .float64: data.assumingMemoryBound(to: Double.self)[i]
    case .float16: Double(float16ToFloat(data.assumingMemoryBound(to: UInt16.self)[i]))
    default: Double(integer(at: i))
    }
  }

  /// Element `i` as an Int64 (integer and bool types).
  @inline(__always) func integer(at i: Int) -> Int64 {
    switch type {
    case .int8: Int64(data.assumingMemoryBound(to: Int8.self)[i])
    case .uint8, .bool: Int64(data.assumingMemoryBound(to: UInt8.self)[i])
    case .int16: Int64(data.assumingMemoryBound(to: Int16.self)[i])
    case .uint16: Int64(data.assumingMemoryBound(to: UInt16.self)[i])
    case .int32: Int64(data.assumingMemoryBound(to: Int32.self)[i])
    case .uint32: Int64(data.assumingMemoryBound(to: UInt32.self)[i])
    case .int64: data.assumingMemoryBound(to: Int64.self)[i]
    default: Int64(truncatingDouble: double(at: i))
    }
  }

  /// Stores an integer at `i`, wrapping to the element type as C's conversions do.
  @inline(__always) func store(integer v: Int64, at i: Int) {
    switch type {
    case .float32: data.assumingMemoryBound(to: Float.self)[i] = Float(v)
    case .float64: data.assumingMemoryBound(to: Double.self)[i] = Double(v)
    case .float16: data.assumingMemoryBound(to: UInt16.self)[i] = floatToFloat16(Float(v))
    case .bool: data.assumingMemoryBound(to: UInt8.self)[i] = v != 0 ? 1 : 0
    case .int8: data.assumingMemoryBound(to: Int8.self)[i] = Int8(truncatingIfNeeded: v)
    case .uint8: data.assumingMemoryBound(to: UInt8.self)[i] = UInt8(truncatingIfNeeded: v)
    case .int16: data.assumingMemoryBound(to: Int16.self)[i] = Int16(truncatingIfNeeded: v)
    case .uint16: data.assumingMemoryBound(to: UInt16.self)[i] = UInt16(truncatingIfNeeded: v)
    case .int32: data.assumingMemoryBound(to: Int32.self)[i] = Int32(truncatingIfNeeded: v)
    case .uint32: data.assumingMemoryBound(to: UInt32.self)[i] = UInt32(truncatingIfNeeded: v)
    case .int64: data.assumingMemoryBound(to: Int64.self)[i] = v
    default: break
    }
  }

  /// Stores a real value at `i`: floats directly, integers truncated toward zero (saturating, NaN → 0),
  /// bool as `v != 0`.
  @inline(__always) func store(double v: Double, at i: Int) {
    switch type {
    case .float32: data.assumingMemoryBound(to: Float.self)[i] = Float(v)
    case .float64: data.assumingMemoryBound(to: Double.self)[i] = v
    case .float16: data.assumingMemoryBound(to: UInt16.self)[i] = floatToFloat16(Float(v))
    case .bool: data.assumingMemoryBound(to: UInt8.self)[i] = v != 0 ? 1 : 0
    default: store(integer: Int64(truncatingDouble: v), at: i)
    }
  }
}

extension Int64 {
  /// C-style truncation toward zero that never traps: NaN → 0, out of range → the nearest bound.
  init(truncatingDouble v: Double) {
    if v.isNaN { self = 0 }
    else if v >= 9.2e18 { self = .max }
    else if v <= -9.2e18 { self = .min }
    else { self = Int64(v.rounded(.towardZero)) }
  }
}

/// IEEE half → single precision.
@inline(__always) func float16ToFloat(_ bits: UInt16) -> Float {
  let sign = UInt32(bits & 0x8000) << 16
  let exponent = Int((bits >> 10) & 0x1F)
  let mantissa = UInt32(bits & 0x3FF)
  if exponent == 0 {
    // Zero or subnormal: mantissa · 2^-24.
    let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
    return sign != 0 ? -magnitude : magnitude
  }
  if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
  return Float(bitPattern: sign | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13))
}

/// Single → IEEE half precision, rounding to nearest even.
@inline(__always) func floatToFloat16(_ value: Float) -> UInt16 {
  #if arch(arm64) || arch(x86_64)
  return Float16(value).bitPattern
  #else
  return 0
  #endif
}
