import CKernels
import Testing
@testable import Autograd

// PyTorch's CPU generator, bit for bit, against PyTorch 2.13's own output recorded in
// RandomTests+Literals.swift by scripts/record_random_literals.py (each literal sits next to
// the snippet that produced it; the script's docstring explains the compact encoding).

@Suite struct RandomTests {
    static let seeds: [UInt64] = [0, 1, 6, 42, 2_147_483_647]
    static let dtypes: [DType] = [.float32, .float64]

    /// The recorded row `name`, as words.
    static func row(_ name: String) -> [Substring] {
        guard let text = RandomLiterals.table[name] else { preconditionFailure("no literal named \(name)") }
        return text.split(separator: " ")
    }

    /// The recorded bit patterns of row `name`.
    static func bitPatterns(_ name: String) -> [UInt64] { row(name).map { UInt64($0, radix: 16)! } }

    /// The bit patterns of `values` in `dtype`, checking that float32 values are held exactly.
    static func bitPatterns(_ values: [Double], _ dtype: DType) -> [UInt64] {
        values.map { value in
            guard dtype == .float32 else { return value.bitPattern }
            #expect(Double(Float(value)) == value, "a float32 value must be exactly representable")
            return UInt64(Float(value).bitPattern)
        }
    }

    static func draw(_ name: String, seed: UInt64, dtype: DType, count: Int) throws -> [Double] {
        manualSeed(seed)
        let v = name == "rand" ? try Variable.rand([count], dtype: dtype) : try Variable.randn([count], dtype: dtype)
        #expect(v.value.dtype == dtype && v.shape == [count])
        return v.value.data
    }

    @Test(arguments: seeds, dtypes)
    func randMatchesTorchForSizesUpTo40(seed: UInt64, dtype: DType) throws {
        let expected = Self.bitPatterns("rand/\(seed)/\(dtype.rawValue)")
        for n in 1...40 {
            let got = Self.bitPatterns(try Self.draw("rand", seed: seed, dtype: dtype, count: n), dtype)
            #expect(got == Array(expected.prefix(n)), "rand(\(n)) seed \(seed) \(dtype)")
        }
    }

    @Test(arguments: seeds, dtypes)
    func randnMatchesTorchForSizesUpTo40(seed: UInt64, dtype: DType) throws {
        let scalarPath = Self.bitPatterns("randn/\(seed)/\(dtype.rawValue)/15")
        for n in 1...40 {
            let expected = n < 16 ? Array(scalarPath.prefix(n)) : Self.bitPatterns("randn/\(seed)/\(dtype.rawValue)/\(n)")
            let got = Self.bitPatterns(try Self.draw("randn", seed: seed, dtype: dtype, count: n), dtype)
            #expect(got == expected, "randn(\(n)) seed \(seed) \(dtype)")
        }
    }

    @Test(arguments: seeds, dtypes)
    func largeDrawsMatchTorch(seed: UInt64, dtype: DType) throws {
        for name in ["rand", "randn"] {
            for n in [100, 1000] {
                let key = "\(name)/\(seed)/\(dtype.rawValue)/\(n)"
                let got = Self.bitPatterns(try Self.draw(name, seed: seed, dtype: dtype, count: n), dtype)
                #expect(Array(got.prefix(8) + got.suffix(8)) == Self.bitPatterns(key + "/ends"), "\(key) ends")
                // The exact sum of the bit patterns, as a decimal string (it exceeds 64 bits).
                var sum: (high: UInt64, low: UInt64) = (0, 0)
                var weighted: UInt64 = 0
                for (i, bits) in got.enumerated() {
                    let (low, carry) = sum.low.addingReportingOverflow(bits)
                    sum = (sum.high + (carry ? 1 : 0), low)
                    weighted &+= UInt64(i + 1) &* bits
                }
                #expect(Self.decimal(sum) == String(Self.row(key + "/sum")[0]), "\(key) sum")
                #expect(String(weighted) == String(Self.row(key + "/wsum")[0]), "\(key) weighted sum")
            }
        }
    }

    /// A 128-bit unsigned number in decimal.
    static func decimal(_ value: (high: UInt64, low: UInt64)) -> String {
        var (high, low) = value
        var digits: [Character] = []
        repeat {
            // Divide the 128-bit number by 10, a 64-bit half at a time.
            let (q1, r1) = high.quotientAndRemainder(dividingBy: 10)
            let (q0, r0) = UInt64(10).dividingFullWidth((high: r1, low: low))
            high = q1; low = q0
            digits.append(Character(String(r0)))
        } while high != 0 || low != 0
        return String(digits.reversed())
    }

