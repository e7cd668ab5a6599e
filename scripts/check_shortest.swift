// Compares gk_shortest_double (Sources/CKernels/shortest.c) with Swift's `Double.description`,
// and gk_json_number with gradcli's JSON rule built from it (whole numbers below 1e16 in full),
// on many doubles; run through scripts/check_shortest.sh. Prints the count per group and the
// first mismatches; exits 1 on any mismatch.
//
// Usage: check_shortest [RANDOM]   (the edge cases, then RANDOM random finite bit patterns,
// default 100_000_000)
import CKernels
import Glibc

let random = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 100_000_000
var checked = 0, mismatches = 0
let scratch = UnsafeMutablePointer<CChar>.allocate(capacity: 48)

func same(_ expected: String, _ length: Int) -> Bool {
    var expected = expected
    return expected.withUTF8 { $0.count == length && memcmp($0.baseAddress!, scratch, length) == 0 }
}
func report(_ what: String, _ x: Double, _ expected: String, _ length: Int) {
    mismatches += 1
    if mismatches <= 20 {
        let mine = String(decoding: UnsafeRawBufferPointer(start: scratch, count: length), as: UTF8.self)
        print("MISMATCH \(what) bits=0x\(String(x.bitPattern, radix: 16)) swift=\(expected) c=\(mine)")
    }
}
@inline(__always) func check(_ x: Double) {
    let description = x.description
    var length = Int(gk_shortest_double(scratch, x))
    if !same(description, length) { report("description", x, description, length) }
    let json: String
    if !x.isFinite { json = x.isNaN ? "\"NaN\"" : x > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
    else if x != 0, x == x.rounded(), Swift.abs(x) < 1e16 { json = String(Int64(x)) + ".0" }
    else { json = description }
    length = Int(gk_json_number(scratch, x))
    if !same(json, length) { report("json", x, json, length) }
    checked += 1
    run.append(x)
    runText += json.utf8
    runText.append(UInt8(ascii: ","))
    if run.count == 1001 { checkRun() }
}
/// gk_json_numbers (two numbers at a time, its own code path) against the numbers one by one,
/// on runs of 1001 of the values checked.
var run: [Double] = [], runText: [UInt8] = []
let runScratch = UnsafeMutablePointer<CChar>.allocate(capacity: 1001 * 25 + 48)
func checkRun() {
    runText.removeLast()
    let length = gk_json_numbers(runScratch, run, run.count)
    if length != runText.count || memcmp(runScratch, runText, runText.count) != 0 {
        mismatches += 1
        print("MISMATCH gk_json_numbers on a run starting with bits=0x\(String(run[0].bitPattern, radix: 16))")
    }
    run.removeAll(keepingCapacity: true)
    runText.removeAll(keepingCapacity: true)
}
/// x, -x and `spread` neighbours on each side.
func around(_ x: Double, _ spread: Int) {
    var up = x, down = x
    check(x); check(-x)
    for _ in 0..<spread { up = up.nextUp; down = down.nextDown; check(up); check(down) }
}

var state: UInt64 = 0x243F6A8885A308D3
@inline(__always) func next() -> UInt64 { // SplitMix64
    state &+= 0x9E3779B97F4A7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
    return z ^ (z >> 31)
}
func group(_ name: String, _ body: () -> Void) {
    let before = checked, wrongBefore = mismatches
    body()
    print("\(name): \(checked - before) checked, \(mismatches - wrongBefore) mismatches")
}

group("zeros, extremes, non-finite") {
    for x in [Double.infinity, -.infinity, .nan, -.nan, .signalingNaN] { check(x) }
    for x in [0.0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1, 0.1, 1e23] { around(x, 1000) }
}
group("subnormals (smallest and largest 2^20, every 2^20th)") {
    for f in UInt64(1)...(1 << 20) {
        check(Double(bitPattern: f)); check(Double(bitPattern: (1 << 52) - f)); check(Double(bitPattern: f << 20))
    }
}
group("each binary exponent: the 1000 smallest and largest significands") {
    for biased in UInt64(1)...2046 {
        for f in UInt64(0)..<1000 {
            check(Double(bitPattern: biased << 52 | f)); check(Double(bitPattern: biased << 52 | ((1 << 52) - 1 - f)))
        }
    }
}
group("powers of two and ten, 100 neighbours each side") {
    for e in -1074...1023 { around(Double(sign: .plus, exponent: e, significand: 1), 100) }
    for k in -323...308 { around(Double("1e\(k)")!, 100) }
}
group("short decimals d * 10^j (d < 10^4) and their neighbours") {
    for j in -327...308 {
        for d in 1..<10_000 where d % 10 != 0 { around(Double("\(d)e\(j)")!, 1) }
    }
}
group("random decimals of 1 to 17 digits and their neighbours") {
    for _ in 0..<3_000_000 {
        let r = next()
        let digits = Int(r % 17) + 1
        var d = next() % 100_000_000_000_000_000
        for _ in digits..<17 { d /= 10 }
        let j = Int((r >> 8) % 640) - 330
        if let x = Double("\(d)e\(j)") { around(x, 1) }
    }
}
group("integers near 2^52, 2^53, 2^54, 10^15, 10^16 and small integers") {
    for base in [4503599627370496.0, 9007199254740992.0, 18014398509481984.0, 1e15, 1e16] { around(base, 1_000_000) }
    for i in 1...1_000_000 { check(Double(i)); check(Double(i) / 1024); check(Double(i) * 0.5 + 0.25) }
}
group("near the notation switch points 1e-4 and 2^53") {
    for x in [1e-4, 0.00010000000000000002, 9.999999999999999e-5, 9007199254740992.0] { around(x, 1_000_000) }
}
group("random bit patterns") {
    var done = 0
    while done < random {
        let x = Double(bitPattern: next())
        if x.isFinite { check(x); done += 1 }
    }
}
if !run.isEmpty { checkRun() }
print("total: \(checked) doubles checked (also in runs through gk_json_numbers), \(mismatches) mismatches")
if mismatches > 0 { exit(1) }
