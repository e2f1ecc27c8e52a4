"""TensorFlow's V2 checkpoint format ("tensor bundle"), read and written without TensorFlow.

A checkpoint with prefix P is two or more files:

  * `P.index`: a sorted table (`_table`) mapping "" to a BundleHeaderProto and every
    tensor name to a BundleEntryProto (`_proto`): dtype, shape, data shard, offset,
    size and masked CRC-32C of the tensor's bytes.
  * `P.data-00000-of-00001` (or N shards, `P.data-0000K-of-0000N`): the tensors' bytes,
    one after another. Numeric tensors are raw little-endian arrays. A string tensor is
    `varint64 len[i]...`, then the masked CRC-32C of the lengths (each as a little-endian
    uint32, or uint64 if it does not fit), then the strings' bytes; its entry CRC covers
    the lengths (as uint32/uint64), the 4 length-CRC bytes and the strings.

Partitioned variables are saved as slices; see `_slices`. Files written here are byte
for byte those TensorFlow writes for the same tensors (tested against TF's SaveV2).

Writes are atomic per file: everything goes to temporary files in the same directory
which are fsynced, then renamed over `P.data-00000-of-00001` and, last, `P.index`, the
directory fsynced after each rename. A crash before the first rename leaves the
previous checkpoint at P intact. Between the two renames the old index meets the new
data file; reads of tensors whose bytes changed then fail their checksum with
DataLossError rather than return wrong values.

Test-only fault injection: if the environment variable TFVARS_JAX_BUNDLE_FAULT names one
of the points "mid_data" (after the first tensor's bytes), "before_rename" (both
temporary files complete) or "between_renames", the writer calls `os._exit(1)` there.

Every problem with the files raises a `tfvars_jax.framework.errors` exception naming
the file: DataLossError for anything truncated, corrupt or inconsistent, NotFoundError
for a missing file or tensor.

The `checkpoint` state file that lists a directory's checkpoints is read and written by
`read_checkpoint_state` / `write_checkpoint_state` (from `_checkpoint_state`).
"""

import errno
import math
import os
import uuid

import ml_dtypes
import numpy as np

from tfvars_jax.framework import errors
from tfvars_jax.train import _crc32c, _slices, _table
from tfvars_jax.train._checkpoint_state import (CheckpointState, read_checkpoint_state,
                                                write_checkpoint_state)
from tfvars_jax.train._proto import (BundleEntry, BundleHeader, DecodeError, decode_varint,
                                     encode_varint)

__all__ = ["write_bundle", "BundleReader", "index_filename", "data_filename",
           "CheckpointState", "read_checkpoint_state", "write_checkpoint_state", "FAULT_ENV"]

FAULT_ENV = "TFVARS_JAX_BUNDLE_FAULT"
_STRING = 7
# TensorFlow DataType enum (tensorflow/core/framework/types.proto) -> NumPy dtype.
_NUMPY_BY_ENUM = {
    1: np.dtype(np.float32), 2: np.dtype(np.float64), 3: np.dtype(np.int32),
    4: np.dtype(np.uint8), 5: np.dtype(np.int16), 6: np.dtype(np.int8),
    _STRING: np.dtype(object), 8: np.dtype(np.complex64), 9: np.dtype(np.int64),
    10: np.dtype(np.bool_), 14: np.dtype(ml_dtypes.bfloat16), 17: np.dtype(np.uint16),
    18: np.dtype(np.complex128), 19: np.dtype(np.float16), 22: np.dtype(np.uint32),
    23: np.dtype(np.uint64), 24: np.dtype(ml_dtypes.float8_e5m2),
    25: np.dtype(ml_dtypes.float8_e4m3fn),
}
_ENUM_BY_NUMPY = {dt: num for num, dt in _NUMPY_BY_ENUM.items() if num != _STRING}
_CHUNK = 4 << 20  # bytes copied, checksummed and written at a time
_CONSUMER_VERSION, _MIN_PRODUCER = 1, 0  # kTensorBundleVersion, kTensorBundleMinProducer


def index_filename(prefix):
    """The index file of a checkpoint (TF's MetaFilename).

    Args:
      prefix: the checkpoint prefix, e.g. "/tmp/model.ckpt-100".

    Returns:
      `prefix + ".index"`.
    """
    return f"{os.fspath(prefix)}.index"


