"""The few protocol-buffer messages of a TensorFlow checkpoint index, hand-coded.

Messages (field numbers from tensorflow/core/protobuf/tensor_bundle.proto and friends):

    BundleHeaderProto { int32 num_shards = 1; Endianness endianness = 2;
                        VersionDef version = 3; }
    VersionDef        { int32 producer = 1; int32 min_consumer = 2;
                        repeated int32 bad_consumers = 3; }
    BundleEntryProto  { DataType dtype = 1; TensorShapeProto shape = 2; int32 shard_id = 3;
                        int64 offset = 4; int64 size = 5; fixed32 crc32c = 6;
                        repeated TensorSliceProto slices = 7; }
    TensorShapeProto  { repeated Dim dim = 2 { int64 size = 1; string name = 2; };
                        bool unknown_rank = 3; }
    TensorSliceProto  { repeated Extent extent = 1 { int64 start = 1;
                                                     oneof { int64 length = 2; } }; }

Encoding follows proto3 exactly as TensorFlow's C++ serializer does (fields in number
order, zero scalars omitted, `shape` always present), so index files come out byte for
byte the same. Decoding skips unknown fields and raises `DecodeError` on anything
malformed.
"""

import dataclasses

_VARINT, _FIXED64, _LEN, _FIXED32 = 0, 1, 2, 5
_U64 = (1 << 64) - 1

FULL_EXTENT = -1  # Extent length meaning "the whole dimension" (length unset).


class DecodeError(ValueError):
    """Malformed protobuf or table bytes; callers add the file name."""


def encode_varint(value):
    """Encodes an integer as a protobuf varint (negative values as 64-bit two's complement).

    Args:
      value: an int in [-2**63, 2**64).

    Returns:
      The encoding, 1 to 10 bytes.
    """
    value &= _U64
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def decode_varint(buf, pos, end=None):
    """Decodes a varint of at most 10 bytes (64 bits).

    Args:
      buf: bytes-like holding the varint.
      pos: where it starts.
      end: where the readable region ends (default: len(buf)).

    Returns:
      (value, position after the varint).

    Raises:
      DecodeError: truncated, longer than 10 bytes, or above 2**64 - 1.
    """
    end = len(buf) if end is None else end
    result = shift = 0
    while True:
        if pos >= end:
            raise DecodeError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if result > _U64:
                raise DecodeError("varint overflows 64 bits")
            return result, pos
        shift += 7
        if shift >= 70:
            raise DecodeError("varint longer than 10 bytes")


def _signed(value, bits):
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _fields(buf):
    """Yields (field number, wire type, value) for each field of a serialized message."""
    pos, end = 0, len(buf)
    while pos < end:
        tag, pos = decode_varint(buf, pos, end)
        number, wire = tag >> 3, tag & 7
        if number == 0:
            raise DecodeError("field number 0")
        if wire == _VARINT:
            value, pos = decode_varint(buf, pos, end)
        elif wire == _FIXED64 or wire == _FIXED32:
            width = 8 if wire == _FIXED64 else 4
            if pos + width > end:
                raise DecodeError("truncated fixed-width field")
            value = int.from_bytes(buf[pos:pos + width], "little")
            pos += width
        elif wire == _LEN:
            length, pos = decode_varint(buf, pos, end)
            if length > end - pos:
                raise DecodeError("length-delimited field runs past the end of its message")
            value = bytes(buf[pos:pos + length])
            pos += length
        else:
            raise DecodeError(f"unsupported wire type {wire}")
        yield number, wire, value


def _expect(wire, wanted, name):
    if wire != wanted:
        raise DecodeError(f"field {name} has wire type {wire}, expected {wanted}")


def _tag(number, wire):
    return encode_varint(number << 3 | wire)


def _len_field(number, payload):
    return _tag(number, _LEN) + encode_varint(len(payload)) + payload


def _int_field(number, value):
    return _tag(number, _VARINT) + encode_varint(value) if value else b""


