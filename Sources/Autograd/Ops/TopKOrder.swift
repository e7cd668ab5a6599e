// The positions PyTorch's CPU `topk` returns, ties included. Its kernel pairs each value with
// its index and orders the pairs by value alone with the C++ standard library (libstdc++):
// `partial_sort` when k * 64 <= the lane's size, else `nth_element` on the k-th and, when
// sorted, `sort` of the k - 1 before it. Neither is stable, so which of equal values come
// first (and so where the gradient goes) is the algorithms' own order, reproduced here step
// by step. NaN counts as the largest value.

extension Ops {
    /// The positions of the k values `topk` selects from `lane`, in the order it returns them.
    static func topkPositions(_ lane: [Double], k: Int, largest: Bool, sorted: Bool) -> [Int] {
        guard k > 0 else { return [] }
        var order = TopKOrder(values: lane, largest: largest)
        let n = lane.count
        if k * 64 <= n {
            order.heapSelect(0, k, n)
            order.sortHeap(0, k)
        } else {
            order.nthElement(k - 1)
            if sorted { order.sort(0, k - 1) }
        }
        return Array(order.index.prefix(k))
    }
}

/// Pairs of (value, index) and libstdc++'s algorithms on them, comparing values only.
struct TopKOrder {
    var value: [Double]
    var index: [Int]
    let largest: Bool

    init(values: [Double], largest: Bool) {
        (value, index, self.largest) = (values, Array(values.indices), largest)
    }

    /// PyTorch's comparator: x comes before y.
    func before(_ x: Double, _ y: Double) -> Bool {
        largest ? (x.isNaN && !y.isNaN) || x > y : (!x.isNaN && y.isNaN) || x < y
    }

    func comp(_ i: Int, _ j: Int) -> Bool { before(value[i], value[j]) }

    mutating func swapAt(_ i: Int, _ j: Int) { value.swapAt(i, j); index.swapAt(i, j) }

    /// floor(log2(n)), libstdc++'s `__lg`.
    static func lg(_ n: Int) -> Int { Int.bitWidth - 1 - n.leadingZeroBitCount }

    // MARK: nth_element and sort (introselect, introsort)

    mutating func nthElement(_ nth: Int) {
        let n = value.count
        guard n > 0, nth < n else { return }
        var first = 0, last = n, depth = TopKOrder.lg(n) * 2
        while last - first > 3 {
            if depth == 0 {
                heapSelect(first, nth + 1, last)
                swapAt(first, nth)
                return
            }
            depth -= 1
            let cut = partitionPivot(first, last)
            if cut <= nth { first = cut } else { last = cut }
        }
        insertionSort(first, last)
    }

    mutating func sort(_ first: Int, _ last: Int) {
        guard last - first > 1 else { return }
        introsortLoop(first, last, TopKOrder.lg(last - first) * 2)
        if last - first > 16 {
            insertionSort(first, first + 16)
            for i in (first + 16)..<last { unguardedLinearInsert(i) }
        } else {
            insertionSort(first, last)
        }
    }

    mutating func introsortLoop(_ first: Int, _ last: Int, _ depthLimit: Int) {
        var last = last, depth = depthLimit
        while last - first > 16 {
            if depth == 0 {
                heapSelect(first, last, last)
                sortHeap(first, last)
                return
            }
            depth -= 1
            let cut = partitionPivot(first, last)
            introsortLoop(cut, last, depth)
            last = cut
        }
    }

    mutating func partitionPivot(_ first: Int, _ last: Int) -> Int {
        let mid = first + (last - first) / 2
        moveMedianToFirst(first, first + 1, mid, last - 1)
        return unguardedPartition(first + 1, last, pivot: first)
    }

    mutating func moveMedianToFirst(_ result: Int, _ a: Int, _ b: Int, _ c: Int) {
        if comp(a, b) {
            if comp(b, c) { swapAt(result, b) } else if comp(a, c) { swapAt(result, c) } else { swapAt(result, a) }
        } else if comp(a, c) {
            swapAt(result, a)
        } else if comp(b, c) {
            swapAt(result, c)
        } else {
            swapAt(result, b)
        }
    }

    mutating func unguardedPartition(_ first: Int, _ last: Int, pivot: Int) -> Int {
        var first = first, last = last
        while true {
            while comp(first, pivot) { first += 1 }
            last -= 1
            while comp(pivot, last) { last -= 1 }
            if !(first < last) { return first }
            swapAt(first, last)
            first += 1
        }
    }

    mutating func insertionSort(_ first: Int, _ last: Int) {
        guard first < last else { return }
        var i = first + 1
        while i < last {
            if comp(i, first) {
                let (v, ix) = (value[i], index[i])
                var j = i
                while j > first { value[j] = value[j - 1]; index[j] = index[j - 1]; j -= 1 }
                (value[first], index[first]) = (v, ix)
            } else {
                unguardedLinearInsert(i)
            }
            i += 1
        }
    }

    mutating func unguardedLinearInsert(_ position: Int) {
        let (v, ix) = (value[position], index[position])
        var last = position, next = position - 1
        while before(v, value[next]) {
            (value[last], index[last]) = (value[next], index[next])
            last = next
            next -= 1
        }
        (value[last], index[last]) = (v, ix)
    }

    // MARK: heaps (partial_sort)

    mutating func heapSelect(_ first: Int, _ middle: Int, _ last: Int) {
        makeHeap(first, middle)
        var i = middle
        while i < last {
            if comp(i, first) { popHeap(first, middle, result: i) }
            i += 1
        }
    }

    mutating func sortHeap(_ first: Int, _ last: Int) {
        var last = last
        while last - first > 1 {
            last -= 1
            popHeap(first, last, result: last)
        }
    }

    mutating func makeHeap(_ first: Int, _ last: Int) {
        let len = last - first
        guard len >= 2 else { return }
        var parent = (len - 2) / 2
        while true {
            let held = (value[first + parent], index[first + parent])
            adjustHeap(first, parent, len, held)
            if parent == 0 { return }
            parent -= 1
        }
    }

    mutating func popHeap(_ first: Int, _ last: Int, result: Int) {
        let held = (value[result], index[result])
        (value[result], index[result]) = (value[first], index[first])
        adjustHeap(first, 0, last - first, held)
    }

    mutating func adjustHeap(_ first: Int, _ hole: Int, _ len: Int, _ held: (Double, Int)) {
        let top = hole
        var hole = hole, child = hole
        while child < (len - 1) / 2 {
            child = 2 * (child + 1)
            if comp(first + child, first + child - 1) { child -= 1 }
            (value[first + hole], index[first + hole]) = (value[first + child], index[first + child])
            hole = child
        }
        if len & 1 == 0 && child == (len - 2) / 2 {
            child = 2 * (child + 1)
            (value[first + hole], index[first + hole]) = (value[first + child - 1], index[first + child - 1])
            hole = child - 1
        }
        // push_heap
        var parent = (hole - 1) / 2
        while hole > top && before(value[first + parent], held.0) {
            (value[first + hole], index[first + hole]) = (value[first + parent], index[first + parent])
            hole = parent
            parent = (hole - 1) / 2
        }
        (value[first + hole], index[first + hole]) = held
    }
}
