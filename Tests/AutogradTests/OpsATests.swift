import Testing
@testable import Autograd

// Values, gradients and second derivatives of the elementwise, softmax, loss, factory and
// detach entries, against numbers printed by PyTorch 2.13 in float64 (the torch expression
// is given with each), and the conventions at kinks from reference/pytorch-autograd.md.

/// One unary op at one point: value, first and second derivative and grad_fn, from PyTorch:
/// `y = f(x); g, = grad(y, x, create_graph=True); gg, = grad(g, x)`.
struct UnaryCase: Sendable, CustomTestStringConvertible {
    let op: String, x: Double, value: Double, grad: Double, second: Double, gradFn: String
    init(_ op: String, _ x: Double, _ value: Double, _ grad: Double, _ second: Double, _ gradFn: String) {
        (self.op, self.x, self.value, self.grad, self.second, self.gradFn) = (op, x, value, grad, second, gradFn)
    }
    var testDescription: String { "\(op)(\(x))" }
}

/// True when `a` is within `tol` of `b`, relative to |b| once |b| > 1; equal infinities match.
func approxEqual(_ a: Double, _ b: Double, tol: Double = 1e-12) -> Bool {
    a == b || Swift.abs(a - b) <= tol * Swift.max(1, Swift.abs(b))
}

/// True when `t` holds `expected` elementwise (row-major), within `tol`.
func approxEqual(_ t: Tensor?, _ expected: [Double], tol: Double = 1e-12) -> Bool {
    guard let t, t.count == expected.count else { return false }
    return zip(t.data, expected).allSatisfy { approxEqual($0, $1, tol: tol) }
}

/// The gradient of `output` (seeded with `seed`) with respect to each of `inputs`.
func gradientValues(_ output: Variable, _ inputs: [Variable], seed: Variable? = nil) throws -> [Tensor?] {
    try Autograd.grad(outputs: [output], inputs: inputs, gradOutputs: [seed], allowUnused: true).map { $0?.value }
}

/// A matrix variable from its rows.
func matrixVariable(_ rows: [[Double]], requiresGrad: Bool = false) -> Variable {
    Variable(Tensor(shape: [rows.count, rows[0].count], data: rows.flatMap { $0 }), requiresGrad: requiresGrad)
}

