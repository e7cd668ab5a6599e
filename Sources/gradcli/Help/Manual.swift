import Autograd
import ExprParser

/// The manual page, in roff (man(7) macros), generated from the command table and the op registry.
enum Manual {
    /// `text` with roff's special characters escaped: backslashes, and a leading `.` or `'`.
    static func escaped(_ text: String) -> String {
        var out = text.replacingAll("\\", with: "\\e").replacingAll("-", with: "\\-")
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }

    static func page() -> String {
        var lines = [".TH GRADCLI 1 \"\" \"gradcli \(BuildInfo.version)\" \"User Commands\"",
                     ".SH NAME", "gradcli \\- \(escaped(Help.overview))",
                     ".SH SYNOPSIS"]
        for entry in CommandCatalog.all { lines += [".PP", ".B " + escaped(entry.usage)] }
        lines += [".SH DESCRIPTION",
                  escaped("gradcli evaluates an expression in PyTorch's syntax, with inputs given as name=value, and prints its value and its derivatives as PyTorch's autograd computes them. Without a subcommand it runs grad."),
                  ".SH COMMANDS"]
        for entry in CommandCatalog.all {
            lines += [".SS " + escaped(entry.name), escaped(entry.abstract)]
            for (name, help) in entry.arguments { lines += [".TP", ".I " + escaped(name), escaped(help)] }
            for option in entry.options {
                let label = option.names.map { "\\fB" + escaped($0) + "\\fR" }.joined(separator: ", ") + (option.value.map { " \\fI<" + escaped($0) + ">\\fR" } ?? "")
                lines += [".TP", label, escaped(option.helpText)]
            }
            if !entry.examples.isEmpty {
                lines += [".PP", "Examples:", ".RS", ".nf"] + entry.examples.map(escaped) + [".fi", ".RE"]
            }
        }
        lines += [".SH BATCH REQUESTS", escaped("One JSON object per line; the fields:")]
        for (field, help) in Help.requestFields { lines += [".TP", ".B " + escaped(field), escaped(help)] }
        lines += [".SH FUNCTIONS", escaped("PyTorch names; a torch., torch.nn.functional. or F. prefix is accepted.")]
        for spec in Registry.all + Language.functions {
            let params = spec.params.map { p in p.defaultValue.map { "\(p.name)=\($0)" } ?? p.name }.joined(separator: ", ")
            lines += [".TP", ".B " + escaped("\(spec.name)(\(params))"), escaped(spec.summary)]
        }
        lines += [".SH ENVIRONMENT", ".TP", ".B NO_COLOR", escaped("When set to a non-empty value, no colour with --color auto."),
                  ".TP", ".B TERM", escaped("dumb means no colour with --color auto."),
                  ".SH EXIT STATUS",
                  escaped("0 success; 1 a check failed; 64 usage error; 65 bad expression or data; 66 unreadable input; 70 internal error; 74 output could not be written."),
                  ".SH SEE ALSO", escaped("gradcli help functions; the README of the gradcli project.")]
        return lines.joined(separator: "\n") + "\n"
    }
}
