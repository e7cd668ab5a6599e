import Autograd

/// A parsed program: statements separated by `;` or newlines, each an expression or a
/// binding `name = expr`. Its output is the value of the last statement.
public struct Program {
    /// How deeply expressions may nest: 100 levels. Each parenthesis, bracket, argument,
    /// index, unary operator, and right operand of an infix operator inside another operand is
    /// one level (`-(a + f([b]))` is 5 levels deep at `b`). Deeper programs are rejected with
    /// a `limit_error`; flat chains such as `x+x+...+x` do not nest and have no length limit.
    /// Parsing recurses at most this deep, which fits a 512 KiB thread stack even in a debug
    /// build (about 3 KiB per level there, far less in release).
    public static let maxNestingDepth = 100

    /// The longest source, in UTF-8 bytes: 4 GiB less one byte, so that every offset fits the
    /// 32 bits of `Token` and `Node` (gradcli reads files of at most 1 GiB).
    public static let maxSourceBytes = Int(UInt32.max)

    /// The program text.
    public let source: String
    let tree: SyntaxTree

    /// Parses `source`, throwing the first `Diagnostic` found.
    public static func parse(_ source: String) throws -> Program {
        guard source.utf8.count <= maxSourceBytes else { throw Diagnostic.programTooLong(limit: maxSourceBytes + 1) }
        var parser = Parser(source: source)
        return Program(source: source, tree: try parser.parseProgram())
    }

    /// The program as S-expressions, one statement per line, for tests and `--dump-ast`:
    ///
    /// - operators: `(+ a b)`, `(- x)` (unary), `(^ x 2)` (`**` prints as `^`), `(@ a b)`, `(< a b)`
    /// - calls: `(sum x dim=0)`; a method call `x.pow(2)` prints as `(pow x 2)`; prefixes such
    ///   as `torch.` are already dropped
    /// - `x.T` (all dimensions reversed, PyTorch's `permute`) prints as `(.T x)`
    /// - tensor literals and tuples: `(list 1 2)`
    /// - indexing: `(index x 0 (slice 1 _ 2))`, where `_` is a left-out slice bound
    /// - bindings: `(= b (+ a 3))`; strings: `'sum'`; numbers as written
    public var sexpr: String {
        tree.statements.map { SExpression.print(tree, root: $0, source: source) }.joined(separator: "\n")
    }
}