@Suite struct OpsATests {
    static let unaryCases: [UnaryCase] = [
        UnaryCase("abs", -0.7, 0.7, -1.0, 0.0, "AbsBackward0"),
        UnaryCase("sign", -0.7, -1.0, 0.0, 0.0, "SignBackward0"),
        UnaryCase("exp", 0.7, 2.0137527074704766, 2.0137527074704766, 2.0137527074704766, "ExpBackward0"),
        UnaryCase("exp2", 0.7, 1.624504792712471, 1.1260209168747677, 0.7804982237832697, "Exp2Backward0"),
        UnaryCase("expm1", 0.7, 1.0137527074704764, 2.013752707470476, 2.013752707470476, "Expm1Backward0"),
        UnaryCase("log", 0.7, -0.35667494393873245, 1.4285714285714286, -2.0408163265306123, "LogBackward0"),
        UnaryCase("log2", 0.7, -0.5145731728297583, 2.060992915555662, -2.944275593650946, "Log2Backward0"),
        UnaryCase("log10", 0.7, -0.1549019599857432, 0.620420688433217, -0.8863152691903099, "Log10Backward0"),
        UnaryCase("log1p", 0.7, 0.5306282510621704, 0.5882352941176471, -0.34602076124567477, "Log1PBackward0"),
        UnaryCase("sqrt", 0.7, 0.8366600265340756, 0.5976143046671968, -0.4268673604765691, "SqrtBackward0"),
        UnaryCase("rsqrt", 0.7, 1.1952286093343936, -0.8537347209531382, 1.8294315448995815, "RsqrtBackward0"),
        UnaryCase("square", -0.7, 0.48999999999999994, -1.4, 2.0, "PowBackward0"),
        UnaryCase("reciprocal", -0.7, -1.4285714285714286, -2.0408163265306123, -5.830903790087464, "ReciprocalBackward0"),
        UnaryCase("sin", 0.7, 0.644217687237691, 0.7648421872844885, -0.644217687237691, "SinBackward0"),
        UnaryCase("cos", 0.7, 0.7648421872844885, -0.644217687237691, -0.7648421872844885, "CosBackward0"),
        UnaryCase("tan", 0.7, 0.8422883804630794, 1.7094497158631172, 2.8796992653148323, "TanBackward0"),
        UnaryCase("asin", 0.7, 0.775397496610753, 1.4002800840280099, 1.921953056509033, "AsinBackward0"),
        UnaryCase("acos", 0.7, 0.7953988301841436, -1.4002800840280099, -1.921953056509033, "AcosBackward0"),
        UnaryCase("atan", 0.7, 0.6107259643892086, 0.6711409395973155, -0.6306022251249943, "AtanBackward0"),
        UnaryCase("sinh", 0.7, 0.7585837018395334, 1.255169005630943, 0.7585837018395334, "SinhBackward0"),
        UnaryCase("cosh", 0.7, 1.255169005630943, 0.7585837018395334, 1.255169005630943, "CoshBackward0"),
        UnaryCase("tanh", 0.7, 0.6043677771171635, 0.6347395899824586, -0.7672323100919166, "TanhBackward0"),
        UnaryCase("asinh", 0.7, 0.6526665660823557, 0.8192319205190405, -0.3848740566196835, "AsinhBackward0"),
        UnaryCase("acosh", 1.7, 1.123230982587296, 0.7273929674533081, -0.6542688067040339, "AcoshBackward0"),
        UnaryCase("atanh", 0.7, 0.8673005276940531, 1.9607843137254901, 5.382545174932718, "AtanhBackward0"),
        UnaryCase("sigmoid", -0.7, 0.3318122278318339, 0.22171287329310907, 0.07457878844034181, "SigmoidBackward0"),
        UnaryCase("logsigmoid", -0.7, -1.103186048885458, 0.668187772168166, -0.22171287329310907, "LogSigmoidBackward0"),
        UnaryCase("relu", 0.7, 0.7, 1.0, 0.0, "ReluBackward0"),
        UnaryCase("leaky_relu", -0.7, -0.006999999999999999, 0.01, 0.0, "LeakyReluBackward0"),
        UnaryCase("elu", -0.7, -0.5034146962085905, 0.4965853037914095, 0.4965853037914095, "EluBackward0"),
        UnaryCase("gelu", -0.7, -0.1693745565561511, 0.023385898866340155, 0.47150343938380956, "GeluBackward0"),
        UnaryCase("gelu", 1.3, 1.1741593700387067, 1.1259786850765392, 0.05312426353482025, "GeluBackward0"),
        UnaryCase("silu", -0.7, -0.2322685594822837, 0.1766132165266576, 0.3912205946779789, "SiluBackward0"),
        UnaryCase("softplus", -0.7, 0.4031860488854579, 0.33181222783183395, 0.22171287329310907, "SoftplusBackward0"),
        UnaryCase("erf", 0.7, 0.6778011938374184, 0.6912748604105386, -0.967784804574754, "ErfBackward0"),
        UnaryCase("floor", -0.7, -1.0, 0.0, 0.0, "FloorBackward0"),
        UnaryCase("ceil", -0.7, -0.0, 0.0, 0.0, "CeilBackward0"),
        UnaryCase("round", 2.5, 2.0, 0.0, 0.0, "RoundBackward0"),
        UnaryCase("trunc", -1.7, -1.0, 0.0, 0.0, "TruncBackward0"),
    ]

    @Test(arguments: unaryCases)
    func unaryMatchesPyTorch(_ c: UnaryCase) throws {
        let spec = try #require(Registry.lookup(c.op))
        let x = Variable(c.x, requiresGrad: true)
        let y = try apply(spec, [x])
        #expect(approxEqual(y.value.data[0], c.value))
        #expect(y.gradFn?.name == c.gradFn)
        let g = try #require(try Autograd.grad(outputs: [y], inputs: [x], createGraph: true)[0])
        #expect(approxEqual(g.value.data[0], c.grad))
        // A gradient built only from constants (a step function's zeros, relu's mask) has no
        // graph: its derivative is 0, as PyTorch reports by refusing to differentiate it.
        let second = g.requiresGrad ? try gradientValues(g, [x])[0]?.data[0] ?? 0 : 0
        #expect(approxEqual(second, c.second, tol: 1e-10))
    }