def data_filename(prefix, shard_id, num_shards):
    """A data file of a checkpoint (TF's DataFilename).

    Args:
      prefix: the checkpoint prefix.
      shard_id: which shard, from 0.
      num_shards: how many shards the checkpoint has.

    Returns:
      e.g. "prefix.data-00000-of-00001".
    """
    return f"{os.fspath(prefix)}.data-{shard_id:05d}-of-{num_shards:05d}"


def _os_error(exc, path, doing):
    """Maps an OSError to the TF error class TensorFlow's file system would raise."""
    message = f"{path}: {doing} failed: {exc.strerror or exc}"
    if exc.errno == errno.ENOENT:
        return errors.NotFoundError(None, None, message)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return errors.PermissionDeniedError(None, None, message)
    if exc.errno == errno.ENOSPC:
        return errors.ResourceExhaustedError(None, None, message)
    return errors.UnknownError(None, None, message)


def _maybe_fault(point):
    if os.environ.get(FAULT_ENV) == point:
        os._exit(1)


# --------------------------------------------------------------------------- writing


def _name_bytes(name):
    if isinstance(name, bytes):
        return name
    if isinstance(name, str):
        return name.encode("utf-8", "surrogateescape")
    raise errors.InvalidArgumentError(None, None, f"tensor name {name!r} is not a string")


def _string_elements(arr, name):
    out = []
    for item in arr.reshape(-1).tolist():
        if isinstance(item, bytes):
            out.append(item)
        elif isinstance(item, str):
            out.append(item.encode("utf-8"))
        else:
            raise errors.InvalidArgumentError(
                None, None, f"string tensor {name!r} holds a {type(item).__name__}, not bytes or str")
    return out


def _describe(name, value):
    """(DataType enum, shape) of a value to save, without copying it (it may be a JAX array)."""
    try:
        dtype, shape = np.dtype(value.dtype), tuple(value.shape)
    except (AttributeError, TypeError):
        value = np.asarray(value)
        dtype, shape = value.dtype, value.shape
    shape = tuple(int(d) for d in shape)
    if dtype.kind in "OSU":
        return _STRING, shape
    enum = _ENUM_BY_NUMPY.get(dtype.newbyteorder("<"))
    if enum is None:
        raise errors.InvalidArgumentError(
            None, None, f"tensor {name!r} has dtype {dtype}, which checkpoints cannot hold")
    return enum, shape


def _little_endian(value):
    """The value as a NumPy array, numeric types in little-endian byte order."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "OSU" and arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr


def _write_numeric(out, arr):
    """Streams an array's bytes; returns (size, crc32c)."""
    flat = np.ascontiguousarray(arr).reshape(-1).view(np.uint8)
    crc = 0
    for start in range(0, flat.size, _CHUNK):
        chunk = flat[start:start + _CHUNK].tobytes()  # checksum exactly the bytes written
        crc = _crc32c.extend(crc, chunk)
        out.write(chunk)
    return flat.size, crc


def _length_words(lengths):
    """String lengths as TF checksums them: little-endian uint32, or uint64 if too big."""
    if all(n <= 0xFFFFFFFF for n in lengths):
        return np.asarray(lengths, dtype="<u4").tobytes()
    return b"".join(n.to_bytes(4 if n <= 0xFFFFFFFF else 8, "little") for n in lengths)


def _write_strings(out, elements):
    """Writes a string tensor in TF's layout; returns (size, crc32c)."""
    lengths = [len(e) for e in elements]
    varints = b"".join(encode_varint(n) for n in lengths)
    crc = _crc32c.value(_length_words(lengths))
    length_crc = _crc32c.mask(crc).to_bytes(4, "little")
    payload = b"".join(elements)
    crc = _crc32c.extend(_crc32c.extend(crc, length_crc), payload)
    out.write(varints)
    out.write(length_crc)
    out.write(payload)
    return len(varints) + 4 + len(payload), crc


