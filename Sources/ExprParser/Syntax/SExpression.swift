import Autograd

/// Prints a syntax tree as an S-expression, iteratively (a 10^6-term chain is fine).
enum SExpression {
    private enum Work {
        case node(Int)
        case text(String)
    }

    static func print(_ tree: SyntaxTree, root: Int, source: String) -> String {
        let bytes = Array(source.utf8)
        var out = ""
        var work: [Work] = [.node(root)]
        while let item = work.popLast() {
            switch item {
            case .text(let s):
                out += s
            case .node(let index):
                let node = tree[index]
                let (open, close) = delimiters(node, in: tree, bytes: bytes)
                let children = tree.children(of: index)
                work.append(.text(close))
                for (i, child) in children.enumerated().reversed() {
                    work.append(.node(child))
                    if i > 0 { work.append(.text(" ")) }
                }
                out += open
            }
        }
        return out
    }

    /// The text before and after a node's space-separated children.
    private static func delimiters(_ node: Node, in tree: SyntaxTree, bytes: [UInt8]) -> (String, String) {
        switch node.kind {
        case .number:
            return (String(decoding: bytes[node.range.start..<node.range.end], as: UTF8.self), "")
        case .name(let name): return (tree[name], "")
        case .string(let s): return ("'\(tree[s])'", "")
        case .omitted: return ("_", "")
        case .unary(let op): return ("(\(op.symbol) ", ")")
        case .binary(let op): return ("(\(op.symbol) ", ")")
        case .call(let name): return node.childCount == 0 ? ("(\(tree[name])", ")") : ("(\(tree[name]) ", ")")
        case .keyword(let name): return ("\(tree[name])=", "")
        case .list: return node.childCount == 0 ? ("(list", ")") : ("(list ", ")")
        case .index: return ("(index ", ")")
        case .slice: return ("(slice ", ")")
        case .binding(let name): return ("(= \(tree[name]) ", ")")
        case .reversedDims: return ("(.T ", ")")
        case .attribute(let name): return ("(.\(tree[name]) ", ")")
        case .starred: return ("(* ", ")")
        }
    }
}