@dataclasses.dataclass
class BundleHeader:
    """BundleHeaderProto, with its VersionDef flattened."""

    num_shards: int = 1
    endianness: int = 0  # 0 LITTLE, 1 BIG
    producer: int = 1
    min_consumer: int = 0
    bad_consumers: tuple = ()

    def encode(self):
        """Serializes as TensorFlow does (TensorFlow never writes `bad_consumers`)."""
        version = _int_field(1, self.producer) + _int_field(2, self.min_consumer)
        return _int_field(1,
                          self.num_shards) + _int_field(2, self.endianness) + _len_field(3, version)

    @classmethod
    def decode(cls, buf):
        """Parses a serialized BundleHeaderProto; raises DecodeError if malformed."""
        header = cls(num_shards=0, producer=0)
        bad = []
        for number, wire, value in _fields(buf):
            if number == 1:
                _expect(wire, _VARINT, "num_shards")
                header.num_shards = _signed(value, 32)
            elif number == 2:
                _expect(wire, _VARINT, "endianness")
                header.endianness = _signed(value, 32)
            elif number == 3:
                _expect(wire, _LEN, "version")
                for vnum, vwire, vvalue in _fields(value):
                    if vnum == 1:
                        _expect(vwire, _VARINT, "version.producer")
                        header.producer = _signed(vvalue, 32)
                    elif vnum == 2:
                        _expect(vwire, _VARINT, "version.min_consumer")
                        header.min_consumer = _signed(vvalue, 32)
                    elif vnum == 3 and vwire == _VARINT:
                        bad.append(_signed(vvalue, 32))
                    elif vnum == 3 and vwire == _LEN:  # packed
                        pos = 0
                        while pos < len(vvalue):
                            item, pos = decode_varint(vvalue, pos)
                            bad.append(_signed(item, 32))
        header.bad_consumers = tuple(bad)
        return header


@dataclasses.dataclass
class BundleEntry:
    """BundleEntryProto. `slices` is a list of slices, each a tuple of (start, length)
    extents, length FULL_EXTENT for a whole dimension."""

    dtype: int = 0
    shape: tuple = ()
    shard_id: int = 0
    offset: int = 0
    size: int = 0
    crc32c: int = 0
    slices: list = dataclasses.field(default_factory=list)

    def encode(self):
        """Serializes as TensorFlow does (`shape` always present, even for scalars)."""
        shape = b"".join(_len_field(2, _int_field(1, d)) for d in self.shape)
        out = [_int_field(1, self.dtype), _len_field(2, shape), _int_field(3, self.shard_id),
               _int_field(4, self.offset), _int_field(5, self.size)]
        if self.crc32c:
            out.append(_tag(6, _FIXED32) + self.crc32c.to_bytes(4, "little"))
        for extents in self.slices:
            out.append(_len_field(7, b"".join(_len_field(1, _encode_extent(*e)) for e in extents)))
        return b"".join(out)

    @classmethod
    def decode(cls, buf):
        """Parses a serialized BundleEntryProto; raises DecodeError if malformed."""
        entry = cls()
        for number, wire, value in _fields(buf):
            if number == 1:
                _expect(wire, _VARINT, "dtype")
                entry.dtype = _signed(value, 32)
            elif number == 2:
                _expect(wire, _LEN, "shape")
                entry.shape = _decode_shape(value)
            elif number == 3:
                _expect(wire, _VARINT, "shard_id")
                entry.shard_id = _signed(value, 32)
            elif number == 4:
                _expect(wire, _VARINT, "offset")
                entry.offset = _signed(value, 64)
            elif number == 5:
                _expect(wire, _VARINT, "size")
                entry.size = _signed(value, 64)
            elif number == 6:
                _expect(wire, _FIXED32, "crc32c")
                entry.crc32c = value
            elif number == 7:
                _expect(wire, _LEN, "slices")
                entry.slices.append(_decode_slice(value))
        return entry


def _encode_extent(start, length):
    out = _int_field(1, start)
    if length != FULL_EXTENT:  # a set oneof member is written even when 0
        out += _tag(2, _VARINT) + encode_varint(length)
    return out


def _decode_shape(buf):
    dims = []
    for number, wire, value in _fields(buf):
        if number == 2:
            _expect(wire, _LEN, "shape.dim")
            size = 0
            for dnum, dwire, dvalue in _fields(value):
                if dnum == 1:
                    _expect(dwire, _VARINT, "shape.dim.size")
                    size = _signed(dvalue, 64)
            dims.append(size)
        elif number == 3:
            _expect(wire, _VARINT, "shape.unknown_rank")
            if value:
                raise DecodeError("shape has unknown rank")
    return tuple(dims)


def _decode_slice(buf):
    extents = []
    for number, wire, value in _fields(buf):
        if number == 1:
            _expect(wire, _LEN, "slices.extent")
            start, length = 0, FULL_EXTENT
            for enum_, ewire, evalue in _fields(value):
                if enum_ in (1, 2):
                    _expect(ewire, _VARINT, "slices.extent.start/length")
                    if enum_ == 1:
                        start = _signed(evalue, 64)
                    else:
                        length = _signed(evalue, 64)
            extents.append((start, length))
    return tuple(extents)
