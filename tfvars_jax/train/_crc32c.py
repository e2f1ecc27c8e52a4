"""CRC-32C (Castagnoli), the checksum of TensorFlow's checkpoint files, in NumPy.

TensorFlow checksums every index block and every tensor with CRC-32C and stores the
"masked" value (`mask`), as LevelDB does. A byte-at-a-time Python loop manages about
10 MB/s, far too slow for large tensors, so big buffers are split into many "lanes"
whose registers NumPy advances together, 4 bytes per step through two 16-bit lookup
tables; the lane registers are then folded together. That is exact because the CRC
register update is linear over GF(2): feeding bytes B to register s gives
`shift(s, len(B)) ^ raw(B)`, where `raw(B)` starts from a zero register and `shift`
is the effect of len(B) zero bytes, a linear map kept as four 256-entry tables.

If the optional `google_crc32c` package (with its C extension) is importable it is
used instead; the result is the same, only faster.
"""

import numpy as np

try:  # Optional speed-up; never required.
    import google_crc32c as _google_crc32c

    if getattr(_google_crc32c, "implementation", None) != "c":
        _google_crc32c = None
except ImportError:
    _google_crc32c = None

_POLY = 0x82F63B78  # CRC-32C polynomial, bit-reflected.
_MASK_DELTA = 0xA282EAD8
_U32 = 0xFFFFFFFF

_LANE_WORDS = 16  # 4-byte words each lane processes: lanes are 64 bytes long.
_LANE_BYTES = 4 * _LANE_WORDS
_MAX_LANES = 65536  # So one NumPy pass covers 4 MiB.
_PIECE_BYTES = _LANE_BYTES * _MAX_LANES
_SMALL = 1024  # Below this many bytes a plain Python loop is faster.


def _byte_table():
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(_POLY), table >> 1).astype(np.uint32)
    return table


_TABLE = _byte_table()
_TABLE_LIST = _TABLE.tolist()


def _apply(op, x):
    """Applies the linear map `op` (four 256-entry tables, one per register byte) to `x`."""
    return op[0][x & 0xFF] ^ op[1][(x >> 8) & 0xFF] ^ op[2][(x >> 16) & 0xFF] ^ op[3][x >> 24]


def _op_from(fn):
    """Tables of the linear map `fn` (a function of a uint32 array)."""
    basis = np.arange(256, dtype=np.uint32)
    return np.stack([fn(basis << np.uint32(8 * j)) for j in range(4)])


def _zero_ops():
    """ops[i] is the effect on the register of 2**i zero bytes, for i < 64."""
    ops = [_op_from(lambda s: _TABLE[s & 0xFF] ^ (s >> 8))]
    for _ in range(63):
        ops.append(_op_from(lambda s, p=ops[-1]: _apply(p, _apply(p, s))))
    return ops


_ZERO_OPS = _zero_ops()


def _shift(state, n):
    """The register after feeding `n` zero bytes to register `state` (a Python int)."""
    state = np.uint32(state)
    i = 0
    while n:
        if n & 1:
            state = _apply(_ZERO_OPS[i], state)
        n >>= 1
        i += 1
    return int(state)


# Advancing a lane by one 4-byte word w: s ^= w, then s = _STEP_LO[s & 0xFFFF] ^ _STEP_HI[s >> 16].
_STEP_LO = _apply(_ZERO_OPS[2], np.arange(1 << 16, dtype=np.uint32))
_STEP_HI = _apply(_ZERO_OPS[2], np.arange(1 << 16, dtype=np.uint32) << np.uint32(16))


def _raw(buf):
    """Register after feeding `buf` (uint8 array, at most _PIECE_BYTES) to a zero register."""
    n = buf.size
    lanes = 1 << max(0, (-(-n // _LANE_BYTES) - 1).bit_length())
    total = lanes * _LANE_BYTES
    if n != total:
        # Leading zero bytes leave a zero register at zero, so left-padding changes nothing.
        padded = np.zeros(total, dtype=np.uint8)
        padded[total - n:] = buf
        buf = padded
    rows = buf.view("<u4").reshape(lanes, _LANE_WORDS).T.copy()  # rows[t] = word t of each lane
    state = np.zeros(lanes, dtype=np.uint32)
    for row in rows:
        state ^= row
        state = _STEP_LO.take(state & 0xFFFF) ^ _STEP_HI.take(state >> 16)
    level = _LANE_BYTES.bit_length() - 1  # lanes hold 2**level bytes each
    while state.size > 1:
        state = _apply(_ZERO_OPS[level], state[0::2]) ^ state[1::2]
        level += 1
    return int(state[0])


def _as_bytes_array(data):
    if isinstance(data, np.ndarray):
        return np.ascontiguousarray(data).reshape(-1).view(np.uint8)
    return np.frombuffer(memoryview(data).cast("B"), dtype=np.uint8)


def extend(crc, data):
    """Extends a CRC-32C over more bytes.

    Args:
      crc: the CRC-32C of the bytes so far (0 for none), unmasked.
      data: a bytes-like object or a NumPy array (its raw bytes are used).

    Returns:
      The CRC-32C (an int) of the bytes so far followed by `data`.
    """
    if _google_crc32c is not None:
        return _google_crc32c.extend(crc,
                                     data if isinstance(data, bytes) else _as_bytes_array(data))
    buf = _as_bytes_array(data)
    state = crc ^ _U32
    if buf.size < _SMALL:
        table = _TABLE_LIST
        for byte in buf.tobytes():
            state = table[(state ^ byte) & 0xFF] ^ (state >> 8)
        return state ^ _U32
    for start in range(0, buf.size, _PIECE_BYTES):
        piece = buf[start:start + _PIECE_BYTES]
        state = _shift(state, piece.size) ^ _raw(piece)
    return state ^ _U32


def value(data):
    """CRC-32C of `data` (bytes-like or NumPy array), unmasked.

    Args:
      data: the bytes to checksum.

    Returns:
      The CRC-32C as an int.
    """
    return extend(0, data)


def mask(crc):
    """LevelDB's masking of a stored CRC (rotate right by 15, add a constant).

    Args:
      crc: an unmasked CRC-32C.

    Returns:
      The masked value, as written into TensorFlow checkpoint files.
    """
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & _U32


def unmask(masked):
    """Inverse of `mask`.

    Args:
      masked: a masked CRC as read from a file.

    Returns:
      The unmasked CRC-32C.
    """
    rot = (masked - _MASK_DELTA) & _U32
    return ((rot >> 17) | (rot << 15)) & _U32