def _plan(tensors, slices):
    """Validates the inputs; returns (records in data order, {key: BundleEntry}).

    A record is (key bytes, DataType enum, value). Full-tensor entries of partitioned
    tensors go in the entry map directly; their slices become records.
    """
    plain = {_name_bytes(name): (name, value) for name, value in tensors.items()}
    sliced = {}
    for name, parts in (slices or {}).items():
        key = _name_bytes(name)
        if key in plain or key in sliced:
            raise errors.InvalidArgumentError(None, None, f"tensor {name!r} is given twice")
        sliced[key] = (name, parts)
    records, entries = [], {}

    def add(key, enum, shape, value):
        if key in entries:
            raise errors.InvalidArgumentError(None, None, f"checkpoint key {key!r} is given twice")
        records.append((key, enum, value))
        entries[key] = BundleEntry(dtype=enum, shape=shape)

    for key in sorted(set(plain) | set(sliced)):
        if not key or key.startswith(_slices.SLICE_KEY_START):
            raise errors.InvalidArgumentError(
                None, None, f"tensor name {key!r} is empty or starts with a NUL byte")
        if key in plain:
            name, value = plain[key]
            add(key, *_describe(name, value), value)
            continue
        name, parts = sliced[key]
        full = BundleEntry()
        for spec, value in parts:
            try:
                shape, extents = _slices.parse_shape_and_slice(spec)
            except ValueError as exc:
                raise errors.InvalidArgumentError(None, None, f"tensor {name!r}: {exc}") from None
            enum, part_shape = _describe(name, value)
            want = tuple(b - a for a, b in _slices.resolve(shape, extents))
            if part_shape != want:
                raise errors.InvalidArgumentError(
                    None, None, f"tensor {name!r}: slice {spec!r} needs shape {list(want)}, "
                                f"got {list(part_shape)}")
            if full.slices and (full.shape != shape or full.dtype != enum):
                raise errors.InvalidArgumentError(
                    None, None, f"tensor {name!r}: slices disagree on the full shape or dtype")
            if _slices.is_full(shape, extents):  # TF stores a whole "slice" as a plain tensor
                add(key, enum, part_shape, value)
                continue
            full.dtype, full.shape = enum, shape
            full.slices.append(extents)
            add(_slices.encode_tensor_name_slice(key, extents), enum, part_shape, value)
        if full.slices:
            if key in entries:
                raise errors.InvalidArgumentError(
                    None, None, f"tensor {name!r}: a slice covering it all must be its only slice")
            entries[key] = full
    return records, entries


def _create_temp(final_path):
    """Creates (exclusively, honouring the umask) a temporary file beside `final_path`."""
    path = f"{final_path}.tempstate{uuid.uuid4().hex}"
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                   0o666), path


def _fsync_dir(directory):
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bundle(prefix, tensors, *, slices=None):
    """Writes a single-shard V2 checkpoint, atomically replacing any previous one at `prefix`.

    Tensor bytes are streamed to the data file one tensor at a time (at most one extra
    4 MiB chunk in memory, plus a contiguous little-endian copy if the array is not one).

    Args:
      prefix: checkpoint prefix; writes `prefix.index` and `prefix.data-00000-of-00001`.
        The directory is created if missing.
      tensors: {name: array-like}. Numeric dtypes: float16/32/64, bfloat16, float8_e5m2,
        float8_e4m3fn, int8/16/32/64, uint8/16/32/64, bool, complex64/128. Strings: arrays
        of dtype object (bytes or str elements, str saved as UTF-8), bytes_ or str_.
      slices: {name: [(shape_and_slice, array), ...]} for partitioned tensors, each part
        with TF's spec string, e.g. "10 4 0,5:-" for rows 0-4 of a [10, 4] tensor.

    Raises:
      InvalidArgumentError: unsupported dtype, bad slice spec or shape, duplicate name.
      NotFoundError, PermissionDeniedError, ResourceExhaustedError, UnknownError: the
        files could not be written.
    """
    prefix = os.fspath(prefix)
    records, entries = _plan(tensors, slices)
    directory = os.path.dirname(prefix) or "."
    data_path, index_path = data_filename(prefix, 0, 1), index_filename(prefix)
    temps = []
    path = directory
    try:
        os.makedirs(directory, exist_ok=True)
        path = data_path
        fd, tmp_data = _create_temp(data_path)
        temps.append(tmp_data)
        with os.fdopen(fd, "wb") as out:
            offset = 0
            for i, (key, enum, value) in enumerate(records):
                arr = _little_endian(value)
                if enum == _STRING:
                    size, crc = _write_strings(out, _string_elements(arr, key.decode("utf-8",
                                                                                     "replace")))
                else:
                    size, crc = _write_numeric(out, arr)
                entry = entries[key]
                entry.offset, entry.size, entry.crc32c = offset, size, _crc32c.mask(crc)
                offset += size
                if i == 0:
                    out.flush()
                    _maybe_fault("mid_data")
            out.flush()
            os.fsync(out.fileno())
        path = index_path
        fd, tmp_index = _create_temp(index_path)
        temps.append(tmp_index)
        items = [(b"", BundleHeader().encode())]
        items += [(key, entries[key].encode()) for key in sorted(entries)]
        with os.fdopen(fd, "wb") as out:
            out.write(_table.build_table(items))
            out.flush()
            os.fsync(out.fileno())
        _maybe_fault("before_rename")
        os.replace(tmp_data, data_path)
        temps.remove(tmp_data)
        _fsync_dir(directory)  # the new index must never be on disk without its data
        _maybe_fault("between_renames")
        os.replace(tmp_index, index_path)
        temps.remove(tmp_index)
        _fsync_dir(directory)
    except OSError as exc:
        raise _os_error(exc, path, "writing checkpoint") from exc
    finally:
        for tmp in temps:
            try:
                os.remove(tmp)
            except OSError:
                pass