    static func integers(_ name: String) -> [Double] { row(name).map { Double($0)! } }

    @Test(arguments: seeds)
    func portableAndAVX2KernelsGiveTorchsBlocks(seed: UInt64) throws {
        // randn(32) in float32 is the Box-Muller of rand(32)'s uniforms, block by block: both
        // kernels must turn PyTorch's recorded uniforms into PyTorch's recorded normals.
        let uniforms = Self.bitPatterns("rand/\(seed)/float32").prefix(32).map { Float(bitPattern: UInt32($0)) }
        let expected = Self.bitPatterns("randn/\(seed)/float32/32")
        var portable = Array(uniforms)
        portable.withUnsafeMutableBufferPointer { AVXMathFun.boxMuller16($0.baseAddress!, 0, 1); AVXMathFun.boxMuller16($0.baseAddress! + 16, 0, 1) }
        #expect(portable.map { UInt64($0.bitPattern) } == expected)
        guard TorchGenerator.hasAVX2 else { return }
        var native = Array(uniforms)
        native.withUnsafeMutableBufferPointer { grad_box_muller16_avx2($0.baseAddress!, 0, 1); grad_box_muller16_avx2($0.baseAddress! + 16, 0, 1) }
        #expect(native.map { UInt64($0.bitPattern) } == expected)
    }

    @Test func portableKernelAgreesWithTheAVX2OneEverywhere() throws {
        // Beyond the recorded blocks: every one of 2^16 uniforms (i * 2^-16) as u1 and as u2,
        // with a mean and std that exercise the final fma.
        guard TorchGenerator.hasAVX2 else { return }
        for offset in stride(from: 0, to: 1 << 16, by: 8) {
            var block = [Float](repeating: 0, count: 16)
            for j in 0..<8 {
                block[j] = Float(offset + j) * 0x1p-16
                block[j + 8] = Float((offset + j) ^ 0x5A5A) * 0x1p-16
            }
            var portable = block, native = block
            portable.withUnsafeMutableBufferPointer { AVXMathFun.boxMuller16($0.baseAddress!, -1.5, 2.5) }
            native.withUnsafeMutableBufferPointer { grad_box_muller16_avx2($0.baseAddress!, -1.5, 2.5) }
            #expect(portable.map(\.bitPattern) == native.map(\.bitPattern), "block at \(offset)")
            if portable.map(\.bitPattern) != native.map(\.bitPattern) { return }
        }
    }

    @Test(arguments: seeds)
    func randintAndRandpermMatchTorch(seed: UInt64) throws {
        let cases: [(String, Int, Int, [Int])] = [("randint", -5, 7, [40]), ("randint-wide", -3, 1 << 40, [12]), ("randint-2^28", 0, 1 << 28, [6])]
        for (name, low, high, size) in cases {
            manualSeed(seed)
            let v = try Autograd.apply(Ops.randint, [], Attrs(["low": .int(low), "high": .ints([high]), "size": .ints(size)]))
            #expect(v.value.dtype == .int64)
            #expect(v.value.data == Self.integers("\(name)/\(seed)"), "\(name) seed \(seed)")
        }
        manualSeed(seed)
        let perm = try Autograd.apply(Ops.randperm, [], Attrs(["n": .int(30)]))
        #expect(perm.value.dtype == .int64 && perm.value.data == Self.integers("randperm/\(seed)"))
        manualSeed(seed)
        let big = try Autograd.apply(Ops.randperm, [], Attrs(["n": .int(1000)])).value.data
        #expect(Array(big.prefix(8) + big.suffix(8)) == Self.integers("randperm1000/\(seed)/ends"))
        var weighted = 0
        for (i, value) in big.enumerated() { weighted += (i + 1) * Int(value) }
        #expect(String(weighted) == String(Self.row("randperm1000/\(seed)/wsum")[0]))
    }

    @Test func randintWithOneBoundIsHighAndTheSizeComesSecond() throws {
        // torch.randint(7, (40,)) is torch.randint(0, 7, (40,)); both draw the same stream.
        manualSeed(1)
        let short = try Autograd.apply(Ops.randint, [], Attrs(["low": .int(7), "high": .ints([40])])).value
        manualSeed(1)
        let long = try Autograd.apply(Ops.randint, [], Attrs(["low": .int(0), "high": .ints([7]), "size": .ints([40])])).value
        #expect(short == long && short.shape == [40])
    }

