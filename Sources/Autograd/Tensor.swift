import CKernels

/// A dense n-dimensional array in row-major (C) order, of one `DType`, stored as `Double`s.
///
/// `Tensor` is a value type: copies share storage until one of them is mutated.
/// A shape of `[]` is a scalar holding exactly one element. `Tensor` records no
/// gradient history; `Variable` wraps a tensor to take part in autograd.
public struct Tensor: Equatable {
    /// The size of each dimension, outermost first. `[]` for a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `data.count == shape.product`.
    public var data: [Double]
    /// The element type (see `DType` for how each is stored).
    public var dtype: DType

    /// Creates a tensor from a shape, its row-major elements and their dtype.
    ///
    /// - Precondition: `data.count` equals the product of `shape`.
    public init(shape: [Int], data: [Double], dtype: DType) {
        self.init(shape: shape, data: data)
        self.dtype = dtype
    }

    /// Creates a tensor from a shape and its row-major elements.
    ///
    /// - Precondition: `data.count` equals the product of `shape`.
    public init(shape: [Int], data: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(Tensor.count(of: shape) == data.count,
                     "shape \(shape) needs \(Tensor.count(of: shape)) elements, got \(data.count)")
        self.shape = shape
        self.data = data
        self.dtype = .float64
    }

    /// A float64-labelled tensor whose storage a kernel made for `shape`, a shape taken from its
    /// inputs: the checks of `init(shape:data:)` would repeat what the kernel's loop guarantees
    /// (debug builds still assert them).
    @inline(__always)
    init(kernelShape shape: [Int], data: [Double]) {
        assert(Tensor.count(of: shape) == data.count, "shape \(shape) needs \(Tensor.count(of: shape)) elements, got \(data.count)")
        self.shape = shape
        self.data = data
        self.dtype = .float64
    }

    /// `other`'s shape and dtype without its elements: only a graph's stand-in holds one (see
    /// `Variable(standingInFor:edge:version:)`), and nothing reads its elements.
    init(elementsDroppedFrom other: Tensor) {
        self.shape = other.shape
        self.data = []
        self.dtype = other.dtype
    }

    /// A 0-d tensor holding `value`.
    public init(_ value: Double) {
        self.shape = []
        self.data = [value]
        self.dtype = .float64
    }

    /// A 1-d tensor holding `values`.
    public init(_ values: [Double]) {
        self.shape = [values.count]
        self.data = values
        self.dtype = .float64
    }

    /// A tensor of the given shape with every element equal to `value`.
    public init(repeating value: Double, shape: [Int]) {
        self.shape = shape
        self.data = Tensor.storage(repeating: value, count: Tensor.count(of: shape))
        self.dtype = .float64
    }

