import Testing
@testable import Autograd

/// `add`, `sub`, `mul` and `div` of floating tensors and Python numbers (the calls
/// `kernelBinaryValue` computes) against IEEE arithmetic in Swift: float32 operands and results
/// as `Float` computes them (a Python number rounded to float32 first, as PyTorch casts it),
/// float64 as `Double` does; with and without a recorded node, and with broadcasting.
@Suite struct KernelBinaryTests {
    static let ops: [(OpSpec, (Float, Float) -> Float, (Double, Double) -> Double)] = [
        (Ops.add, (+), (+)), (Ops.sub, (-), (-)), (Ops.mul, (*), (*)), (Ops.div, (/), (/)),
    ]

    /// Values whose float32 products and quotients need rounding, with zeros, infinities and NaN.
    static let values: [Double] = [0.1, -2.7, 3.3e-5, 1e30, -0.0, .infinity, .nan, 7, 1.0 / 3, -1e-39, 16777217, 0.3]

    static func float32(_ values: [Double], shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: values, dtype: .float64).converted(to: .float32)
    }

    static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// Each op on `a` and `b` (values broadcast by the caller's index maps) in both grad modes.
    func check(_ a: Variable, _ b: Variable, expected: (Int) -> [Double], dtype: DType) throws {
        for (k, (spec, _, _)) in Self.ops.enumerated() {
            for recording in [false, true] {
                let result = try GradMode.with(enabled: recording) { try apply(spec, a, b) }
                #expect(result.dtype == dtype, "\(spec.name)")
                #expect(Self.sameBits(result.value.data, expected(k)), "\(spec.name) recording=\(recording): \(result.value.data) vs \(expected(k))")
                #expect((result.gradFn != nil) == (recording && (a.requiresGrad || b.requiresGrad)))
            }
        }
    }

    @Test func float32TensorsRoundOnceAsFloatDoes() throws {
        let xs = Self.values, ys = Self.values.reversed().map { $0 * 1.7 }
        let a = Variable(Self.float32(xs, shape: [xs.count]), requiresGrad: true)
        let b = Variable(Self.float32(ys, shape: [ys.count]))
        try check(a, b, expected: { k in
            zip(xs, ys).map { Double(Self.ops[k].1(Float($0), Float($1))) }
        }, dtype: .float32)
    }

    @Test func pythonNumbersRoundToFloat32FirstOnEitherSide() throws {
        let xs = Self.values
        let x = Variable(Self.float32(xs, shape: [3, 4]), requiresGrad: true)
        for number in [0.1, 2.0, -1e-50, 3.4e38 * 2] {
            let python = Variable(wrappedNumber: number, dtype: .float64)
            try check(x, python, expected: { k in xs.map { Double(Self.ops[k].1(Float($0), Float(number))) } }, dtype: .float32)
            try check(python, x, expected: { k in xs.map { Double(Self.ops[k].1(Float(number), Float($0))) } }, dtype: .float32)
        }
        let int = Variable(wrappedNumber: 16777217, dtype: .int64)
        try check(x, int, expected: { k in xs.map { Double(Self.ops[k].1(Float($0), Float(16777217))) } }, dtype: .float32)
    }

    @Test func float64KeepsPythonNumbersExact() throws {
        let xs = Self.values
        let x = Variable(Tensor(shape: [xs.count], data: xs), requiresGrad: true)
        let python = Variable(wrappedNumber: 0.1, dtype: .float64)
        try check(x, python, expected: { k in xs.map { Self.ops[k].2($0, 0.1) } }, dtype: .float64)
        try check(python, x, expected: { k in xs.map { Self.ops[k].2(0.1, $0) } }, dtype: .float64)
    }

    @Test func broadcastingRowsAndColumnsAndZeroDimensional() throws {
        let col = [0.1, -3.0, 1e-3], row = [7.0, 0.3, -0.0, 2.5]
        let a = Variable(Self.float32(col, shape: [3, 1]), requiresGrad: true)
        let b = Variable(Self.float32(row, shape: [1, 4]))
        try check(a, b, expected: { k in
            col.flatMap { c in row.map { r in Double(Self.ops[k].1(Float(c), Float(r))) } }
        }, dtype: .float32)
        let scalar = Variable(Self.float32([0.7], shape: []))
        try check(scalar, b, expected: { k in row.map { Double(Self.ops[k].1(Float(0.7), Float($0))) } }, dtype: .float32)
    }

    @Test func mixedDtypesAndMismatchedShapesTakeTheGeneralPath() throws {
        // float32 with a float64 tensor promotes (the general path), and shapes that do not
        // broadcast get PyTorch's error from it.
        let f32 = Variable(Self.float32([0.1, 0.2], shape: [2]))
        let f64 = Variable(Tensor(shape: [2], data: [0.1, 0.2]))
        #expect(try apply(Ops.mul, f32, f64).dtype == .float64)
        #expect(try apply(Ops.mul, f32, f64).value.data == [Double(Float(0.1)) * 0.1, Double(Float(0.2)) * 0.2])
        let three = Variable(Tensor(shape: [3], data: [1, 2, 3]))
        #expect(throws: OpError.self) { try apply(Ops.add, f64, three) }
        #expect(try kernelBinaryValue(Ops.add, f32, f64) == nil)
        #expect(try kernelBinaryValue(Ops.add, f64, three) == nil)
    }
}
