/// Copies `byteCount` bytes; the shared body of the ops that only change a shape
/// (RESHAPE, SQUEEZE, EXPAND_DIMS).
@inline(__always)
func copyBytes(from source: TensorView, to destination: TensorView) {
  let count = destination.byteCount
  if count > 0 && source.data != destination.data {
    destination.data.copyMemory(from: source.data, byteCount: count)
  }
}
