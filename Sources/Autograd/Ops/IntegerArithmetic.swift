// int64 arithmetic done exactly. int64 tensors keep their elements as doubles, which hold every
// integer up to 2^53 but not all beyond it, so `+ - * **` on int64 compute in Int64 instead:
// wrapping around as PyTorch's int64 kernels do for tensors, and refusing to overflow between
// Python integers (which PyTorch leaves to Python's unbounded ints until they become a tensor,
// where it raises "Overflow when unpacking long long"). A result that a double cannot hold
// exactly is refused rather than printed wrong.

extension Ops {
    /// An int64 kernel: the exact result of `a op b`, wrapping when `wraps`.
    public enum IntegerArithmetic: Sendable {
        case add, subtract, multiply, power

        /// `scalarExponent`: the exponent is a Python number (PyTorch's pow(Tensor, Scalar)).
        func apply(_ a: Int64, _ b: Int64, wraps: Bool, scalarExponent: Bool) throws -> Int64 {
            let (value, overflow): (Int64, Bool)
            switch self {
            case .add: (value, overflow) = a.addingReportingOverflow(b)
            case .subtract: (value, overflow) = a.subtractingReportingOverflow(b)
            case .multiply: (value, overflow) = a.multipliedReportingOverflow(by: b)
            case .power:
                if b < 0 {
                    // Python makes a float of it; PyTorch refuses a negative Python exponent of an
                    // integer tensor, and its powi gives 1, -1 or 0 for a tensor exponent.
                    if !wraps { throw OpError.value("an integer to a negative power is a float in Python: write \(a).0 ** \(b)") }
                    if scalarExponent { throw OpError.value("Integers to negative integer powers are not allowed.") }
                    return a == 1 ? 1 : a == -1 ? (b % 2 == 0 ? 1 : -1) : 0
                }
                (value, overflow) = IntegerArithmetic.power(a, b)
            }
            if overflow && !wraps { throw OpError.value(Ops.int64Overflow) }
            return value
        }

        /// a^b modulo 2^64 (PyTorch's powi: square and multiply), and whether it overflowed.
        static func power(_ base: Int64, _ exponent: Int64) -> (Int64, Bool) {
            var result: Int64 = 1, a = base, b = exponent, overflow = false, aOverflowed = false
            while b != 0 {
                if b & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: a)
                    result = r
                    overflow = overflow || o || aOverflowed
                }
                b >>= 1
                if b != 0 {
                    let (s, o) = a.multipliedReportingOverflow(by: a)
                    a = s
                    aOverflowed = aOverflowed || o
                }
            }
            return (result, overflow)
        }
    }

    /// PyTorch's error for a Python integer beyond int64.
    static let int64Overflow = "Overflow when unpacking long long"

    /// `value` as a double, or the refusal when a double cannot hold it exactly.
    static func exactDouble(_ value: Int64) throws -> Double {
        let d = Double(value)
        guard d < 0x1p63, Int64(d) == value else {
            throw OpError.value("the int64 result \(value) is beyond what gradcli holds exactly (integers up to 2^53, and beyond that only those a float64 can represent)")
        }
        return d
    }

    /// An int64 binary op, exactly: wrapping for tensors, checked between Python integers.
    static func exactIntegers(_ args: ForwardArgs, _ op: IntegerArithmetic) throws -> Tensor {
        let wraps = !args.variables.allSatisfy(\.isWrappedNumber), scalarExponent = args.variables[1].isWrappedNumber
        var failure: Error?
        let out = try Tensor.zip(args[0], args[1]) { a, b -> Double in
            guard failure == nil else { return 0 }
            do {
                guard let x = Int64(exactly: a), let y = Int64(exactly: b) else { throw OpError.value(int64Overflow) }
                return try exactDouble(try op.apply(x, y, wraps: wraps, scalarExponent: scalarExponent))
            } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        return out
    }

    /// `forward` refusing an int64 result past 2^53 in magnitude: int64 sums, products and
    /// matrix products accumulate in float64, which is exact only that far.
    static func exactInt64(_ forward: @escaping (ForwardArgs) throws -> Tensor) -> (ForwardArgs) throws -> Tensor {
        { args in
            let out = try forward(args)
            if case .int64 = args.dtype, let big = out.data.first(where: { Swift.abs($0) > 0x1p53 }) {
                throw OpError.value("an int64 \(args.spec.name) result beyond 2^53 (about \(big)) is not exact in gradcli, whose int64 sums and products run in float64")
            }
            return out
        }
    }
}
