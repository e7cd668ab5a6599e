// The values of `arange` and `linspace` as PyTorch's CPU kernels compute them
// (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp), so that every element has PyTorch's bits:
// a float32 linspace runs in float, an arange in vector-sized blocks from a rounded base, and
// the AVX2 and AVX-512 builds fuse each `a + b * c` into one multiply-add (their compiler
// contracts it; the default build does not). PyTorch follows `ATEN_CPU_CAPABILITY`, and so does
// gradcli (see `TorchFloat32Math.chunk`). Above PyTorch's parallel grain of 32768 elements an
// arange is split across threads, each part with its own blocks, so its last bits may differ.

enum RangeKernels {
    /// `count` values `start + i * step` of `dtype`. Integers are exact; floating dtypes follow
    /// `cpu_serial_kernel_vec`: pairs of vectors, each `Vectorized::arange(T(start + step * i),
    /// step)` (the lanes `base + k * step` in double, rounded to T), then the elements after the
    /// last pair one by one, `T(start + step * i)`.
    static func arange(start: Double, step: Double, count: Int, dtype: DType) -> [Double] {
        guard dtype.isFloatingPoint else { return (0..<count).map { start + Double($0) * step } }
        let lanes = TorchFloat32Math.lanes(dtype), pairedEnd = count - count % (2 * lanes)
        let round: (Double) -> Double = dtype.isFloat32 ? { Double(Float($0)) } : { $0 }
        var values = [Double](repeating: 0, count: count)
        var i = 0
        while i < pairedEnd {
            let base = round(TorchFloat32Math.multiplyAdd(step, Double(i), start))
            for k in 0..<lanes { values[i + k] = round(k == 0 ? base : TorchFloat32Math.multiplyAdd(Double(k), step, base)) }
            i += lanes
        }
        while i < count {
            values[i] = round(TorchFloat32Math.multiplyAdd(step, Double(i), start))
            i += 1
        }
        return values
    }

    /// `steps` values from `start` to `end` (`steps` >= 2): the first half `start + step * i`,
    /// the rest `end - step * (steps - i - 1)`, in the dtype itself (float for float32), with
    /// `start` and `end` converted to it first; integers step in double and truncate.
    static func linspace(start: Double, end: Double, steps: Int, dtype: DType) -> [Double] {
        let halfway = steps / 2
        if dtype.isFloat32 {
            let start = Float(start), end = Float(end), step = (end - start) / Float(steps - 1)
            return (0..<steps).map { i in
                Double(i < halfway ? TorchFloat32Math.multiplyAdd(step, Float(i), start) : TorchFloat32Math.multiplyAdd(-step, Float(steps - i - 1), end))
            }
        }
        let (first, last) = dtype.isFloatingPoint ? (start, end) : (start.rounded(.towardZero), end.rounded(.towardZero))
        let step = (last - first) / Double(steps - 1)
        return (0..<steps).map { i in
            let value = i < halfway ? TorchFloat32Math.multiplyAdd(step, Double(i), first) : TorchFloat32Math.multiplyAdd(-step, Double(steps - i - 1), last)
            return dtype.isFloatingPoint ? value : value.rounded(.towardZero)
        }
    }
}
