// What PyTorch (and so gradcli) and JAX return where a derivative does not exist: at a kink
// the one-sided slopes differ and each framework picks one value. The PyTorch column is what
// torch 2.13 returns (float64) and a test checks gradcli against it through the binary; the JAX
// column is what `jax.grad` of the equivalent JAX function returns in jax 0.10.2 with x64
// enabled. scripts/record_conventions.py records both.

/// One point where an op's derivative does not exist, and the value each framework uses there.
public struct KinkConvention {
    /// The registry name of the op.
    public let op: String
    /// The expression checked, in the variable `x` (and a constant `y` where the op takes two).
    public let expression: String
    /// The point: `x` (and `y`) as gradcli input arguments.
    public let inputs: [String]
    /// Where the point lies, in words (`x = 0`, `x = y`).
    public let place: String
    /// The one-sided slopes d/dx[0] from the left and from the right (NaN where undefined).
    public let left: Double, right: Double
    /// d/dx[0] as PyTorch and gradcli compute it.
    public let pytorch: Double
    /// d/dx[0] from `jax.grad` of `jaxExpression`.
    public let jax: Double
    public let jaxExpression: String
    /// When the trace notes this convention: the values of the op's input (the first input
    /// equals `at`, or a repeated extremum for `.tie`).
    public let trigger: Trigger
    /// The attribute values the point depends on (`clamp`'s bounds, `leaky_relu`'s slope): the
    /// trace names the convention only at a node with these values. `dim` set to `.none` means
    /// a reduction over all elements.
    public let attributes: [(name: String, value: AttrValue)]

    public enum Trigger {
        /// Some element of the first input equals the value (of the second input too, when given).
        case at(Double, other: Double? = nil)
        /// The first input's extremum appears more than once (a tie in a reduction).
        case tie
        /// Every element of the first input is 0.
        case origin
        /// The first two inputs are equal somewhere (a tie of `maximum`, `x = target`).
        case equalInputs
        /// The first input equals `clamp`'s tensor bound `min` or `max` somewhere.
        case atBound(String)
        /// Only in the table: the point is a property of a composite expression, not of the op's inputs.
        case tableOnly
    }

    init(_ op: String, _ expression: String, _ inputs: [String], _ place: String, left: Double, right: Double,
         pytorch: Double, jax: Double, _ jaxExpression: String, trigger: Trigger,
         attributes: [(name: String, value: AttrValue)] = []) {
        self.attributes = attributes
        self.op = op
        self.expression = expression
        self.inputs = inputs
        self.place = place
        self.left = left
        self.right = right
        self.pytorch = pytorch
        self.jax = jax
        self.jaxExpression = jaxExpression
        self.trigger = trigger
    }