    @Test(arguments: dtypes)
    func cachedNormalCarriesAcrossCalls(dtype: DType) throws {
        // randn(5, 3) is 15 scalar draws: the 16th sample, cached, starts the next randn(3).
        manualSeed(0)
        let a = try Variable.randn([5, 3], dtype: dtype).value.data
        let b = try Variable.randn([3], dtype: dtype).value.data
        #expect(Self.bitPatterns(a + b, dtype) == Self.bitPatterns("cached/\(dtype.rawValue)"))
        // Seeding again forgets the cached sample, as torch.manual_seed does.
        manualSeed(0)
        _ = try Variable.randn([5, 3], dtype: dtype)
        manualSeed(0)
        #expect(Self.bitPatterns(try Variable.randn([3], dtype: dtype).value.data, dtype)
                == Array(Self.bitPatterns("randn/0/\(dtype.rawValue)/15").prefix(3)))
    }

    @Test(arguments: dtypes, [7, 37])
    func normalUniformAndNormalInPlaceMatchTorch(dtype: DType, count: Int) throws {
        let key = "\(dtype.rawValue)/\(count)"
        manualSeed(3)
        let numbers = [Variable(wrappedNumber: 0.5, dtype: .float64), Variable(wrappedNumber: 0.3, dtype: .float64)]
        let normal = try Autograd.apply(Ops.normal, numbers, Attrs(["size": .ints([count]), "dtype": .string(dtype.rawValue)]))
        #expect(Self.bitPatterns(normal.value.data, dtype) == Self.bitPatterns("normal/" + key))
        // uniform_ and normal_, the in-place draws script mode and nn.Linear's init use.
        manualSeed(3)
        let uniform = TorchGenerator.current.fillUniform(count: count, dtype: dtype, from: -0.3, to: 0.7)
        #expect(Self.bitPatterns(uniform, dtype) == Self.bitPatterns("uniform/" + key))
        manualSeed(3)
        let inPlace = TorchGenerator.current.fillNormal(count: count, dtype: dtype, mean: -1.5, std: 2.5)
        #expect(Self.bitPatterns(inPlace, dtype) == Self.bitPatterns("normal_/" + key))
    }

    @Test(arguments: dtypes)
    func bernoulliMatchesTorch(dtype: DType) throws {
        let p = Variable(Tensor(shape: [40], data: [Double](repeating: dtype == .float32 ? Double(Float(0.37)) : 0.37, count: 40), dtype: dtype))
        manualSeed(5)
        let fromTensor = try Autograd.apply(Ops.bernoulli, [p])
        #expect(fromTensor.value.dtype == dtype)
        #expect(fromTensor.value.data == Self.floatRow("bernoulli/\(dtype.rawValue)", dtype))
        manualSeed(5)
        let zeros = Variable(Tensor(shape: [40], data: [Double](repeating: 0, count: 40), dtype: dtype))
        let fromScalar = try Autograd.apply(Ops.bernoulli, [zeros], Attrs(["p": .double(0.37)]))
        #expect(fromScalar.value.data == Self.floatRow("bernoulli-p/\(dtype.rawValue)", dtype))
    }

    /// A recorded row of float values, decoded from its bit patterns.
    static func floatRow(_ name: String, _ dtype: DType) -> [Double] {
        bitPatterns(name).map { dtype == .float32 ? Double(Float(bitPattern: UInt32($0))) : Double(bitPattern: $0) }
    }

    @Test func likeFactoriesFollowTheInputsDType() throws {
        let input = Variable(Tensor(shape: [2, 2], data: [1, 2, 3, 4], dtype: .float32))
        manualSeed(0)
        let r = try Autograd.apply(Ops.randLike, [input]).value
        #expect(r.dtype == .float32 && r.shape == [2, 2])
        #expect(Self.bitPatterns(r.data, .float32) == Array(Self.bitPatterns("rand/0/float32").prefix(4)))
        manualSeed(0)
        let n = try Autograd.apply(Ops.randnLike, [input], Attrs(["dtype": .string("float64")])).value
        #expect(n.dtype == .float64 && Self.bitPatterns(n.data, .float64) == Array(Self.bitPatterns("randn/0/float64/15").prefix(4)))
    }

    @Test func defaultDTypeDecidesWhenNoneIsGiven() throws {
        try DefaultDType.with(.float32) {
            manualSeed(42)
            let v = try Variable.rand([3]).value
            #expect(v.dtype == .float32)
            #expect(Self.bitPatterns(v.data, .float32) == Array(Self.bitPatterns("rand/42/float32").prefix(3)))
        }
    }

    @Test func seedsFollowTorchManualSeed() {
        // torch.manual_seed(-1).initial_seed() == 2**64 - 1; 2**64 and -2**63 - 1 overflow.
        #expect(TorchGenerator.seed(fromInteger: "-1") == .success(UInt64.max))
        #expect(TorchGenerator.seed(fromInteger: "18446744073709551615") == .success(UInt64.max))
        #expect(TorchGenerator.seed(fromInteger: "-9223372036854775808") == .success(1 << 63))
        let overflow = SeedError(message: "Overflow when unpacking long long")
        #expect(TorchGenerator.seed(fromInteger: "18446744073709551616") == .failure(overflow))
        #expect(TorchGenerator.seed(fromInteger: "-9223372036854775809") == .failure(overflow))
        #expect(TorchGenerator.seed(fromInteger: "1.5") == nil)
        // The engine uses the low 32 bits: seed 2**32 + 6 draws seed 6's stream.
        manualSeed((1 << 32) + 6)
        let wrapped = TorchGenerator.current.fillUniform(count: 40, dtype: .float32)
        #expect(Self.bitPatterns(wrapped, .float32) == Self.bitPatterns("rand/6/float32"))
        #expect(TorchGenerator.current.initialSeed == (1 << 32) + 6)
    }

    @Test func badInputGetsPyTorchsErrors() {
        func randint(_ low: Int, _ high: Int, _ size: [Int], dtype: String? = nil) throws -> Variable {
            try Autograd.apply(Ops.randint, [], Attrs(["low": .int(low), "high": .ints([high]), "size": .ints(size),
                                                       "dtype": dtype.map(AttrValue.string) ?? .none]))
        }
        #expect(throws: OpError.value("random_ expects 'from' to be less than 'to', but got from=5 >= to=5")) { try randint(5, 5, [3]) }
        #expect(throws: OpError.value("random_ expects 'from' to be less than 'to', but got from=6 >= to=5")) { try randint(6, 5, [3]) }
        #expect(throws: OpError.value("Trying to create tensor with negative dimension -1: [-1]")) { try randint(0, 5, [-1]) }
        #expect(throws: OpError.value("to - 1 is out of bounds for bool")) { try randint(0, 10, [3], dtype: "bool") }
        #expect(throws: OpError.value("Trying to create tensor with negative dimension -3: [2, -3]")) { try Variable.randn([2, -3]) }
        #expect(throws: OpError.value("\"check_uniform_bounds\" not implemented for 'Long'")) { try Variable.rand([3], dtype: .int64) }
        #expect(throws: OpError.value("\"normal_kernel_cpu\" not implemented for 'Long'")) { try Variable.randn([3], dtype: .int64) }
        #expect(throws: OpError.value("Trying to create tensor with negative dimension -1: [-1]")) {
            try Autograd.apply(Ops.randperm, [], Attrs(["n": .int(-1)]))
        }
        #expect(throws: OpError.value("normal expects std >= 0.0, but found std -1")) {
            try Autograd.apply(Ops.normal, [Variable(wrappedNumber: 0, dtype: .float64), Variable(wrappedNumber: -1, dtype: .float64)],
                               Attrs(["size": .ints([3])]))
        }
        // torch.empty(3).uniform_(1, 0) and torch.empty(3).normal_(0, -1)
        #expect(throws: OpError.value("uniform_ expects to return a [from, to) range, but found from=1 > to=0")) {
            try TorchGenerator.checkUniformRange(from: 1, to: 0)
        }
        #expect(throws: OpError.value("normal expects std >= 0.0, but found std -1")) { try TorchGenerator.checkNormalStd(-1) }
        #expect(throws: OpError.value("bernoulli_ expects p to be in [0, 1], but got p=1.5")) {
            try Autograd.apply(Ops.bernoulli, [Variable(Tensor([0.2, 0.3]))], Attrs(["p": .double(1.5)]))
        }
        #expect(throws: OpError.value("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")) {
            try Autograd.apply(Ops.bernoulli, [Variable(Tensor([0.5, 1.5]))])
        }
    }
}
