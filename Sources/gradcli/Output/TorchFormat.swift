import Autograd
import ExprParser

/// `--format torch`: results printed as PyTorch prints tensors, so they can be compared
/// with a Python session line by line.
enum TorchFormat {
    static func report(_ report: Report) -> String {
        if let graph = report.graph { return graph }
        var out = ""
        if let dtype = report.dtypeValue { out += dtype.torchName + "\n" }
        if let value = report.value, report.check == nil {
            out += formatTorch(value, gradFn: report.gradFn) + "\n"
        }
        for (name, g) in report.grads where report.check == nil { out += "\(name).grad\n" + formatTorch(g) + "\n" }
        for (name, g) in report.retained { out += "\(name).grad\n" + formatTorch(g) + "\n" }
        for (name, j) in report.jacobian { out += "jacobian \(name)\n" + formatTorch(j) + "\n" }
        for (first, blocks) in report.hessian {
            for (second, h) in blocks { out += "hessian \(first), \(second)\n" + formatTorch(h) + "\n" }
        }
        if let check = report.check { out += check.text(style: NumberStyle()) }
        return out
    }
}
