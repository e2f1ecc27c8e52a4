"""The timing helper the benchmarks share."""
import statistics
import time


def per_call_us(fn, calls, repeats):
    """Median over `repeats` of the mean time of one `fn()` over `calls` calls, in µs (after
    one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(samples)