    @Test func aliasesReachTheSameEntries() throws {
        for (alias, name) in [("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"), ("arcsinh", "asinh"),
                              ("arccosh", "acosh"), ("arctanh", "atanh"), ("absolute", "abs"), ("clip", "clamp"),
                              ("arctan2", "atan2")] {
            #expect(Registry.lookup(alias)?.name == name)
        }
    }

    // Conventions at kinks (reference/pytorch-autograd.md).

    @Test func absAndReluHaveZeroGradientAtZero() throws {
        let x = Variable([0, 0], requiresGrad: true)
        #expect(try gradientValues(x.abs().sum(), [x])[0] == Tensor([0, 0]))
        #expect(try gradientValues(x.relu().sum(), [x])[0] == Tensor([0, 0]))
    }

    @Test func stepFunctionsRecordANodeThatGivesZeros() throws {
        let x = Variable([-1.5, 0, 0.5, 2], requiresGrad: true)
        for (op, name) in [("sign", "SignBackward0"), ("floor", "FloorBackward0"), ("ceil", "CeilBackward0"),
                           ("round", "RoundBackward0"), ("trunc", "TruncBackward0")] {
            let y = try apply(#require(Registry.lookup(op)), [x])
            #expect(y.requiresGrad && y.gradFn?.name == name)
            #expect(try gradientValues(y, [x], seed: Variable([1, 1, 1, 1]))[0] == Tensor([0, 0, 0, 0]))
        }
    }

    @Test func roundingFollowsPyTorch() throws {
        // torch.round([0.5, 1.5, 2.5, -0.5, -1.7]) rounds halves to even.
        #expect(try Variable([0.5, 1.5, 2.5, -0.5, -1.7]).round().value == Tensor([0, 2, 2, -0.0, -2]))
        // torch.sign(nan) is 0 on CPU.
        #expect(try Variable([.nan, -3, 0, 2]).sign().value == Tensor([0, -1, 0, 1]))
    }

    @Test func sqrtGradientAtZeroIsPlusInfinity() throws {
        let x = Variable([0], requiresGrad: true)
        #expect(try gradientValues(x.sqrt().sum(), [x])[0] == Tensor([.infinity]))
    }

    @Test func leakyReluAndEluAtZeroTakeTheLeftSlope() throws {
        // F.leaky_relu(0., 0.01) has gradient 0.01; F.elu(0., alpha=2) has gradient 2.
        let x = Variable(0.0, requiresGrad: true)
        #expect(try gradientValues(x.leakyRelu(), [x])[0] == Tensor(0.01))
        #expect(try gradientValues(x.elu(alpha: 2), [x])[0] == Tensor(2))
    }

    @Test func activationsWithAttributes() throws {
        // (value, grad, second) of F.leaky_relu(x, 0.2), F.elu(x, 2.0), F.gelu(x, approximate='tanh'),
        // F.softplus(x, beta=2, threshold=1) on both sides of the threshold.
        let cases: [(Double, (Variable) throws -> Variable, Double, Double, Double)] = [
            (-0.7, { try $0.leakyRelu(negativeSlope: 0.2) }, -0.13999999999999999, 0.2, 0.0),
            (-0.7, { try $0.elu(alpha: 2) }, -1.006829392417181, 0.993170607582819, 0.993170607582819),
            (-0.7, { try $0.gelu(approximate: "tanh") }, -0.16942986529488321, 0.023642781343896052, 0.4708629268446337),
            (1.3, { try $0.gelu(approximate: "tanh") }, 1.1739290123173094, 1.1258780697840167, 0.054581537701671),
            (0.3, { try $0.softplus(beta: 2, threshold: 1) }, 0.5187439752429428, 0.6456563062257954, 0.45756848091331465),
            (0.6, { try $0.softplus(beta: 2, threshold: 1) }, 0.6, 1.0, 0.0),
        ]
        for (x0, f, value, grad, second) in cases {
            let x = Variable(x0, requiresGrad: true)
            let y = try f(x)
            let g = try #require(try Autograd.grad(outputs: [y], inputs: [x], createGraph: true)[0])
            #expect(approxEqual(y.value.data[0], value) && approxEqual(g.value.data[0], grad))
            let gg = g.requiresGrad ? try gradientValues(g, [x])[0]?.data[0] ?? 0 : 0
            #expect(approxEqual(gg, second, tol: 1e-10))
        }
        #expect(throws: OpError.value("approximate argument must be either none or tanh.")) {
            try Variable(1.0).gelu(approximate: "fast")
        }
    }

