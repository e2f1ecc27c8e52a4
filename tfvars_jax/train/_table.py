"""The LevelDB-style sorted table ("SSTable") that holds a checkpoint's `.index`.

Layout, as written by TensorFlow's tsl/lib/io/table_builder.cc with no compression:

    data block*  metaindex block  index block  footer

A block is a run of entries `varint32 shared, varint32 non_shared, varint32 value_len,
key[shared:], value`, where `shared` bytes of the key are taken from the previous key
(0 at every restart point, one per 16 entries), then the uint32 offsets of the restart
points, then their count. Each block is followed by a 5-byte trailer: the compression
type (0) and the masked CRC-32C of block + type byte. A data block is closed once its
estimated size reaches 256 KiB. The index block (a restart at every entry) maps a key
>= the last key of each data block to that block's handle (varint64 offset, size). The
metaindex block is empty. The 48-byte footer holds the metaindex and index handles,
zero-padded to 40 bytes, and the little-endian magic 0xdb4775248b80fb57.

`build_table` reproduces TensorFlow's output byte for byte; `read_table` checks every
length, offset and checksum and raises `DecodeError` on anything wrong.
"""

import struct

from tfvars_jax.train import _crc32c
from tfvars_jax.train._proto import DecodeError, decode_varint, encode_varint

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
_HANDLE_MAX = 20  # two varint64s
_TRAILER_SIZE = 5
_NO_COMPRESSION = 0
_BLOCK_SIZE = 262144
_RESTART_INTERVAL = 16


class _BlockBuilder:
    def __init__(self, restart_interval):
        self._interval = restart_interval
        self._buf = bytearray()
        self._restarts = [0]
        self._counter = 0
        self._last_key = b""

    def empty(self):
        return not self._buf

    def size_estimate(self):
        return len(self._buf) + 4 * len(self._restarts) + 4

    def add(self, key, value):
        shared = 0
        if self._counter < self._interval:
            limit = min(len(key), len(self._last_key))
            while shared < limit and key[shared] == self._last_key[shared]:
                shared += 1
        else:
            self._restarts.append(len(self._buf))
            self._counter = 0
        self._buf += encode_varint(shared) + encode_varint(len(key) - shared)
        self._buf += encode_varint(len(value)) + key[shared:] + value
        self._last_key = key
        self._counter += 1

    def finish(self):
        out = bytes(self._buf) + struct.pack(f"<{len(self._restarts) + 1}I", *self._restarts,
                                             len(self._restarts))
        self.__init__(self._interval)
        return out


def _shortest_separator(start, limit):
    """A short key k with start <= k < limit (TF's bytewise FindShortestSeparator)."""
    n = min(len(start), len(limit))
    i = 0
    while i < n and start[i] == limit[i]:
        i += 1
    if i < n and start[i] < 0xFF and start[i] + 1 < limit[i]:
        return start[:i] + bytes([start[i] + 1])
    return start


def _short_successor(key):
    """A short key >= `key` (TF's bytewise FindShortSuccessor)."""
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def _handle(offset, size):
    return encode_varint(offset) + encode_varint(size)


def build_table(items):
    """Serializes a sorted table exactly as TensorFlow's TableBuilder (no compression).

    Args:
      items: (key, value) pairs of bytes, keys strictly increasing bytewise.

    Returns:
      The table file's contents.
    """
    out = bytearray()
    data = _BlockBuilder(_RESTART_INTERVAL)
    index = _BlockBuilder(1)
    pending = None  # handle of the last data block, awaiting its index key
    last_key = None

    def write_block(block):
        contents = block.finish()
        offset = len(out)
        crc = _crc32c.extend(_crc32c.value(contents), bytes([_NO_COMPRESSION]))
        out.extend(contents + bytes([_NO_COMPRESSION]) + struct.pack("<I", _crc32c.mask(crc)))
        return _handle(offset, len(contents))

    for key, value in items:
        if last_key is not None:
            if key <= last_key:
                raise ValueError(f"table keys must be strictly increasing: {key!r} after "
                                 f"{last_key!r}")
            if len(key) + len(value) >= 2 * _BLOCK_SIZE and not data.empty():
                pending = write_block(data)
        if pending is not None:
            index.add(_shortest_separator(last_key, key), pending)
            pending = None
        last_key = key
        data.add(key, value)
        if data.size_estimate() >= _BLOCK_SIZE:
            pending = write_block(data)
    if not data.empty():
        pending = write_block(data)
    metaindex = write_block(_BlockBuilder(_RESTART_INTERVAL))
    if pending is not None:
        index.add(_short_successor(last_key), pending)
    index_handle = write_block(index)
    footer = (metaindex + index_handle).ljust(2 * _HANDLE_MAX, b"\0") + struct.pack("<Q", MAGIC)
    return bytes(out + footer)


