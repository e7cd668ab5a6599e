/// Reports of a batch for CI systems: TAP version 14 and JUnit XML. Every request is a
/// test point; a check request passes when all its comparisons pass.
enum TestReports {
    /// One TAP test point; the version line comes first and the plan (`1..N`) last, as
    /// TAP 14 allows, so points can be written as requests finish.
    static func tapPoint(_ record: BatchRecord, number: Int) -> String {
        let ok = record.status == .ok
        var out = "\(ok ? "ok" : "not ok") \(number) - line \(record.line)\(describeID(record.id)): \(escapeTAP(record.title))\n"
        guard !ok || !record.warnings.isEmpty else { return out }
        out += "  ---\n"
        if record.status == .error, let error = record.error {
            out += "  code: \(error.code.rawValue)\n"
            out += "  message: \(yamlString(error.message))\n"
        }
        for check in record.checks where !check.passed {
            out += "  failed: \(yamlString(check.name + ": " + check.detail))\n"
        }
        if !record.warnings.isEmpty {
            out += "  warnings:\n" + record.warnings.map { "    - \(yamlString($0))\n" }.joined()
        }
        return out + "  ...\n"
    }

    static func junit(_ records: [BatchRecord]) -> String {
        let failures = records.filter { $0.status == .checkFailed }.count
        let errors = records.filter { $0.status == .error }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites tests=\"\(records.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        out += "  <testsuite name=\"gradcli batch\" tests=\"\(records.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for record in records {
            let name = xml("line \(record.line)\(describeID(record.id)): \(record.title)")
            out += "    <testcase classname=\"gradcli.batch\" name=\"\(name)\""
            // The request's warnings are what it wrote to stderr.
            let warnings = record.warnings.isEmpty ? ""
                : "      <system-err>\(record.warnings.map { xml("warning: " + $0) }.joined(separator: "\n"))</system-err>\n"
            switch record.status {
            case .ok:
                out += warnings.isEmpty ? "/>\n" : ">\n" + warnings + "    </testcase>\n"
            case .checkFailed:
                let detail = record.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }.joined(separator: "\n")
                out += ">\n      <failure message=\"check failed\">\(xml(detail))</failure>\n" + warnings + "    </testcase>\n"
            case .error:
                let message = record.error?.message ?? "error"
                let code = record.error?.code.rawValue ?? "error"
                out += ">\n      <error type=\"\(xml(code))\" message=\"\(xml(message))\"/>\n" + warnings + "    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    private static func describeID(_ id: String?) -> String { id.map { " (id \($0))" } ?? "" }

    /// A TAP description is one line: CR, LF and every other control character are shown
    /// escaped, so a request cannot start a test point of its own; `#` would start a directive.
    private static func escapeTAP(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if c == "\n" || TerminalText.isUnsafe(c) {
                out.append(contentsOf: "\\u{\(String(c.value, radix: 16))}".unicodeScalars)
            } else {
                if c == "#" { out.append("\\") }
                out.append(c)
            }
        }
        return String(out)
    }

    private static func yamlString(_ s: String) -> String { JSON.string(s).serialized }

    static func xml(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            // Characters XML 1.0 does not allow at all, shown escaped as in the other reports.
            case _ where (c.value < 0x20 && c != "\t") || c.value == 0xFFFE || c.value == 0xFFFF:
                out += "\\u{\(String(c.value, radix: 16))}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