# --------------------------------------------------------------------------- reading


def _data_loss(path, message):
    return errors.DataLossError(None, None, f"{path}: {message}")


_VERIFY_CHUNK = 8 << 20  # bytes checksummed at a time when verifying a tensor


def _aligned_empty(size, align=64):
    """An uninitialized uint8 buffer whose data is `align`-byte aligned: on the CPU, JAX can
    then adopt it as an array without a copy (`device_put(..., may_alias=True)`)."""
    raw = np.empty(size + align, dtype=np.uint8)
    start = (-raw.ctypes.data) % align
    return raw[start:start + size]


def _read_exactly(f, offset, size, path, buf=None):
    """`size` bytes at `offset` of file `f` (best unbuffered: a BufferedReader's readinto of a
    large buffer costs ~1.7x the CPU), into `buf` if given, else a new aligned buffer."""
    if buf is None:
        buf = _aligned_empty(size)
    f.seek(offset)
    view = memoryview(buf)
    done = 0
    while done < size:
        n = f.readinto(view[done:])
        if not n:
            raise _data_loss(path, f"file ended at byte {offset + done} while reading "
                                   f"{size} bytes at offset {offset}")
        done += n
    return buf


class BundleReader:
    """Reads a V2 checkpoint (`prefix.index` plus its data shards).

    The index is read and its checksums verified when the reader is made; each tensor's
    bytes are read, and their checksum verified, by `read`.
    """

    def __init__(self, prefix):
        """Opens the checkpoint.

        Args:
          prefix: checkpoint prefix (the path without ".index").

        Raises:
          NotFoundError: there is no `prefix.index`.
          DataLossError: the index is truncated, corrupt or malformed.
          UnimplementedError: the checkpoint is big-endian.
          InvalidArgumentError: the checkpoint's format version is not supported.
        """
        self._prefix = os.fspath(prefix)
        self._index_path = index_filename(self._prefix)
        path = self._index_path
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as exc:
            raise _os_error(exc, path, "opening checkpoint index") from exc
        try:
            items = _table.read_table(raw)
        except DecodeError as exc:
            raise _data_loss(path, f"corrupt checkpoint index: {exc}") from None
        if not items or items[0][0] != b"":
            raise _data_loss(path, "checkpoint index has no header entry")
        try:
            header = BundleHeader.decode(items[0][1])
        except DecodeError as exc:
            raise _data_loss(path, f"unparseable checkpoint header: {exc}") from None
        self._check_header(header)
        self._num_shards = header.num_shards
        self._entries = {}
        for key, value in items[1:]:
            try:
                self._entries[key] = BundleEntry.decode(value)
            except DecodeError as exc:
                raise _data_loss(path, f"entry for key {key!r} not parseable: {exc}") from None

    def _check_header(self, header):
        path = self._index_path
        if header.num_shards < 1:
            raise _data_loss(path, f"header claims {header.num_shards} data shards")
        if header.endianness == 1:
            raise errors.UnimplementedError(None, None,
                                            f"{path}: big-endian checkpoints are not supported")
        if header.endianness != 0:
            raise _data_loss(path, f"header has unknown endianness {header.endianness}")
        if header.producer < _MIN_PRODUCER:
            raise errors.InvalidArgumentError(
                None, None, f"{path}: checkpoint producer version {header.producer} below min "
                            f"producer {_MIN_PRODUCER} supported by this reader")
        if header.min_consumer > _CONSUMER_VERSION:
            raise errors.InvalidArgumentError(
                None, None, f"{path}: checkpoint min consumer version {header.min_consumer} above "
                            f"current version {_CONSUMER_VERSION}")
        if _CONSUMER_VERSION in header.bad_consumers:
            raise errors.InvalidArgumentError(
                None, None, f"{path}: checkpoint disallows consumer version {_CONSUMER_VERSION}")

    @property
    def prefix(self):
        """The checkpoint prefix."""
        return self._prefix

    def keys(self):
        """Names of the saved tensors (partitioned ones once, by full name), sorted.

        Returns:
          A list of str.
        """
        return [key.decode("utf-8", "surrogateescape")
                for key in self._entries if not key.startswith(_slices.SLICE_KEY_START)]

    def has(self, name):
        """Whether a tensor of that name is saved.

        Args:
          name: tensor name.

        Returns:
          bool.
        """
        key = _name_bytes(name)
        return key in self._entries and not key.startswith(_slices.SLICE_KEY_START)

    __contains__ = has

    def _entry(self, name):
        key = _name_bytes(name)
        entry = self._entries.get(key)
        if entry is None:
            raise errors.NotFoundError(None, None,
                                       f"{self._index_path}: key {name} not found in checkpoint")
        if any(d < 0 for d in entry.shape):
            raise _data_loss(self._index_path,
                             f"invalid tensor shape {list(entry.shape)} for key {name}")
        return key, entry

    def _numpy_dtype(self, name, entry):
        dtype = _NUMPY_BY_ENUM.get(entry.dtype)
        if dtype is None:
            raise errors.UnimplementedError(
                None, None, f"{self._index_path}: tensor {name} has DataType {entry.dtype}, "
                            f"which this reader does not support")
        return dtype

    def dtype(self, name):
        """The NumPy dtype of a saved tensor (object for strings).

        Args:
          name: tensor name.

        Returns:
          np.dtype.

        Raises:
          NotFoundError: no such tensor.
          UnimplementedError: a TF dtype with no NumPy equivalent here.
        """
        _, entry = self._entry(name)
        return self._numpy_dtype(name, entry)

    def shape(self, name):
        """The (full) shape of a saved tensor.

        Args:
          name: tensor name.

        Returns:
          A tuple of ints.

        Raises:
          NotFoundError: no such tensor.
        """
        return self._entry(name)[1].shape

    def read(self, name):
        """Reads a tensor, assembling a partitioned one from its slices.

        Args:
          name: tensor name.

        Returns:
          A NumPy array (dtype object holding bytes for strings).

        Raises:
          NotFoundError: no such tensor, or a missing data file.
          DataLossError: truncated or corrupt data, checksum mismatch.
          InvalidArgumentError: the saved slices do not cover the tensor.
        """
        key, entry = self._entry(name)
        if entry.slices:
            return self._assemble(name, key, entry, tuple((0, -1) for _ in entry.shape))
        return self._read_value(name, entry)

    def read_slice(self, name, shape_and_slice):
        """Reads part of a tensor, as TF's RestoreV2 does with a shape-and-slice spec.

        Args:
          name: tensor name.
          shape_and_slice: e.g. "10 4 0,5:-" (rows 0-4 of a [10, 4] tensor); the shape
            must be the saved one.

        Returns:
          The slice, a NumPy array.

        Raises:
          InvalidArgumentError: malformed spec, or a shape other than the saved one, or
            saved slices that do not cover the requested one.
          NotFoundError, DataLossError: as for `read`.
        """
        try:
            shape, extents = _slices.parse_shape_and_slice(shape_and_slice)
        except ValueError as exc:
            raise errors.InvalidArgumentError(None, None, str(exc)) from None
        key, entry = self._entry(name)
        if shape != entry.shape:
            raise errors.InvalidArgumentError(
                None, None, f"shape in shape_and_slice spec {list(shape)} does not match the shape "
                            f"stored in checkpoint: {list(entry.shape)} (tensor {name}, "
                            f"{self._index_path})")
        if entry.slices:
            return self._assemble(name, key, entry, extents)
        full = self._read_value(name, entry)
        return full[tuple(slice(a, b) for a, b in _slices.resolve(shape, extents))]

    def verify(self, name):
        """Checks a tensor's stored bytes against their checksums without keeping them (read
        in chunks of 8 MiB): the first pass of a restore in constant memory.

        Raises:
          NotFoundError, DataLossError, InvalidArgumentError: as for `read`.
        """
        key, entry = self._entry(name)
        if not entry.slices:
            self._verify_value(name, entry)
            return
        for saved in entry.slices:
            part = self._entries.get(_slices.encode_tensor_name_slice(key, saved))
            if part is None:
                raise _data_loss(self._index_path,
                                 f"tensor {name}: the entry of saved slice {saved} is missing")
            self._verify_value(name, part)

    def _verify_value(self, name, entry):
        if entry.dtype == _STRING or entry.size <= _VERIFY_CHUNK:
            self._read_value(name, entry)  # small: read (and checksum) it whole
            return
        dtype = self._numpy_dtype(name, entry)
        if entry.size != math.prod(entry.shape) * dtype.itemsize or \
                not 0 <= entry.shard_id < self._num_shards or entry.offset < 0:
            self._read_value(name, entry)  # raises the precise DataLossError
        path = data_filename(self._prefix, entry.shard_id, self._num_shards)
        crc = 0
        chunk = _aligned_empty(_VERIFY_CHUNK)  # one buffer for all chunks
        try:
            with open(path, "rb", buffering=0) as f:
                if entry.offset + entry.size > os.fstat(f.fileno()).st_size:
                    raise _data_loss(path, f"tensor {name} (offset {entry.offset}, size "
                                           f"{entry.size}) extends past the end of the file")
                done = 0
                while done < entry.size:
                    n = min(_VERIFY_CHUNK, entry.size - done)
                    crc = _crc32c.extend(crc, _read_exactly(f, entry.offset + done, n, path,
                                                            chunk[:n]))
                    done += n
        except OSError as exc:
            raise _os_error(exc, path, "reading checkpoint data") from exc
        if crc != _crc32c.unmask(entry.crc32c):
            raise _data_loss(path, f"checksum does not match for tensor {name} ({entry.size} bytes "
                                   f"at offset {entry.offset}): stored "
                                   f"{_crc32c.unmask(entry.crc32c):#010x}, computed {crc:#010x}")

    def _fits_in_data_files(self, nbytes):
        """Whether the data files hold at least `nbytes` in all."""
        total = 0
        for shard in range(self._num_shards):
            if total >= nbytes:
                break
            path = data_filename(self._prefix, shard, self._num_shards)
            try:
                total += os.stat(path).st_size
            except OSError as exc:
                raise _os_error(exc, path, "reading checkpoint data") from exc
        return total >= nbytes

    def _assemble(self, name, key, entry, extents):
        """Builds the region `extents` of a partitioned tensor from its saved slices."""
        path = self._index_path
        dtype = self._numpy_dtype(name, entry)
        want = _slices.resolve(entry.shape, extents)
        shape = tuple(b - a for a, b in want)
        pieces = []  # (part entry, region in `out`, region in the part)
        for saved in entry.slices:
            try:
                if len(saved) != len(entry.shape):
                    raise ValueError(f"slice of rank {len(saved)}")
                _slices.check_extents(entry.shape, saved, "saved slice")
            except ValueError as exc:
                raise _data_loss(path,
                                 f"tensor {name}: invalid saved slice {saved}: {exc}") from None
            bounds = _slices.resolve(entry.shape, saved)
            inter = [(max(a0, b0), min(a1, b1)) for (a0, a1), (b0, b1) in zip(want, bounds)]
            if any(lo >= hi for lo, hi in inter):
                continue
            part = self._entries.get(_slices.encode_tensor_name_slice(key, saved))
            if (part is None or part.slices or part.dtype != entry.dtype
                    or part.shape != tuple(b - a for a, b in bounds)):
                raise _data_loss(path, f"tensor {name}: the entry of saved slice {saved} is "
                                       f"missing or inconsistent")
            pieces.append((part,
                           tuple(slice(lo - w, hi - w) for (lo, hi), (w, _) in zip(inter, want)),
                           tuple(slice(lo - b, hi - b) for (lo, hi), (b, _) in zip(inter, bounds))))
        found = sum(math.prod(s.stop - s.start for s in dst) for _, dst, _ in pieces)
        if found < math.prod(shape):
            raise errors.InvalidArgumentError(
                None, None, f"{path}: does not have sufficient slices for partitioned tensor "
                            f"{name} to restore in slice_spec {list(want)}")
        if not self._fits_in_data_files(found * (1 if entry.dtype == _STRING else dtype.itemsize)):
            raise _data_loss(path, f"tensor {name}: its slices are larger than the data files")
        out = np.empty(shape, dtype=dtype)
        covered = np.zeros(shape, dtype=bool)
        for part, dst, src in pieces:
            if covered[dst].any():
                raise _data_loss(path, f"tensor {name}: saved slices overlap")
            covered[dst] = True
            out[dst] = self._read_value(name, part)[src]
        return out

    def _read_value(self, name, entry):
        """Reads and checksums one stored (unsliced) tensor."""
        dtype = self._numpy_dtype(name, entry)
        count = math.prod(entry.shape)
        if not 0 <= entry.shard_id < self._num_shards:
            raise _data_loss(self._index_path, f"tensor {name} is in shard {entry.shard_id} of "
                                               f"{self._num_shards}")
        path = data_filename(self._prefix, entry.shard_id, self._num_shards)
        if entry.offset < 0 or entry.size < 0:
            raise _data_loss(self._index_path, f"tensor {name} has negative offset or size")
        if entry.dtype != _STRING and entry.size != count * dtype.itemsize:
            raise _data_loss(self._index_path, f"invalid size in bundle entry: key {name}; stored "
                                               f"size {entry.size}; expected size {count * dtype.itemsize}")
        if entry.dtype == _STRING and entry.size < (count + 4 if count else 0):
            raise _data_loss(self._index_path, f"invalid size in bundle entry: key {name}; stored "
                                               f"size {entry.size} is too small for {count} strings")
        try:
            with open(path, "rb", buffering=0) as f:
                file_size = os.fstat(f.fileno()).st_size
                if entry.offset + entry.size > file_size:
                    raise _data_loss(path, f"tensor {name} (offset {entry.offset}, size {entry.size}) "
                                           f"extends past the end of the file ({file_size} bytes)")
                buf = _read_exactly(f, entry.offset, entry.size, path)
        except OSError as exc:
            raise _os_error(exc, path, "reading checkpoint data") from exc
        if entry.dtype == _STRING:
            crc, value = self._decode_strings(name, path, buf, count)
        else:
            crc = _crc32c.value(buf)
            value = buf.view(dtype.newbyteorder("<")).astype(dtype, copy=False)
        if crc != _crc32c.unmask(entry.crc32c):
            raise _data_loss(path, f"checksum does not match for tensor {name} ({entry.size} bytes "
                                   f"at offset {entry.offset}): stored "
                                   f"{_crc32c.unmask(entry.crc32c):#010x}, computed {crc:#010x}")
        return value.reshape(entry.shape)

    @staticmethod
    def _decode_strings(name, path, buf, count):
        """Parses a string tensor's bytes; returns (crc32c, flat object array of bytes)."""
        raw = memoryview(buf)
        out = np.empty(count, dtype=object)
        if not raw:
            return 0, out
        lengths, pos = [], 0
        try:
            for _ in range(count):
                n, pos = decode_varint(raw, pos)
                lengths.append(n)
        except DecodeError as exc:
            raise _data_loss(path, f"string tensor {name}: bad length: {exc}") from None
        if pos + 4 > len(raw):
            raise _data_loss(path, f"string tensor {name}: lengths run past its {len(raw)} bytes")
        crc = _crc32c.value(_length_words(lengths))
        stored = int.from_bytes(raw[pos:pos + 4], "little")
        if _crc32c.unmask(stored) != crc:
            raise _data_loss(path, f"string tensor {name}: the length checksum does not match")
        if pos + 4 + sum(lengths) != len(raw):
            raise _data_loss(path, f"string tensor {name}: lengths add up to {sum(lengths)} bytes, "
                                   f"but {len(raw) - pos - 4} are stored")
        crc = _crc32c.extend(crc, raw[pos:])
        start = pos + 4
        for i, n in enumerate(lengths):
            out[i] = bytes(raw[start:start + n])
            start += n
        return crc, out
