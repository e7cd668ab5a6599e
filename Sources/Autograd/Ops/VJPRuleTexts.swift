// Each differentiable op's VJP rule in words and symbols, as `gradcli trace` prints it for a
// node of the backward sweep. The names follow PyTorch's derivatives.yaml: `grad` is the
// incoming gradient, `result` the op's output, `self` its first input, and the other inputs
// and attributes go by their parameter names. The engine sums every gradient that has a
// broadcast shape back to its input's shape; the texts say so where an op relies on it.

extension OpSpec {
    /// The VJP rule of this op in one line (`grad_self = grad * other, ...`); nil for an op
    /// without a gradient.
    public var vjpRule: String? { isDifferentiable ? Ops.vjpRuleTexts[name] : nil }
}

extension Ops {
    /// The rule texts by canonical op name, in registry order, one group per op file.
    static let vjpRuleTexts: [String: String] = [
        // Arithmetic.swift
        "add": "grad_self = grad, grad_other = grad * alpha (each summed to its input's shape; alpha = 1 unless given)",
        "sub": "grad_self = grad, grad_other = -grad * alpha (each summed to its input's shape; alpha = 1 unless given)",
        "mul": "grad_self = grad * other, grad_other = grad * self",
        "div": "grad_self = grad / other, grad_other = -grad * self / other^2 (both 0 with rounding_mode)",
        "neg": "grad_self = -grad",
        "pow": "grad_self = grad * exponent * self^(exponent - 1), grad_exponent = grad * result * log(self) (when exponent requires grad)",
        "where": "grad_self = where(condition, grad, 0), grad_other = where(condition, 0, grad)",
        "remainder": "grad_self = grad, grad_other = -grad * floor(self / other)",

        // Elementwise.swift
        "exp": "grad_self = grad * result",
        "exp2": "grad_self = grad * result * log(2)",
        "expm1": "grad_self = grad * (result + 1)",
        "log": "grad_self = grad / self",
        "log2": "grad_self = grad / (self * log(2))",
        "log10": "grad_self = grad / (self * log(10))",
        "log1p": "grad_self = grad / (self + 1)",
        "sqrt": "grad_self = grad / (2 * result)",
        "rsqrt": "grad_self = -0.5 * grad * result^3 (result * result * result)",
        "square": "grad_self = 2 * grad * self",
        "reciprocal": "grad_self = -grad * result^2",
        "abs": "grad_self = grad * sign(self) (0 at self = 0)",
        "sign": "grad_self = 0 (a step function)",
        "floor": "grad_self = 0 (a step function)",
        "ceil": "grad_self = 0 (a step function)",
        "round": "grad_self = 0 (a step function)",
        "trunc": "grad_self = 0 (a step function)",
        "erf": "grad_self = grad * 2 / sqrt(pi) * exp(-self^2)",

        // Trigonometric.swift
        "sin": "grad_self = grad * cos(self)",
        "cos": "grad_self = -grad * sin(self)",
        "tan": "grad_self = grad * (1 + result^2)",
        "asin": "grad_self = grad / sqrt(1 - self^2)",
        "acos": "grad_self = -grad / sqrt(1 - self^2)",
        "atan": "grad_self = grad / (1 + self^2)",
        "sinh": "grad_self = grad * cosh(self)",
        "cosh": "grad_self = grad * sinh(self)",
        "tanh": "grad_self = grad * (1 - result^2)",
        "asinh": "grad_self = grad / sqrt(self^2 + 1)",
        "acosh": "grad_self = grad / sqrt(self^2 - 1)",
        "atanh": "grad_self = grad / (1 - self^2)",

        // Activations.swift
        "sigmoid": "grad_self = grad * result * (1 - result)",
        "logsigmoid": "grad_self = grad * sigmoid(-self)",
        "relu": "grad_self = grad * (self > 0)",
        "leaky_relu": "grad_self = grad where self > 0, else grad * negative_slope",
        "elu": "grad_self = grad where self > 0, else grad * alpha * exp(self)",
        "gelu": "grad_self = grad * (Phi(self) + self * phi(self)), Phi and phi the normal CDF and PDF (approximate='tanh': of the tanh form)",
        "silu": "grad_self = grad * sigmoid(self) * (1 + self * (1 - sigmoid(self)))",
        "softplus": "grad_self = grad * sigmoid(beta * self), or grad where beta * self > threshold",

        // ElementwiseBinary.swift
        "atan2": "grad_self = grad * other / (self^2 + other^2), grad_other = -grad * self / (self^2 + other^2) (0 at the origin)",
        "maximum": "grad_self = grad * (self > other), grad_other = grad * (other > self); on a tie each gets grad / 2",
        "minimum": "grad_self = grad * (self < other), grad_other = grad * (other < self); on a tie each gets grad / 2",
        "clamp": "grad_self = grad * (min <= self <= max), grad_min = grad * (self < min), grad_max = grad * (self > max) (max wins where min > max)",

        // Reductions.swift
        "sum": "grad_self = grad, expanded to self's shape",
        "mean": "grad_self = grad / numel(self), expanded to self's shape (with dim: / the number of elements averaged)",
        "prod": "grad_self = grad * (result / self) when self has no zero; else grad * (the product of the other elements), expanded to self's shape",
        "max": "grad_self = grad shared evenly by the elements equal to result; with dim, all of it to the index returned",
        "min": "grad_self = grad shared evenly by the elements equal to result; with dim, all of it to the index returned",
        "amax": "grad_self = grad * (self == result) / (the number of ties), expanded to self's shape",
        "amin": "grad_self = grad * (self == result) / (the number of ties), expanded to self's shape",
        "norm": "grad_self = grad * self * |self|^(p - 2) / result^(p - 1) (p = 2: grad * self / result; p = inf: grad * sign(self) at the largest |self|)",
        "var": "grad_self = grad * 2 * (self - mean(self, dim)) / (N - correction), N the number of elements reduced",
        "std": "grad_self = grad * (self - mean(self, dim)) / ((N - correction) * result), N the number reduced (0 where result = 0)",

        // Softmax.swift
        "softmax": "grad_self = result * (grad - sum(grad * result, dim))",
        "log_softmax": "grad_self = grad - exp(result) * sum(grad, dim)",
        "logsumexp": "grad_self = grad * exp(self - result), grad and result expanded over dim",

        // LinearAlgebra.swift
        "matmul": "grad_self = grad @ other^T, grad_other = self^T @ grad (a 1-D operand as a row or column; summed over broadcast batches)",
        "mm": "grad_self = grad @ mat2^T, grad_mat2 = self^T @ grad",
        "dot": "grad_self = grad * tensor, grad_tensor = grad * self",
        "mv": "grad_self = outer(grad, vec), grad_vec = self^T @ grad",
        "outer": "grad_self = grad @ vec2, grad_vec2 = self @ grad",

        // MatrixFunctions.swift
        "t": "grad_self = grad^T",
        "transpose": "grad_self = grad.transpose(dim0, dim1)",
        "trace": "grad_self = grad on self's main diagonal, 0 elsewhere",
        "diag": "grad_self = diag(grad, diagonal): a vector self gets that diagonal of grad, a matrix self gets grad on it (0 elsewhere)",
        "det": "grad_self = grad * result * inverse(self)^T (the cofactor matrix of self where it is singular)",
        "inverse": "grad_self = -result^T @ grad @ result^T",
        "matrix_exp": "grad_self = the upper-right n x n block of matrix_exp([[self^T, grad], [0, self^T]])",

        // Shapes.swift
        "reshape": "grad_self = grad.reshape(self's shape)",
        "view": "grad_self = grad.reshape(self's shape)",
        "expand": "grad_self = grad summed to self's shape",
        "sum_to_size": "grad_self = grad, expanded to self's shape",

        // ShapeCombinators.swift
        "flatten": "grad_self = grad.reshape(self's shape)",
        "squeeze": "grad_self = grad.reshape(self's shape) (the size-1 dimensions put back)",
        "unsqueeze": "grad_self = grad.squeeze(dim)",
        "permute": "grad_self = grad.permute(the inverse of dims)",
        "cat": "grad_tensors[i] = the slice of grad along dim where tensors[i] was placed",
        "stack": "grad_tensors[i] = grad.select(dim, i)",

        // Indexing.swift
        "select": "grad_self = zeros of self's shape with grad at index along dim",
        "slice": "grad_self = zeros of self's shape with grad at start:end:step along dim",

        // IndexSelect.swift
        "index_select": "grad_self = zeros_like(self).index_add(dim, index, grad) (repeated positions add up)",
        "index_add": "grad_self = grad, grad_source = alpha * grad.index_select(dim, index)",
        "gather": "grad_self = zeros_like(self).scatter_add(dim, index, grad) (repeated positions add up)",
        "take_along_dim": "grad_self = zeros_like(self).scatter_add(dim, indices, grad) (both flattened when dim is absent)",
        "scatter_add": "grad_self = grad, grad_src = grad.gather(dim, index)",
        // `x[index]` in the language, an op outside the registry.
        "index": "grad_self = zeros of self's shape with grad added at the indexed places (repeated positions add up)",

        // Sorting.swift
        "sort": "grad_self = zeros_like(self).scatter(dim, indices, grad): each value's grad goes back to its place",
        "topk": "grad_self = zeros_like(self).scatter(dim, indices, grad): grad to the k chosen places, 0 elsewhere",
        "kthvalue": "grad_self = grad at the index returned along dim, 0 elsewhere",
        "median": "along dim: grad_self = grad at the median's index, 0 elsewhere; over all of self: grad / count at each element == result",
        "nanmedian": "as median, NaN left out; over all of self with a NaN result: grad / count at each NaN element",
        "mode": "grad_self = grad at the index returned along dim (the last occurrence), 0 elsewhere",

        // Copies.swift
        "clone": "grad_self = grad",
        "flip": "grad_self = grad.flip(dims)",
        "roll": "grad_self = grad.roll(-shifts, dims)",
        "tril": "grad_self = grad.tril(diagonal)",
        "triu": "grad_self = grad.triu(diagonal)",
        "cumsum": "grad_self = grad.flip(dim).cumsum(dim).flip(dim) (the sum of grad from each position to the end)",
        "repeat": "grad_self = grad summed over the tiles: each copy's gradient adds up",
        "narrow": "grad_self = zeros of self's shape with grad at start:start + length along dim",
        "diagonal": "grad_self = zeros of self's shape with grad on the (dim1, dim2) diagonal at offset",
        "diag_embed": "grad_self = diagonal(grad, offset, dim1, dim2)",

        // MoreActivations.swift
        "hardtanh": "grad_self = grad * (min_val < self < max_val)",
        "relu6": "grad_self = grad * (0 < self < 6)",
        "selu": "grad_self = grad * scale where self > 0, else grad * scale * alpha * exp(self)",
        "celu": "grad_self = grad where self > 0, else grad * exp(self / alpha)",
        "mish": "grad_self = grad * (tanh(softplus(self)) + self * (1 - tanh(softplus(self))^2) * sigmoid(self))",
        "hardswish": "grad_self = grad * (self / 3 + 0.5) where -3 < self < 3, grad where self >= 3, else 0",
        "hardsigmoid": "grad_self = grad / 6 where -3 < self < 3, else 0",
        "softsign": "grad_self = grad / d - grad * ((self / d) / d) * sgn(self), d = 1 + |self| (PyTorch composes it)",
        "softshrink": "grad_self = grad * (|self| > lambd)",
        "hardshrink": "grad_self = grad * (|self| > lambd)",
        "clamp_min": "grad_self = grad * (self >= min)",
        "clamp_max": "grad_self = grad * (self <= max)",
        "logit": "grad_self = grad / (self * (1 - self)); NaN outside [0, 1] (with eps: 0 outside [eps, 1 - eps])",
        "logaddexp": "grad_self = grad / (1 + exp(other - self)), grad_other = grad / (1 + exp(self - other))",
        "hypot": "grad_self = grad * self / result, grad_other = grad * other / result",
        "xlogy": "grad_self = xlogy(grad, other), 0 where self = 0 and other <= 0; grad_other = grad * self / other",

        // Layers.swift
        "bmm": "grad_self = grad @ mat2^T, grad_mat2 = self^T @ grad (batch by batch)",
        "addmm": "grad_self = beta * grad (summed to self's shape), grad_mat1 = alpha * grad @ mat2^T, grad_mat2 = alpha * mat1^T @ grad",
        "linear": "grad_self = grad @ weight, grad_weight = grad^T @ self (leading dims flattened), grad_bias = grad (summed to bias's shape)",
        "masked_fill": "grad_self = where(mask, 0, grad), grad_value = sum(where(mask, grad, 0)) (a tensor value)",

        // Losses.swift
        "mse_loss": "grad_self = grad * 2 * (self - target), grad_target = -grad_self (divided by numel for reduction='mean')",
        "l1_loss": "grad_self = grad * sign(self - target), grad_target = -grad_self (divided by numel for reduction='mean')",
        "smooth_l1_loss": "grad_self = grad * (d / beta where |d| < beta, else sign(d)), grad_target = -grad_self (d = self - target; / numel for 'mean')",
        "huber_loss": "grad_self = grad * (d where |d| < delta, else delta * sign(d)), grad_target = -grad_self (d = self - target; / numel for 'mean')",

        // BinaryCrossEntropy.swift
        "binary_cross_entropy": "grad_self = grad * weight * (self - target) / max(self * (1 - self), 1e-12), grad_target = grad * weight * (log(1 - self) - log(self))",
        "binary_cross_entropy_with_logits": "grad_self = grad * weight * ((1 + (pos_weight - 1) * target) * sigmoid(self) - pos_weight * target), grad_target = -grad * weight * (self + (pos_weight - 1) * logsigmoid(self))",

        // CrossEntropy.swift
        "cross_entropy": "grad_self = grad * (softmax(self) * sum(T) - T) over the classes, T the smoothed, weighted (one-hot) target; probability targets: grad_target = -grad * weight * (1 - label_smoothing) * log_softmax(self)",

        // Conversions.swift
        "to": "grad_self = grad cast back to self's dtype",
        "float": "grad_self = grad cast back to self's dtype",
        "double": "grad_self = grad cast back to self's dtype",
        "long": "grad_self = grad cast back to self's dtype (an integer result does not require grad, so none flows)",
        "int": "grad_self = grad cast back to self's dtype (an integer result does not require grad, so none flows)",
        "bool": "grad_self = grad cast back to self's dtype (a bool result does not require grad, so none flows)",

        // NllLoss.swift
        "nll_loss": "grad_self = -grad * weight[target] at each (sample, target) place, / the total weight with 'mean'; 0 elsewhere and at ignore_index",

        // Decompositions.swift (the later outputs' shares are in their own entries)
        "cholesky": "grad_self = L^-H Phi(L^H grad) L^-1, symmetrised (L = result; Phi keeps the lower triangle, the diagonal halved)",
        "solve": "grad_other = solve(A^H, grad), grad_A = -grad_other @ result^H",
        "slogdet": "sign: no gradient; grad_self = grad * inverse(self)^T for logabsdet",
        "logdet": "grad_self = grad * inverse(self)^T",
        "eigvalsh": "grad_self = V diag(grad) V^T (V the eigenvectors)",
        "svdvals": "grad_self = U diag(grad) V^H",
        "pinv": "grad_self = -P^H grad P^H plus the terms through the null spaces of self (PyTorch's pinv_backward; P = result)",
        "cross": "grad_self = cross(other, grad), grad_other = cross(grad, self)",

        // Scans.swift
        "cumprod": "grad_self = reverse cumsum of grad * result, / self (exact at zeros, PyTorch's cumprod_backward)",
        "logcumsumexp": "grad_self = sum over later k of grad_k * exp(self - result_k)",
        "cummax": "grad_self = grad scattered-added to the indices of the running maximum",
        "cummin": "grad_self = grad scattered-added to the indices of the running minimum",

        // Special.swift
        "ndtr": "grad_self = grad * exp(-self^2 / 2) / sqrt(2 pi)",
        "log_ndtr": "grad_self = grad * exp(-self^2 / 2) / sqrt(2 pi) / ndtr(self)",
        "entr": "grad_self = grad * -(1 + log(self)) (-inf at 0, NaN below)",
        "erfinv": "grad_self = grad * sqrt(pi) / 2 * exp(result^2)",
        "erfc": "grad_self = -grad * 2 / sqrt(pi) * exp(-self^2)",
        "sinc": "grad_self = grad * (cos(pi self) - sinc(self)) / self (0 at 0)",
        "deg2rad": "grad_self = grad * pi / 180",
        "rad2deg": "grad_self = grad * 180 / pi",
        "frac": "grad_self = grad",
        "sgn": "grad_self = 0",
        "logaddexp2": "grad_self = grad / (1 + 2^(other - self)), grad_other = grad / (1 + 2^(self - other))",

        // ScatterPad.swift
        "scatter": "grad_self = grad with the scattered places zeroed, grad_src = grad gathered at index",
        "pad": "grad_self = grad with the padding cut off (negative pads: zeros where input was cropped)",

        // MoreElementwise.swift
        "fmod": "grad_self = grad, grad_other = -grad * trunc(self / other)",
        "copysign": "grad_self = grad * sign(self) * sign(result) (0 where self = 0)",
        "nan_to_num": "grad_self = grad where self is finite, 0 where it was NaN or infinite",
        "threshold": "grad_self = grad where self > threshold, 0 elsewhere",
        "lerp": "grad_self = grad * (1 - weight); grad_end = grad * weight; grad_weight = grad * (end - self)",

        // PointwiseCombinations.swift
        "addcmul": "grad_self = grad; grad_tensor1 = grad * tensor2 * value; grad_tensor2 = grad * tensor1 * value",
        "addcdiv": "grad_self = grad; grad_tensor1 = grad * value / tensor2; grad_tensor2 = -grad * value * tensor1 / tensor2^2",

        // Gamma.swift
        "lgamma": "grad_self = grad * digamma(self)",
        "digamma": "grad_self = grad * polygamma(1, self)",
        "polygamma": "grad_self = grad * polygamma(n + 1, self)",

        // RandomFactories.swift (the samplers of given tensors; the factories make constants)
        "normal": "grad_mean = 0, grad_std = 0 (a sample's derivative, as PyTorch defines it)",
        "bernoulli": "grad_self = 0 (a sample's derivative, as PyTorch defines it); with p given, PyTorch's error: no derivative",

        // The later outputs of the decompositions (Registry.parts), each with its share of PyTorch's backward
        "eigh_eigenvectors": "grad_self = V (F * (V^T grad)) V^T, symmetrised; F_ij = 1 / (L_j - L_i) off the diagonal (refused at a repeated eigenvalue)",
        "svd_U": "grad_self = the U share of PyTorch's svd_backward, with F_ij = 1 / (s_j^2 - s_i^2) (refused at a repeated singular value)",
        "svd_Vh": "grad_self = the Vh share of PyTorch's svd_backward, with F_ij = 1 / (s_j^2 - s_i^2) (refused at a repeated singular value)",
        "qr_Q": "grad_self = the Q share of PyTorch's linalg_qr_backward, solved against R^H",
        "qr_R": "grad_self = the R share of PyTorch's linalg_qr_backward, solved against R^H",
        "slogdet_sign": "grad_self = 0 (the sign is piecewise constant)",
    ]
}