    /// A tensor of zeros with the given shape.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones with the given shape.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// The number of elements a tensor of `shape` holds (1 for a scalar).
    @inlinable
    public static func count(of shape: [Int]) -> Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }

    /// The most elements one tensor may hold: 2^27, 1 GiB of float64. Every op that makes a
    /// tensor larger than its inputs (factories, broadcasting, expand, reshape, matmul, diag,
    /// cat, stack, Jacobians) checks it first, so an absurd size is an error rather than a
    /// failed allocation.
    public static let maxElementCount = 1 << 27

    /// The most dimensions one tensor may have. Shapes such as `ones(ones(10^6))` (a million
    /// dimensions of size 1) would otherwise pass the element limit, and printing or
    /// broadcasting them costs a frame or an index per dimension. Every op's result is checked.
    public static let maxRank = 64

    /// The element count of `shape`, checked: no negative dimension, and the product of its
    /// nonzero dimensions at most `maxElementCount` (so strides cannot overflow either, even
    /// for an empty tensor), and, unless `reserving` is false (a check that allocates nothing),
    /// its storage within the `MemoryBudget`, which it reserves.
    public static func checkedCount(of shape: [Int], reserving: Bool = true) throws -> Int {
        try checkRank(shape.count)
        var span = 1
        for d in shape {
            guard d >= 0 else { throw OpError.value("negative dimension \(d) in shape \(describe(shape: shape))") }
            let (product, overflow) = span.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !overflow, product <= maxElementCount else {
                throw OpError.limit("a tensor of shape \(describe(shape: shape)) is larger than the limit of \(maxElementCount) elements")
            }
            span = product
        }
        let count = shape.contains(0) ? 0 : span
        if reserving {
            try MemoryBudget.reserve(elements: count)
            try WorkBudget.spend(count)
        }
        return count
    }

    /// Throws the limit error for a rank above `maxRank`.
    public static func checkRank(_ rank: Int) throws {
        guard rank <= maxRank else {
            throw OpError.limit("a tensor with \(rank) dimensions is beyond the limit of \(maxRank) dimensions")
        }
    }

    /// The number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { data.count }

    /// True for a 0-d tensor.
    public var isScalar: Bool { shape.isEmpty }

    /// The single element of a one-element tensor.
    public var scalar: Double? { data.count == 1 ? data[0] : nil }

    /// Row-major strides, in elements, of a tensor of `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = running
            running *= shape[i]
        }
        return strides
    }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data, dtype: dtype)
    }

    /// True when every element is finite (neither NaN nor infinite). Every op's result is
    /// checked (see `AnomalyRecorder`), so the scan runs in C, vectorised.
    public var isFinite: Bool {
        data.withUnsafeBufferPointer { p in p.isEmpty || gk_all_finite(p.count, p.baseAddress!) != 0 }
    }

    /// Applies `f` to every element (labelled float64, as the ops' forwards expect). A plain
    /// loop into fresh storage: `Array.map` grows its result element by element.
    @inline(__always)
    public func map(_ f: (Double) -> Double) -> Tensor {
        let n = data.count
        let out = Tensor.storage(count: n) { buf in
            data.withUnsafeBufferPointer { p in for i in 0..<n { buf[i] = f(p[i]) } }
        }
        return Tensor(kernelShape: shape, data: out)
    }

    /// The multi-index of the element at row-major `offset`.
    public func index(ofOffset offset: Int) -> [Int] { Tensor.index(ofOffset: offset, in: shape) }

    /// The multi-index of the element at row-major `offset` in a tensor of `shape`.
    public static func index(ofOffset offset: Int, in shape: [Int]) -> [Int] {
        var rest = offset
        var index = [Int](repeating: 0, count: shape.count)
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] > 0 {
            index[i] = rest % shape[i]
            rest /= shape[i]
        }
        return index
    }
}

/// Renders a shape as PyTorch does in messages: `[2, 3]`.
public func describe(shape: [Int]) -> String {
    // A plain loop: `joined(separator:)` runs unspecialised here, and its conformance lookups
    // cost a short run more than the rest of its report.
    var text = "["
    for (i, size) in shape.enumerated() {
        if i > 0 { text += ", " }
        text += String(size)
    }
    return text + "]"
}

extension Tensor {
    /// Storage below this many elements is grown from empty: `Array(repeating:count:)` and
    /// `Array(unsafeUninitializedCapacity:)` allocate through an unspecialised entry point of the
    /// standard library that looks the array's type up at run time, several hundred instructions
    /// per tensor, more than a small op's arithmetic. Larger storage skips the extra fill.
    @usableFromInline @inline(__always)
    static var smallStorageLimit: Int { 1024 }

    /// `count` copies of `value`.
    @inline(__always)
    static func storage(repeating value: Double, count n: Int) -> [Double] {
        [Double](filling: value, count: n)
    }

    /// `count` doubles, every one written by `body`.
    @inline(__always)
    static func storage(count n: Int, _ body: (UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        guard n <= smallStorageLimit else {
            return [Double](unsafeUninitializedCapacity: n) { buffer, done in
                body(buffer)
                done = n
            }
        }
        var out = storage(repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { body($0) }
        return out
    }
}

extension Array {
    /// `count` copies of `value`, as `init(repeating:count:)` makes them but grown from empty
    /// below `Tensor.smallStorageLimit` elements (see there): shapes, strides, small buffers.
    @inlinable @inline(__always)
    public init(filling value: Element, count n: Int) {
        guard n <= Tensor.smallStorageLimit else { self.init(repeating: value, count: n); return }
        self.init()
        reserveCapacity(n)
        for _ in 0..<n { append(value) }
    }
}

extension Tensor: CustomStringConvertible {
    /// A plain form for debugging and test reports: `Tensor([2], float64: [15.0, 18.0])`.
    /// PyTorch's layout (`tensor([15., 18.])`) is ExprParser's `formatTorch`, where output is made.
    public var description: String {
        "Tensor(\(describe(shape: shape)), \(dtype.rawValue): \(data.prefix(16).map { "\($0)" }.joined(separator: ", "))\(count > 16 ? ", ..." : ""))"
    }
}
