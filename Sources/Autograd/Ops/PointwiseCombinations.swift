// addcmul, addcdiv and add/sub with alpha=: `input + value * t1 * t2` and its kin, rounded as
// PyTorch's CPU kernels round them. Its AVX2 and AVX-512 builds compute each `a + b * c` as one
// fused multiply-add: `vec::fmadd` in add's kernel, and the compiler contracts addcmul's
// `self + value * t1 * t2` in vector and scalar code alike; its default build multiplies and adds
// separately. PyTorch follows `ATEN_CPU_CAPABILITY`, and so does gradcli (see
// `TorchFloat32Math.fusesMultiplyAdd`). The scalar is cast to the op's dtype first.

extension Ops {
    static let pointwiseCombinations: [OpSpec] = [addcmul, addcdiv]

    static let value = Param("value", .double, default: .double(1))

    /// `addcmul(input, tensor1, tensor2, value=1)`: input + value * tensor1 * tensor2.
    public static let addcmul = OpSpec(
        "addcmul", params: [input, Param("tensor1", .tensor), Param("tensor2", .tensor), value],
        gradFn: "AddcmulBackward0", summary: "input + value * tensor1 * tensor2, elementwise with broadcasting",
        samples: [OpSample([[3, 2], [3, 2], [3, 2]], attrs: ["value": .double(0.7)]), OpSample([[3, 2], [2], []])],
        forward: { args in
            let scale = try args.attrs.double("value")
            return try combine(args) { a, t1, t2, dtype in
                switch dtype {
                case .float32: return Double(TorchFloat32Math.multiplyAdd(Float(scale) * Float(t1), Float(t2), Float(a)))
                case .float64: return TorchFloat32Math.multiplyAdd(scale * t1, t2, a)
                default:  // integers: value truncated to an integer, as PyTorch casts it
                    guard let x = Int64(exactly: a), let y = Int64(exactly: t1), let z = Int64(exactly: t2),
                          let s = Int64(exactly: scale.rounded(.towardZero)) else { throw OpError.value(int64Overflow) }
                    return try exactDouble(x &+ s &* y &* z)
                }
            }
        },
        derivative: .vjp { ctx, g in
            let scale = Variable(try ctx.attrs.double("value"))
            return [g, ctx[1].requiresGrad ? try g * (ctx[2] * scale) : nil, ctx[2].requiresGrad ? try g * (ctx[1] * scale) : nil]
        }).withDType(.noBoolKernel("addcmul_cpu_out"))

    /// `addcdiv(input, tensor1, tensor2, value=1)`: input + value * tensor1 / tensor2.
    public static let addcdiv = OpSpec(
        "addcdiv", params: [input, Param("tensor1", .tensor), Param("tensor2", .tensor), value],
        gradFn: "AddcdivBackward0", summary: "input + value * tensor1 / tensor2, elementwise with broadcasting",
        samples: [OpSample([[3, 2], [3, 2], [3, 2]], attrs: ["value": .double(-0.7)], range: 0.5...2), OpSample([[3, 2], [2], []], range: 0.5...2)],
        forward: { args in
            let scale = try args.attrs.double("value")
            return try combine(args) { a, t1, t2, dtype in
                dtype.isFloat32 ? Double(Float(a) + Float(scale) * Float(t1) / Float(t2)) : a + scale * t1 / t2
            }
        },
        derivative: .vjp { ctx, g in
            let scale = Variable(try ctx.attrs.double("value")), t1 = ctx[1], t2 = ctx[2]
            // derivatives.yaml: grad * (value / tensor2), -grad * (value * tensor1 / (tensor2 * tensor2)).
            return [g, t1.requiresGrad ? try g * (scale / t2) : nil,
                    t2.requiresGrad ? try -g * (scale * t1 / (t2 * t2)) : nil]
        }).withDType(.promoteRefusing(accepted: "float32, float64 (and an integer input with a floating tensor)") { inputs, _, _ in
            inputs.count == 3 && !inputs[1].dtype.isFloatingPoint && !inputs[2].dtype.isFloatingPoint ? addcdivIntegerRefusal : nil
        })

    static let addcdivIntegerRefusal = "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes."

    /// `f(input, tensor1, tensor2, dtype)` over the three inputs broadcast together.
    private static func combine(_ args: ForwardArgs, _ f: (Double, Double, Double, DType) throws -> Double) throws -> Tensor {
        let shape = try [args[1].shape, args[2].shape].reduce(args[0].shape, Tensor.broadcastShapeOrThrow)
        _ = try Tensor.checkedCount(of: shape)
        let a = try args[0].expanded(to: shape), t1 = try args[1].expanded(to: shape), t2 = try args[2].expanded(to: shape)
        let dtype = args.dtype
        var out = [Double](repeating: 0, count: a.count)
        for i in out.indices { out[i] = try f(a.data[i], t1.data[i], t2.data[i], dtype) }
        return Tensor(shape: shape, data: out)
    }

    /// `input + alpha * other` (add and sub with `alpha=`; sub passes -alpha), as PyTorch's
    /// add kernel computes it: `fmadd(other, alpha, input)`.
    static func scaledSum(_ args: ForwardArgs, alpha: Double) throws -> Tensor {
        switch args.dtype {
        case .float32:
            let scale = Float(alpha)
            return try Tensor.zip(args[0], args[1]) { Double(TorchFloat32Math.multiplyAdd(scale, Float($1), Float($0))) }
        case .float64:
            return try Tensor.zip(args[0], args[1]) { TorchFloat32Math.multiplyAdd(alpha, $1, $0) }
        default:
            // An integer sum takes an integer alpha only (what a double holding a whole number
            // came from is not known here; a fraction is refused).
            guard alpha == alpha.rounded() else {
                throw OpError.value("For integral input tensors, argument alpha must not be a floating point number.")
            }
            return try Tensor.zip(args[0], args[1]) { $0 + alpha * $1 }
        }
    }
}