    /// Every recorded convention, in registry order of their ops.
    public static let all: [KinkConvention] = [
        KinkConvention("relu", "relu(x)", ["x=0"], "x = 0", left: 0, right: 1, pytorch: 0, jax: 0, "jax.nn.relu(x)", trigger: .at(0)),
        KinkConvention("leaky_relu", "leaky_relu(x, 0.1)", ["x=0"], "x = 0", left: 0.1, right: 1, pytorch: 0.1, jax: 1, "jax.nn.leaky_relu(x, 0.1)", trigger: .at(0), attributes: [("negative_slope", .double(0.1))]),
        KinkConvention("selu", "selu(x)", ["x=0"], "x = 0", left: 1.7580993408473766, right: 1.0507009873554805,
                       pytorch: 1.7580993408473766, jax: 1.7580993408473766, "jax.nn.selu(x)", trigger: .at(0)),
        KinkConvention("hardtanh", "hardtanh(x)", ["x=-1"], "x = min_val = -1", left: 0, right: 1, pytorch: 0, jax: 1, "jax.nn.hard_tanh(x)", trigger: .at(-1), attributes: [("min_val", .double(-1)), ("max_val", .double(1))]),
        KinkConvention("hardtanh", "hardtanh(x)", ["x=1"], "x = max_val = 1", left: 1, right: 0, pytorch: 0, jax: 1, "jax.nn.hard_tanh(x)", trigger: .at(1), attributes: [("min_val", .double(-1)), ("max_val", .double(1))]),
        KinkConvention("relu6", "relu6(x)", ["x=0"], "x = 0", left: 0, right: 1, pytorch: 0, jax: 0, "jax.nn.relu6(x)", trigger: .at(0)),
        KinkConvention("relu6", "relu6(x)", ["x=6"], "x = 6", left: 1, right: 0, pytorch: 0, jax: 0, "jax.nn.relu6(x)", trigger: .at(6)),
        KinkConvention("hardsigmoid", "hardsigmoid(x)", ["x=-3"], "x = -3", left: 0, right: 1.0 / 6, pytorch: 0, jax: 0, "jax.nn.hard_sigmoid(x)", trigger: .at(-3)),
        KinkConvention("hardsigmoid", "hardsigmoid(x)", ["x=3"], "x = 3", left: 1.0 / 6, right: 0, pytorch: 0, jax: 0, "jax.nn.hard_sigmoid(x)", trigger: .at(3)),
        KinkConvention("hardswish", "hardswish(x)", ["x=-3"], "x = -3", left: 0, right: -0.5, pytorch: 0, jax: 0, "jax.nn.hard_swish(x)", trigger: .at(-3)),
        KinkConvention("hardswish", "hardswish(x)", ["x=3"], "x = 3", left: 1.5, right: 1, pytorch: 1, jax: 1, "jax.nn.hard_swish(x)", trigger: .at(3)),
        KinkConvention("abs", "abs(x)", ["x=0"], "x = 0", left: -1, right: 1, pytorch: 0, jax: 1, "jnp.abs(x)", trigger: .at(0)),
        KinkConvention("sqrt", "sqrt(x)", ["x=0"], "x = 0 (the domain's edge)", left: .nan, right: .infinity, pytorch: .infinity, jax: .infinity, "jnp.sqrt(x)", trigger: .at(0)),
        KinkConvention("maximum", "maximum(x, y)", ["x=1", "y=1"], "a tie, x = y", left: 0, right: 1, pytorch: 0.5, jax: 0.5, "jnp.maximum(x, y)", trigger: .equalInputs),
        KinkConvention("minimum", "minimum(x, y)", ["x=1", "y=1"], "a tie, x = y", left: 1, right: 0, pytorch: 0.5, jax: 0.5, "jnp.minimum(x, y)", trigger: .equalInputs),
        KinkConvention("clamp_min", "clamp_min(x, 0)", ["x=0"], "x = min = 0", left: 0, right: 1, pytorch: 1, jax: 0.5, "jnp.clip(x, min=0.0)", trigger: .at(0), attributes: [("min", .double(0))]),
        KinkConvention("clamp_max", "clamp_max(x, 0)", ["x=0"], "x = max = 0", left: 1, right: 0, pytorch: 1, jax: 0.5, "jnp.clip(x, max=0.0)", trigger: .at(0), attributes: [("max", .double(0))]),
        KinkConvention("clamp", "clamp(x, 0, 1)", ["x=0"], "x = min", left: 0, right: 1, pytorch: 1, jax: 0.5, "jnp.clip(x, 0.0, 1.0)", trigger: .atBound("min")),
        KinkConvention("clamp", "clamp(x, 0, 1)", ["x=1"], "x = max", left: 1, right: 0, pytorch: 1, jax: 0.5, "jnp.clip(x, 0.0, 1.0)", trigger: .atBound("max")),
        KinkConvention("where", "where(x > 0, x, 0)", ["x=0"], "x = 0, where the condition switches", left: 0, right: 1, pytorch: 0, jax: 0, "jnp.where(x > 0, x, 0.0)", trigger: .tableOnly),
        KinkConvention("max", "max(x)", ["x=[1,1]"], "a tie, x[0] = x[1]", left: 0, right: 1, pytorch: 0.5, jax: 0.5, "jnp.max(x)", trigger: .tie, attributes: [("dim", .none)]),
        KinkConvention("max", "max(x, dim=0)[0].sum()", ["x=[[1],[1]]"], "a tie along dim, x[0] = x[1]", left: 0, right: 1, pytorch: 1, jax: 0.5, "jnp.max(x, axis=0).sum()", trigger: .tableOnly),
        KinkConvention("amax", "amax(x)", ["x=[1,1]"], "a tie, x[0] = x[1]", left: 0, right: 1, pytorch: 0.5, jax: 0.5, "jnp.max(x)", trigger: .tie,
                       attributes: [("dim", .none)]),
        KinkConvention("min", "min(x)", ["x=[1,1]"], "a tie, x[0] = x[1]", left: 1, right: 0, pytorch: 0.5, jax: 0.5, "jnp.min(x)", trigger: .tie, attributes: [("dim", .none)]),
        KinkConvention("norm", "norm(x)", ["x=[0,0]"], "x = 0", left: -1, right: 1, pytorch: 0, jax: .nan, "jnp.linalg.norm(x)", trigger: .origin),
        KinkConvention("l1_loss", "l1_loss(x, y)", ["x=1", "y=1"], "x = target", left: -1, right: 1, pytorch: 0, jax: 1, "jnp.mean(jnp.abs(x - y))", trigger: .equalInputs),
        KinkConvention("atan2", "atan2(x, y)", ["x=0", "y=0"], "the origin", left: .infinity, right: .infinity, pytorch: 0, jax: .nan, "jnp.arctan2(x, y)", trigger: .at(0, other: 0)),
    ]

    /// The conventions of op `name`.
    public static func of(_ name: String) -> [KinkConvention] { all.filter { $0.op == name } }

    /// True when a node with these input values and attributes sits at this convention's point
    /// somewhere: its attributes are the recorded ones and its inputs meet the trigger
    /// (a second input broadcast against the first).
    public func applies(to inputs: [Tensor], attrs: Attrs) -> Bool {
        for (name, value) in attributes {
            switch value {
            case .none: guard attrs[name] == .none else { return false }
            case .double(let d): guard attrs.optionalDouble(name) == d else { return false }
            default: guard attrs[name] == value else { return false }
            }
        }
        guard let first = inputs.first else { return false }
        func somewhere(_ other: Int = 1, _ test: (Double, Double) -> Bool) -> Bool {
            guard inputs.count > other, let hits = try? Tensor.zip(first, inputs[other], { test($0, $1) ? 1 : 0 }) else { return false }
            return hits.data.contains(1)
        }
        switch trigger {
        case .tableOnly: return false
        case .origin: return first.data.allSatisfy { $0 == 0 }
        case .equalInputs: return somewhere { $0 == $1 }
        case .atBound(let bound):
            // The bounds given are the inputs after the first, `min` before `max`.
            guard attrs.bool(bound) else { return false }
            return somewhere(bound == "max" && attrs.bool("min") ? 2 : 1) { $0 == $1 }
        case .tie:
            guard let top = first.data.max(), let bottom = first.data.min() else { return false }
            let extremum = op == "min" ? bottom : top
            return first.data.lazy.filter { $0 == extremum }.count > 1
        case .at(let value, let other):
            guard let other else { return first.data.contains(value) }
            return somewhere { $0 == value && $1 == other }
        }
    }
}