    @Test func stableActivationsAtLargeInputs() throws {
        let x = Variable([-800, 800])
        #expect(try x.sigmoid().value == Tensor([0, 1]))
        #expect(try x.logsigmoid().value == Tensor([-800, 0]))
        #expect(try x.softplus().value == Tensor([0, 800]))
        let big = Variable([800.0], requiresGrad: true)
        #expect(try gradientValues(big.elu().sum(), [big])[0] == Tensor([1]))
    }

    @Test func atan2GradientsBothInputs() throws {
        // y, x = [0.3, -1.2], [0.8, 0.5]; torch.atan2(y, x).backward(torch.tensor([1., 2.]))
        let y = Variable([0.3, -1.2], requiresGrad: true), x = Variable([0.8, 0.5], requiresGrad: true)
        let out = try y.atan2(x)
        #expect(out.gradFn?.name == "Atan2Backward0")
        #expect(approxEqual(out.value, [0.3587706702705722, -1.176005207095135]))
        let g = try gradientValues(out, [y, x], seed: Variable([1, 2]))
        #expect(approxEqual(g[0], [1.095890410958904, 0.591715976331361]))
        #expect(approxEqual(g[1], [-0.410958904109589, 1.4201183431952662]))
    }

    @Test func maximumAndMinimumSplitTiesAndFoldBroadcasts() throws {
        // a = [[1,2,3],[4,0,6]], b = [2,2,5]; torch.maximum(a, b).backward(torch.ones(2, 3))
        let a = matrixVariable([[1, 2, 3], [4, 0, 6]], requiresGrad: true), b = Variable([2, 2, 5], requiresGrad: true)
        let mx = try a.maximum(b)
        #expect(mx.gradFn?.name == "MaximumBackward0")
        #expect(mx.value.data == [2, 2, 5, 4, 2, 6])
        var g = try gradientValues(mx, [a, b], seed: Variable(Tensor.ones([2, 3])))
        #expect(g[0]?.data == [0, 0.5, 0, 1, 0, 1] && g[1] == Tensor([1, 1.5, 1]))
        let mn = try a.minimum(b)
        #expect(mn.gradFn?.name == "MinimumBackward0")
        #expect(mn.value.data == [1, 2, 3, 2, 0, 5])
        g = try gradientValues(mn, [a, b], seed: Variable(Tensor.ones([2, 3])))
        #expect(g[0]?.data == [1, 0.5, 1, 0, 1, 0] && g[1] == Tensor([1, 0.5, 1]))
        #expect(try Variable([.nan]).maximum(Variable([1])).value.data[0].isNaN)
    }