def _decode_handle(buf, pos, end):
    offset, pos = decode_varint(buf, pos, end)
    size, pos = decode_varint(buf, pos, end)
    return offset, size, pos


def _read_block(data, offset, size, what):
    """Checks a block's bounds and trailer; returns its contents."""
    limit = len(data) - FOOTER_SIZE
    if offset > limit or size > limit - offset or _TRAILER_SIZE > limit - offset - size:
        raise DecodeError(f"{what} (offset {offset}, size {size}) extends past the table's "
                          f"{limit} bytes of blocks")
    contents = data[offset:offset + size]
    kind = data[offset + size]
    (stored,) = struct.unpack_from("<I", data, offset + size + 1)
    actual = _crc32c.extend(_crc32c.value(contents), bytes([kind]))
    if _crc32c.unmask(stored) != actual:
        raise DecodeError(f"{what} at offset {offset}: checksum mismatch "
                          f"(stored {_crc32c.unmask(stored):#010x}, computed {actual:#010x})")
    if kind != _NO_COMPRESSION:
        raise DecodeError(f"{what} at offset {offset}: unsupported compression type {kind}")
    return contents


def _block_entries(block, what):
    """Yields the (key, value) pairs of a block."""
    if len(block) < 4:
        raise DecodeError(f"{what} is too short ({len(block)} bytes)")
    (num_restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    if num_restarts > (len(block) - 4) // 4:
        raise DecodeError(f"{what} claims {num_restarts} restart points in {len(block)} bytes")
    end = len(block) - 4 * (num_restarts + 1)
    pos, key = 0, b""
    while pos < end:
        shared, pos = decode_varint(block, pos, end)
        non_shared, pos = decode_varint(block, pos, end)
        value_len, pos = decode_varint(block, pos, end)
        if shared > len(key) or non_shared + value_len > end - pos:
            raise DecodeError(f"{what} has a corrupt entry at byte {pos}")
        key = key[:shared] + block[pos:pos + non_shared]
        pos += non_shared
        yield key, block[pos:pos + value_len]
        pos += value_len


def read_table(data):
    """Parses a table written by `build_table` or TensorFlow, checking every checksum.

    Args:
      data: the whole table file, as bytes.

    Returns:
      The list of (key, value) pairs of bytes, in key order.

    Raises:
      DecodeError: the bytes are not a well-formed table.
    """
    if len(data) < FOOTER_SIZE:
        raise DecodeError(f"file is too short to be a table ({len(data)} bytes)")
    footer = len(data) - FOOTER_SIZE
    (magic,) = struct.unpack_from("<Q", data, footer + 2 * _HANDLE_MAX)
    if magic != MAGIC:
        raise DecodeError(f"bad table magic number {magic:#018x}")
    _, _, pos = _decode_handle(data, footer, footer + 2 * _HANDLE_MAX)  # metaindex: unused
    index_offset, index_size, _ = _decode_handle(data, pos, footer + 2 * _HANDLE_MAX)
    index = _read_block(data, index_offset, index_size, "index block")
    # Prefix compression lets a few bytes stand for a long key; a TF table (a restart
    # point every 16 entries) expands less than 17-fold. Bound it so that a crafted
    # file cannot make us build gigabytes of keys.
    key_budget = (_RESTART_INTERVAL + 1) * len(data) + 4096
    items = []
    block_end = 0  # data blocks come one after another; none is read twice
    for index_key, handle in _block_entries(index, "index block"):
        key_budget -= len(index_key)
        offset, size, end = _decode_handle(handle, 0, len(handle))
        if end != len(handle):
            raise DecodeError("index block holds a malformed block handle")
        if offset < block_end:
            raise DecodeError(f"data block at offset {offset} overlaps the previous one")
        block = _read_block(data, offset, size, "data block")
        block_end = offset + size + _TRAILER_SIZE
        for key, value in _block_entries(block, f"data block at offset {offset}"):
            if items and key <= items[-1][0]:
                raise DecodeError(f"table keys out of order at {key[:64]!r}")
            key_budget -= len(key)
            if key_budget < 0:
                raise DecodeError("keys expand implausibly (corrupt prefix compression)")
            items.append((key, value))
        if key_budget < 0:
            raise DecodeError("index keys expand implausibly (corrupt prefix compression)")
    return items
