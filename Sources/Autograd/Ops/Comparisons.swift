// Comparisons give 0/1 tensors for masks and `where`. Like PyTorch's, their
// outputs never require grad: a step function has no useful gradient.

extension Ops {
    static let comparisons: [OpSpec] = [eq, ne, lt, le, gt, ge]

    static func comparison(_ name: String, aliases: [String], symbol: String,
                           _ test: @escaping (Double, Double) -> Bool) -> OpSpec {
        OpSpec(name, aliases: aliases, params: [input, other], gradFn: "", summary: "true where input \(symbol) other (a bool tensor)",
               dtype: .comparison,
               forward: { args in try Tensor.zip(args[0], args[1]) { test($0, $1) ? 1 : 0 } },
               derivative: .notDifferentiable("a comparison is a step function; its output does not require grad"))
    }

    /// `input == other` as 0/1.
    public static let eq = comparison("eq", aliases: [], symbol: "==", ==)
    /// `input != other` as 0/1.
    public static let ne = comparison("ne", aliases: ["not_equal"], symbol: "!=", !=)
    /// `input < other` as 0/1.
    public static let lt = comparison("lt", aliases: ["less"], symbol: "<", <)
    /// `input <= other` as 0/1.
    public static let le = comparison("le", aliases: ["less_equal"], symbol: "<=", <=)
    /// `input > other` as 0/1.
    public static let gt = comparison("gt", aliases: ["greater"], symbol: ">", >)
    /// `input >= other` as 0/1.
    public static let ge = comparison("ge", aliases: ["greater_equal"], symbol: ">=", >=)
}