    @Test func clampPassesTheGradientAtItsBounds() throws {
        // torch.clamp(x, -1, 1).sum().backward() with x = [-2, -1, 0, 1, 2]
        let x = Variable([-2, -1, 0, 1, 2], requiresGrad: true)
        let out = try x.clamp(min: -1, max: 1)
        #expect(out.gradFn?.name == "ClampBackward1")
        #expect(out.value == Tensor([-1, -1, 0, 1, 1]))
        #expect(try gradientValues(out.sum(), [x])[0] == Tensor([0, 1, 1, 1, 0]))
        // torch.clamp(x, min=0)
        #expect(try gradientValues(x.clamp(min: 0).sum(), [x])[0] == Tensor([0, 0, 1, 1, 1]))
        // torch.clamp(x, 1, -1): min > max gives max everywhere and no gradient.
        let swapped = try x.clamp(min: 1, max: -1)
        #expect(swapped.value == Tensor([-1, -1, -1, -1, -1]))
        #expect(try gradientValues(swapped.sum(), [x])[0] == Tensor([0, 0, 0, 0, 0]))
        #expect(throws: OpError.value("torch.clamp: At least one of 'min' or 'max' must not be None")) {
            try x.clamp()
        }
    }

    @Test func clampWithTensorBoundsRoutesTheGradientLikePyTorch() throws {
        // torch.clamp(x, lo, hi).backward([[1, 2, 3], [4, 5, 6]]): x at a bound keeps the gradient;
        // a bound gets it where it is the value chosen.
        var x = matrixVariable([[-2, -0.5, 0], [0.5, 1, 3]], requiresGrad: true)
        var lo = Variable([-1, -0.5, 0.5], requiresGrad: true), hi = matrixVariable([[1], [0.5]], requiresGrad: true)
        let out = try x.clamp(min: lo, max: hi)
        #expect(out.gradFn?.name == "ClampBackward0")
        #expect(out.value.data == [-1, -0.5, 0.5, 0.5, 0.5, 0.5])
        var g = try gradientValues(out, [x, lo, hi], seed: matrixVariable([[1, 2, 3], [4, 5, 6]]))
        #expect(g[0]?.data == [0, 2, 0, 4, 0, 0] && g[1]?.data == [1, 0, 3] && g[2]?.data == [0, 11])
        // One bound: torch.clamp(x, lo).sum() and torch.clamp(x, None, hi).sum()
        g = try gradientValues(x.clamp(min: lo, max: nil).sum(), [x, lo])
        #expect(g[0]?.data == [0, 1, 0, 1, 1, 1] && g[1]?.data == [1, 0, 1])
        g = try gradientValues(x.clamp(min: nil, max: hi).sum(), [x, hi])
        #expect(g[0]?.data == [1, 1, 1, 1, 0, 0] && g[1]?.data == [0, 2])
        // min > max: the output is max, and only max gets a gradient (not where min == max).
        x = Variable([0, 2, -3], requiresGrad: true)
        lo = Variable([1, 1, 1], requiresGrad: true)
        hi = Variable([0, 0, 1], requiresGrad: true)
        let swapped = try x.clamp(min: lo, max: hi)
        #expect(swapped.value.data == [0, 0, 1])
        g = try gradientValues(swapped.sum(), [x, lo, hi])
        #expect(g[0]?.data == [0, 0, 0] && g[1]?.data == [0, 0, 0] && g[2]?.data == [1, 1, 0])
        // x == min == max: all of it to x. NaN in x or a bound gives NaN and no gradient there.
        let one = Variable([1], requiresGrad: true), l1 = Variable([1], requiresGrad: true), h1 = Variable([1], requiresGrad: true)
        g = try gradientValues(one.clamp(min: l1, max: h1).sum(), [one, l1, h1])
        #expect(g[0]?.data == [1] && g[1]?.data == [0] && g[2]?.data == [0])
        let xn = Variable([.nan, 0], requiresGrad: true), ln = Variable([.nan, 0], requiresGrad: true)
        let clampedNaN = try xn.clamp(min: ln, max: nil)
        #expect(clampedNaN.value.data[0].isNaN && clampedNaN.value.data[1] == 0)
        g = try gradientValues(clampedNaN.sum(), [xn, ln])
        #expect(g[0]?.data == [0, 1] && g[1]?.data == [0, 0])
        // A min of +inf without a max: torch.clamp(x, lo).sum() gives lo the gradient where x < lo.
        let lInf = Variable([.infinity, -.infinity], requiresGrad: true)
        g = try gradientValues(xn.clamp(min: lInf, max: nil).sum(), [lInf])
        #expect(g[0]?.data == [0, 0])  // NaN < inf is false
        g = try gradientValues(Variable([2, 2]).clamp(min: lInf, max: nil).sum(), [lInf])
        #expect(g[0]?.data == [1, 0])
        // A 0-d tensor bound is still a tensor to PyTorch (x.clamp(min=torch.tensor(0.5)));
        // a number is the Scalar overload.
        #expect(try x.clamp(min: Variable(0.5), max: nil).gradFn?.name == "ClampBackward0")
        #expect(try x.clamp(min: 0.5).gradFn?.name == "ClampBackward1")
    }
}
