"""Many `numpy.random.Generator.integers(k)` draws at once, equal to the scalar calls.

`Dataset.shuffle` draws one bounded integer per element (`rng.integers(len(buffer))`, ~1-4 µs
a call). `take(rng, bounds)` returns the same numbers as `[rng.integers(k) for k in bounds]`
and leaves the generator in the same state, from one `random_raw` call: NumPy draws a bound
k < 2**32 with Lemire's method from the bit generator's buffered 32-bit stream (the low then
the high half of each 64-bit output), and a bound of 1 draws nothing. A rare rejection
(probability below k / 2**32 per draw) falls back to the scalar calls. On first use the
emulation is checked against NumPy itself; if this NumPy draws differently, every call uses
the scalar calls (so the shuffle order never depends on the emulation).
"""
import numpy as np

_MASK = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_TWO32 = np.uint64(2 ** 32)
_exact = None  # None: not checked yet; True/False: the emulation matches this NumPy


def _scalar(rng, bounds):
    return np.array([int(rng.integers(int(k))) for k in bounds], np.int64)


def _emulate(rng, bounds):
    """The draws, or None (state unchanged) when a rejection or a large bound needs the
    scalar path."""
    bounds = np.asarray(bounds, np.uint64)
    if bounds.size and int(bounds.max()) >= 2 ** 32:
        return None
    need = bounds > 1
    k = bounds[need]
    n = k.size
    out = np.zeros(bounds.size, np.int64)
    if n == 0:
        return out
    bitgen = rng.bit_generator
    state = bitgen.state
    u32 = np.empty(n, np.uint64)
    start = 0
    if state["has_uint32"]:
        u32[0] = np.uint64(state["uinteger"])
        start = 1
    raw_count = (n - start + 1) // 2
    raw = bitgen.random_raw(raw_count) if raw_count else np.empty(0, np.uint64)
    halves = np.empty(2 * raw_count, np.uint64)
    halves[0::2] = raw & _MASK
    halves[1::2] = raw >> _SHIFT
    u32[start:] = halves[:n - start]
    m = u32 * k
    if ((m & _MASK) < (_TWO32 - k) % k).any():
        bitgen.state = state
        return None
    out[need] = (m >> _SHIFT).astype(np.int64)
    new = bitgen.state
    if 2 * raw_count > n - start:  # the high half of the last output stays buffered
        new["has_uint32"], new["uinteger"] = 1, int(halves[-1])
    else:  # NumPy keeps the last buffered half it consumed
        new["has_uint32"] = 0
        new["uinteger"] = int(halves[-1]) if raw_count else state["uinteger"]
    bitgen.state = new
    return out


def _check():
    """Whether `_emulate` equals NumPy's scalar draws (and final state) here."""
    bounds = [1, 5, 1000, 3, 1, 7, 2, 65537, 1, 1, 4096] * 5 + [3]
    for prefix in (0, 1):
        a = np.random.Generator(np.random.PCG64([7, 11]))
        b = np.random.Generator(np.random.PCG64([7, 11]))
        for _ in range(prefix):  # leave a buffered 32-bit half in the state
            a.integers(10)
            b.integers(10)
        expected = _scalar(a, bounds)
        got = _emulate(b, bounds)
        if got is None or not np.array_equal(got, expected) or \
                a.bit_generator.state != b.bit_generator.state:
            return False
    return True


def take(rng, bounds):
    """`np.array([rng.integers(k) for k in bounds])` (int64), from far fewer calls (see the
    module docstring); each bound must be >= 1."""
    global _exact
    if _exact is None:
        _exact = _check()
    if _exact:
        out = _emulate(rng, bounds)
        if out is not None:
            return out
    return _scalar(rng, bounds)
