// libFuzzer entry point for the expression front end and the autograd core: any bytes are a
// program; it is parsed, evaluated on two inputs, and backpropagated when it can be. Errors
// are fine; a crash, a hang or a sanitizer report is a bug. Built by scripts/fuzz/run.sh.
import Autograd
import ExprParser

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    // Each input gets its own operation budget, small enough that the largest program it admits
    // runs in a second or two under AddressSanitizer (the default budget is ten seconds of work
    // uninstrumented, so a big but legal input, arange(1.2e7) negated ten times, reads as a hang).
    WorkBudget.limit = 100_000_000
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let program = try? Program.parse(source) else { return 0 }
    let inputs = [("x", Variable([0.5, -2, 3], requiresGrad: true)), ("y", Variable(1.5, requiresGrad: true))]
    guard let output = try? Evaluator(inputs: inputs).evaluate(program).output else { return 0 }
    if output.requiresGrad, output.value.count == 1 { try? output.backward() }
    return 0
}
