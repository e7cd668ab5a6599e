import Glibc
import Testing
@testable import gradcli

/// The queue the batch worker processes share.
@Suite struct SharedBlockQueueTests {
    /// A worker killed while it holds the queue's lock (SIGKILL, the OOM killer) must not leave
    /// the lock held: the other workers, and the batch waiting for them, would hang forever.
    @Test func aWorkerKilledHoldingTheLockDoesNotStopTheOthers() throws {
        let queue = try #require(SharedBlockQueue(count: Int.max, blockSize: 1))
        _ = queue.next()  // anything lazy happens here, before the forks
        for _ in 0..<20 {
            // A worker that does nothing but take blocks holds the lock much of the time.
            let spinner = fork()
            if spinner == 0 {
                while queue.next() != nil {}
                _exit(0)
            }
            try #require(spinner > 0)
            usleep(5_000)
            kill(spinner, SIGKILL)
            var status: Int32 = 0
            while waitpid(spinner, &status, 0) < 0 && errno == EINTR {}
            // Another worker must still get a block; it is given two seconds.
            let taker = fork()
            if taker == 0 { _exit(queue.next() != nil ? 0 : 1) }
            try #require(taker > 0)
            var finished = false
            for _ in 0..<200 {
                if waitpid(taker, &status, WNOHANG) == taker { finished = true; break }
                usleep(10_000)
            }
            if !finished {
                kill(taker, SIGKILL)
                while waitpid(taker, &status, 0) < 0 && errno == EINTR {}
            }
            try #require(finished, "a worker waits forever for the lock of a worker that was killed")
            #expect(status == 0)
        }
    }
}
