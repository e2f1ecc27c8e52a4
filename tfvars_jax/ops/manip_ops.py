"""Shape-manipulation and index ops: `tf.roll`, `tf.broadcast_to`, `tf.repeat`, `tf.meshgrid`,
`tf.linspace`, `tf.sequence_mask`, `tf.invert_permutation`, `tf.unravel_index`,
`tf.batch_gather`, `tf.shape_n`, `tf.identity_n`, `tf.ensure_shape`, `tf.space_to_depth` /
`depth_to_space`, `tf.space_to_batch_nd` / `batch_to_space_nd`, `tf.extract_image_patches`.

Where TF1 composes an op from several, ours is one op carrying the name and type of TF1's last
op (`Repeat/Reshape_1`, `SequenceMask/Less`, ...). Values TF1's CPU kernels reject at run time
(a non-permutation, an index out of range, a shape mismatch) fail the run with
InvalidArgumentError and change no variable (`CHECKED` ops).
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import constant, convert_to_tensor, make_op, op_output, next_op_name
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import data_dependent_ops
from tfvars_jax.ops.tensor_util import get_static_value


def _static_ints(v, what):
    static, dyn = array_ops._static_shape_arg(v, what)
    if static is None:
        raise NotImplementedError(f"{what} must be known when the graph is built (Python ints "
                                  f"or constants); got the computed tensor {dyn.name}.")
    return static


def _static_int(v, what):
    vals = _static_ints(v, what)
    if len(vals) != 1:
        raise ValueError(f"{what} must be a scalar, got {list(vals)}.")
    return vals[0]


# ----- roll, broadcast_to, repeat, meshgrid, linspace --------------------------------------
def _roll_kernel(x, shift, axis):
    return jnp.roll(x, shift, axis)


def roll(input, shift, axis, name=None):  # noqa: A002
    """TF1's `tf.roll` ("Roll"): elements shifted along `axis` (wrapping around); `shift` and
    `axis` are static ints or lists of equal length (a repeated axis adds its shifts)."""
    x = convert_to_tensor(input, name="input")
    shift, axis = _static_ints(shift, "roll's shift"), _static_ints(axis, "roll's axis")
    if len(shift) != len(axis):
        raise ValueError(f"shift and axis must have the same size, got {list(shift)} and "
                         f"{list(axis)}")
    rank = x.shape.ndims
    if rank is not None:
        for a in axis:
            if not -rank <= a < rank:
                raise ValueError(f"roll: axis {a} is out of range for rank {rank}.")
    return op_output("Roll", _roll_kernel, [x], name=name or "Roll",
                     attrs={"shift": tuple(shift), "axis": tuple(axis)})


def _broadcast_to_kernel(x, shape):
    return jnp.broadcast_to(x, shape)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """TF1's `tf.broadcast_to` ("BroadcastTo"); `shape` must be known when the run is traced
    (a constant, or built from `tf.shape` of fed tensors)."""
    x = convert_to_tensor(input, name="input")
    static, dyn = array_ops._static_shape_arg(shape, "broadcast_to")
    if static is not None:
        dims = x.shape.as_tuple()
        if dims is not None:
            if len(dims) > len(static):
                raise ValueError(f"Rank of input ({len(dims)}) must be no greater than rank of "
                                 f"output shape ({len(static)}).")
            for d, s in zip(dims[::-1], static[::-1]):
                if d is not None and d != 1 and d != s:
                    raise ValueError(f"Dimensions must be equal, but are {d} and {s} for "
                                     f"'BroadcastTo' with input shape {x.shape} and target "
                                     f"shape {list(static)}.")
        return op_output("BroadcastTo", _broadcast_to_kernel, [x], name=name or "BroadcastTo",
                         attrs={"shape": tuple(static)})
    return op_output("BroadcastTo",
                     lambda v, s: jnp.broadcast_to(v, array_ops.concrete_dims(s, "broadcast_to")),
                     [x, array_ops._int32(dyn)], name=name or "BroadcastTo",
                     out_specs=[(x.dtype.base_dtype, array_ops._dynamic_shape_spec(dyn))])


def _repeat_kernel(x, repeats, axis):
    if axis is None:
        x = jnp.reshape(x, (-1,))
        axis = 0
    reps = repeats if np.ndim(repeats) == 0 else np.asarray(repeats)
    total = int(np.sum(np.broadcast_to(reps, (x.shape[axis],)))) if x.ndim else 0
    return jnp.repeat(x, reps, axis=axis, total_repeat_length=total)


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """TF1's `tf.repeat`: each element (of the flattened input when `axis` is None) repeated
    `repeats` times along `axis`. `repeats` must be static here (a computed one raises
    NotImplementedError). Static shapes are TF1's: a list of repeats gives an unknown size."""
    with ops_lib.name_scope(name, "Repeat", [input, repeats]):
        x = convert_to_tensor(input, name="input")
        reps = np.asarray(_static_ints(repeats, "repeat's repeats"))
        if np.ndim(repeats) == 0 or (isinstance(repeats, ops_lib.Tensor)
                                      and repeats.shape.ndims == 0):
            reps = reps.reshape(())
        if np.any(reps < 0):
            raise errors.InvalidArgumentError(None, None, f"repeats must be non-negative, got "
                                              f"{reps.tolist()}")
        if axis is not None:
            axis = _static_int(axis, "repeat's axis")
            if x.shape.ndims is not None:
                if not -x.shape.ndims <= axis < x.shape.ndims:
                    raise ValueError(f"repeat: axis {axis} out of range for rank "
                                     f"{x.shape.ndims}.")
                axis %= x.shape.ndims
        dims = x.shape.as_tuple()
        if dims is None:
            raise NotImplementedError(f"repeat: the rank of '{x.name}' must be known.")
        n = int(np.prod([d for d in dims])) if axis is None and None not in dims else None
        size = n if axis is None else dims[axis]
        if reps.ndim == 1 and size is not None and reps.size not in (1, size):
            raise ValueError(f"repeat: repeats has {reps.size} entries for a dimension of size "
                             f"{size}.")
        if axis is None:
            out_dim = None if n is None or reps.ndim else n * int(reps)
            shape = TensorShape([out_dim])
        else:
            out = list(dims)
            out[axis] = None if (reps.ndim or dims[axis] is None) else dims[axis] * int(reps)
            shape = TensorShape(out)
        op_type, op_name = ("Reshape", "Reshape_1") if reps.ndim == 0 else \
            ("GatherV2", "boolean_mask/GatherV2")
        reps_attr = int(reps) if reps.ndim == 0 else tuple(reps.tolist())
        return op_output(op_type, _repeat_kernel, [x], name=op_name,
                         attrs={"repeats": reps_attr, "axis": axis},
                         out_specs=[(x.dtype.base_dtype, shape)])


def _meshgrid_kernel(*xs, indexing):
    return tuple(jnp.meshgrid(*xs, indexing=indexing))


def meshgrid(*args, **kwargs):
    """TF1's `tf.meshgrid(*args, indexing="xy", name="meshgrid")`: N-D coordinate grids from
    1-D tensors; the outputs are named `meshgrid/mul`, `meshgrid/mul_1`, ... as TF1's."""
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError(f"Invalid keyword arguments: {sorted(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise ValueError("indexing parameter must be either 'xy' or 'ij'")
    with ops_lib.name_scope(name, "meshgrid", list(args)):
        xs = [convert_to_tensor(a) for a in args]
        array_ops._same_dtype(xs, "meshgrid")
        outs = []
        for i in range(len(xs)):
            op = make_op("Mul", _meshgrid_pick, xs, name="mul" if i == 0 else f"mul_{i}",
                         attrs={"indexing": indexing, "i": i})
            outs.append(op.outputs[0])
        return outs


def _meshgrid_pick(*xs, indexing, i):
    return jnp.meshgrid(*[jnp.reshape(x, (-1,)) for x in xs], indexing=indexing)[i]


def _linspace_kernel(start, stop, num, axis):
    start, stop = jnp.asarray(start), jnp.asarray(stop)
    out = jnp.linspace(start, stop, num, axis=axis, dtype=start.dtype)
    return out


def linspace(start, stop, num, name=None, axis=0):
    """TF1's `tf.linspace` / `tf.lin_space`: `num` evenly spaced values from `start` to `stop`
    (both included) along `axis`; `num` must be static. The op is `linspace/Slice`, as TF's."""
    with ops_lib.name_scope(name, "linspace", [start, stop]):
        a = convert_to_tensor(start, name="start")
        b = convert_to_tensor(stop, name="stop", dtype=a.dtype.base_dtype
                              if not isinstance(stop, ops_lib.Tensor) else None)
        if not a.dtype.is_floating or a.dtype.base_dtype != b.dtype.base_dtype:
            raise TypeError(f"linspace: start and stop must be floats of one dtype, got "
                            f"{a.dtype.name} and {b.dtype.name}.")
        num = _static_int(num, "linspace's num")
        if num < 0:
            raise ValueError(f"linspace: num must be non-negative, got {num}.")
        return op_output("Slice", _linspace_kernel, [a, b], name="Slice",
                         attrs={"num": num, "axis": _static_int(axis, "linspace's axis")})


lin_space = linspace


# ----- sequence_mask -------------------------------------------------------------------------
def _sequence_mask_kernel(lengths, maxlen, dtype):
    mask = jnp.arange(maxlen) < jnp.asarray(lengths)[..., None]
    return mask.astype(dtype)


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """TF1's `tf.sequence_mask`: `mask[i..., j] = j < lengths[i...]`, of width `maxlen` (default
    max(lengths), known only when the run computes `lengths`: a data-dependent size). The op is
    `SequenceMask/Less` (`SequenceMask/Cast_1` for a non-bool dtype), as TF1's."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with ops_lib.name_scope(name, "SequenceMask", [lengths, maxlen]):
        lens = convert_to_tensor(lengths, name="lengths")
        if not lens.dtype.is_integer:
            raise TypeError(f"sequence_mask: lengths must be integers, got {lens.dtype.name}.")
        op_type, op_name = ("Less", "Less") if dtype == dtypes.bool else ("Cast", "Cast_1")
        np_dtype = np.dtype(dtype.as_numpy_dtype)
        dims = lens.shape.as_list() if lens.shape.ndims is not None else None
        if maxlen is not None:
            m = convert_to_tensor(maxlen, name="maxlen")
            if m.shape.ndims not in (None, 0):
                raise ValueError(f"maxlen must be scalar for sequence_mask, got {m.shape}")
            if m._static_value is not None:
                width = int(m._static_value)
                return op_output(op_type, _sequence_mask_kernel, [lens], name=op_name,
                                 attrs={"maxlen": width, "dtype": np_dtype})
            shape = TensorShape(None if dims is None else dims + [None])
            return op_output(op_type, lambda v, w, dtype: _sequence_mask_kernel(
                v, array_ops.concrete_dims(w, "sequence_mask maxlen")[0], dtype),
                [lens, m], name=op_name, attrs={"dtype": np_dtype},
                out_specs=[(dtype, shape)])
        if lens._static_value is not None:
            width = int(np.max(lens._static_value, initial=0))
            return op_output(op_type, _sequence_mask_kernel, [lens], name=op_name,
                             attrs={"maxlen": width, "dtype": np_dtype})
        shape = TensorShape(None if dims is None else dims + [None])
        return data_dependent_ops._make(
            op_type, lambda v, sizes: _sequence_mask_kernel(v, sizes[0], np_dtype), [lens],
            op_name, [(dtype, shape)],
            lambda v: jnp.maximum(jnp.max(jnp.asarray(v), initial=0), 0),
            lambda v: (max(int(np.size(v)), 1),)).outputs[0]


# ----- permutations and indices --------------------------------------------------------------
def _invert_permutation_kernel(x):
    n = x.shape[0]
    return jnp.zeros((n,), x.dtype).at[jnp.clip(x, 0, max(n - 1, 0))].set(
        jnp.arange(n, dtype=x.dtype), mode="drop")


def _not_a_permutation(x):
    n = x.shape[0]
    in_range = (x >= 0) & (x < n)
    seen = jnp.zeros((n,), jnp.int32).at[jnp.clip(x, 0, max(n - 1, 0))].add(1, mode="drop")
    return jnp.any(~in_range) | jnp.any(seen != 1)


def invert_permutation(x, name=None):
    """TF1's `tf.invert_permutation` ("InvertPermutation"): y[x[i]] = i. A vector that is not a
    permutation of 0..n-1 fails the run with InvalidArgumentError, as TF1's kernel."""
    x = convert_to_tensor(x, name="x")
    if x.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"invert_permutation: x must be int32 or int64, got {x.dtype.name}.")
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"invert_permutation expects a 1-D vector, got shape {x.shape}.")
    op_name = name or "InvertPermutation"
    message = (f"InvertPermutation op '{next_op_name(op_name)}': '{x.name}' must be "
               "a permutation of 0..n-1 (each value once)")
    shape = x.shape.with_rank(1) if x.shape.ndims is None else x.shape
    return op_output("InvertPermutation", _invert_permutation_kernel, [x], name=op_name,
                     kind=CHECKED, out_specs=[(x.dtype.base_dtype, shape)],
                     check=RunCheck(_not_a_permutation, errors.InvalidArgumentError, message))


def _unravel_kernel(indices, dims):
    dims_t = array_ops.concrete_dims(dims, "unravel_index dims")
    coords = jnp.unravel_index(jnp.clip(indices, 0, max(int(np.prod(dims_t)) - 1, 0)), dims_t)
    return jnp.stack([c.astype(indices.dtype) for c in coords])


def _unravel_bad(indices, dims):
    return jnp.any((indices < 0) | (indices >= jnp.prod(jnp.asarray(dims))))


def unravel_index(indices, dims, name=None):
    """TF1's `tf.unravel_index` ("UnravelIndex"): the coordinates of flat `indices` in an array
    of shape `dims`, as a [len(dims)] (scalar indices) or [len(dims), n] tensor. An index
    outside [0, prod(dims)) fails the run with InvalidArgumentError, as TF1's kernel."""
    i = convert_to_tensor(indices, name="indices")
    d = convert_to_tensor(dims, name="dims", dtype=i.dtype.base_dtype
                          if not isinstance(dims, ops_lib.Tensor) else None)
    if i.dtype.base_dtype not in (dtypes.int32, dtypes.int64) or d.dtype != i.dtype:
        raise TypeError(f"unravel_index: indices and dims must share int32 or int64, got "
                        f"{i.dtype.name} and {d.dtype.name}.")
    if i.shape.ndims not in (None, 0, 1):
        raise ValueError(f"unravel_index: indices must be a scalar or a vector, got {i.shape}.")
    k = d.shape[0].value if d.shape.ndims == 1 else None
    shape = TensorShape(None if i.shape.ndims is None else [k] + i.shape.as_list())
    op_name = name or "UnravelIndex"
    message = (f"UnravelIndex op '{next_op_name(op_name)}': every index of "
               f"'{i.name}' must be in [0, prod(dims)) for dims '{d.name}'")
    return op_output("UnravelIndex", _unravel_kernel, [i, d], name=op_name, kind=CHECKED,
                     out_specs=[(i.dtype.base_dtype, shape)],
                     check=RunCheck(_unravel_bad, errors.InvalidArgumentError, message))


def batch_gather(params, indices, name=None):
    """TF1's `tf.batch_gather`: `tf.gather(params, indices, batch_dims=rank(indices) - 1)`
    (checked as tf.gather is); the op is `BatchGather/Reshape_3`, as TF1's."""
    with ops_lib.name_scope(name, "BatchGather", [params, indices]):
        i = convert_to_tensor(indices, name="indices")
        if i.shape.ndims is None:
            raise ValueError("batch_gather does not allow indices with unknown shape.")
        batch = i.shape.ndims - 1
        return array_ops.gather(params, i, axis=batch, batch_dims=batch, name="Reshape_3",
                                _op_type="Reshape")


# ----- shape_n, identity_n, ensure_shape -----------------------------------------------------
def _shape_n_kernel(*xs, out_type):
    return tuple(np.asarray(x.shape, dtype=out_type) for x in xs)


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """TF1's `tf.shape_n`: `[tf.shape(x) for x in input]` as one "ShapeN" op; the tensors must
    share one dtype, as TF1 requires."""
    ts = [convert_to_tensor(x) for x in input]
    if len({t.dtype.base_dtype for t in ts}) > 1:
        raise TypeError(f"Tensors in list passed to 'input' of 'ShapeN' Op have types "
                        f"{[t.dtype.name for t in ts]} that don't all match.")
    out_type = dtypes.as_dtype(out_type).base_dtype
    np_type = np.dtype(out_type.as_numpy_dtype)
    op = make_op("ShapeN", _shape_n_kernel, ts, name=name or "ShapeN",
                 attrs={"out_type": np_type},
                 out_specs=[(out_type, TensorShape([t.shape.ndims])) for t in ts])
    for t, out in zip(ts, op.outputs):
        if t.shape.is_fully_defined():
            out._static_value = np.asarray(t.shape.as_list(), dtype=np_type)
    return list(op.outputs)


def _identity_n_kernel(*xs):
    return tuple(xs)


def identity_n(input, name=None):  # noqa: A002
    """TF1's `tf.identity_n`: the tensors of `input` passed through one "IdentityN" op."""
    ts = [convert_to_tensor(x) for x in input]
    op = make_op("IdentityN", _identity_n_kernel, ts, name=name or "IdentityN",
                 out_specs=[(t.dtype.base_dtype, t.shape) for t in ts])
    return list(op.outputs)


def _ensure_shape_bad(x, shape):
    ok = len(x.shape) == len(shape) and all(s is None or s == d for s, d in zip(shape, x.shape))
    return jnp.bool_(not ok)


def ensure_shape(x, shape, name=None):
    """TF1's `tf.ensure_shape` ("EnsureShape"): x, with its static shape refined by `shape`; a
    static mismatch raises ValueError, a run-time one fails the run (InvalidArgumentError)."""
    x = convert_to_tensor(x, name="x")
    shape = as_shape(shape)
    if not x.shape.is_compatible_with(shape):
        raise ValueError(f"Shapes are {shape} and {x.shape}: the shape of '{x.name}' is not "
                         f"compatible with the expected shape (EnsureShape).")
    dims = None if shape.ndims is None else tuple(shape.as_list())
    if dims is None:
        return array_ops.identity(x, name=name or "EnsureShape")
    op_name = name or "EnsureShape"
    message = (f"EnsureShape op '{next_op_name(op_name)}': the shape of tensor "
               f"'{x.name}' is not compatible with the expected shape {shape}")
    return op_output("EnsureShape", array_ops._identity, [x], name=op_name, kind=CHECKED,
                     out_specs=[(x.dtype.base_dtype, x.shape.merge_with(shape))],
                     check=RunCheck(functools.partial(_ensure_shape_bad, shape=dims),
                                    errors.InvalidArgumentError, message))


# ----- space/depth/batch rearrangements ------------------------------------------------------
def _nhwc_only(data_format, what):
    if data_format not in ("NHWC", None):
        raise NotImplementedError(f"{what}: data_format {data_format!r} is not supported (only "
                                  "NHWC, TF1's CPU layout).")


def _space_to_depth_kernel(x, block):
    n, h, w, c = x.shape
    x = jnp.reshape(x, (n, h // block, block, w // block, block, c))
    x = jnp.transpose(x, (0, 1, 3, 2, 4, 5))
    return jnp.reshape(x, (n, h // block, w // block, block * block * c))


def _depth_to_space_kernel(x, block):
    n, h, w, c = x.shape
    x = jnp.reshape(x, (n, h, w, block, block, c // (block * block)))
    x = jnp.transpose(x, (0, 1, 3, 2, 4, 5))
    return jnp.reshape(x, (n, h * block, w * block, c // (block * block)))


def _check_4d(x, what):
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"{what}: input must be 4-D (NHWC), got shape {x.shape}.")
    return None if x.shape.ndims is not None else [(x.dtype.base_dtype,
                                                     TensorShape([None] * 4))]


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """TF1's `tf.space_to_depth` ("SpaceToDepth"), NHWC: blocks of block_size x block_size
    pixels move into the channels; height and width must be divisible by block_size."""
    _nhwc_only(data_format, "space_to_depth")
    x = convert_to_tensor(input, name="input")
    specs = _check_4d(x, "space_to_depth")
    block = _static_int(block_size, "block_size")
    if block < 2:
        raise ValueError(f"Value for attr 'block_size' of {block} must be at least minimum 2")
    for d in (x.shape.as_tuple() or (None,) * 4)[1:3]:
        if d is not None and d % block:
            raise ValueError(f"Image width/height {d} must be divisible by block_size {block} "
                             f"(space_to_depth of '{x.name}', shape {x.shape}).")
    return op_output("SpaceToDepth", _space_to_depth_kernel, [x], name=name or "SpaceToDepth",
                     attrs={"block": block}, out_specs=specs)


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """TF1's `tf.depth_to_space` ("DepthToSpace"), NHWC: the inverse of space_to_depth; the
    channels must be divisible by block_size**2."""
    _nhwc_only(data_format, "depth_to_space")
    x = convert_to_tensor(input, name="input")
    specs = _check_4d(x, "depth_to_space")
    block = _static_int(block_size, "block_size")
    if block < 2:
        raise ValueError(f"Value for attr 'block_size' of {block} must be at least minimum 2")
    c = x.shape[-1].value if x.shape.ndims else None
    if c is not None and c % (block * block):
        raise ValueError(f"Channels {c} must be divisible by block_size_squared "
                         f"{block * block} (depth_to_space of '{x.name}').")
    return op_output("DepthToSpace", _depth_to_space_kernel, [x], name=name or "DepthToSpace",
                     attrs={"block": block}, out_specs=specs)


def _space_to_batch_kernel(x, block_shape, paddings):
    m = len(block_shape)
    pad = [(0, 0)] + [tuple(p) for p in paddings] + [(0, 0)] * (x.ndim - 1 - m)
    x = jnp.pad(x, pad)
    b = x.shape[0]
    spatial = x.shape[1:1 + m]
    rest = x.shape[1 + m:]
    shape = [b]
    for s, bs in zip(spatial, block_shape):
        shape += [s // bs, bs]
    x = jnp.reshape(x, shape + list(rest))
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
        list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    x = jnp.transpose(x, perm)
    return jnp.reshape(x, [b * int(np.prod(block_shape))] +
                       [s // bs for s, bs in zip(spatial, block_shape)] + list(rest))


def _batch_to_space_kernel(x, block_shape, crops):
    m = len(block_shape)
    prod = int(np.prod(block_shape))
    b = x.shape[0] // prod
    spatial = x.shape[1:1 + m]
    rest = x.shape[1 + m:]
    x = jnp.reshape(x, list(block_shape) + [b] + list(spatial) + list(rest))
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    x = jnp.transpose(x, perm)
    x = jnp.reshape(x, [b] + [s * bs for s, bs in zip(spatial, block_shape)] + list(rest))
    idx = tuple([slice(None)] + [slice(c0, x.shape[1 + i] - c1)
                                 for i, (c0, c1) in enumerate(crops)])
    return x[idx]


def _block_args(block_shape, pads, what, pads_name):
    block = tuple(_static_ints(block_shape, f"{what}'s block_shape"))
    p = np.asarray(_static_ints(pads, f"{what}'s {pads_name}")).reshape(-1, 2)
    if p.shape[0] != len(block):
        raise ValueError(f"{what}: {pads_name} must have shape [{len(block)}, 2], got "
                         f"{p.shape}.")
    if any(b < 1 for b in block) or np.any(p < 0):
        raise ValueError(f"{what}: block_shape must be >= 1 and {pads_name} >= 0, got "
                         f"{list(block)} and {p.tolist()}.")
    return block, tuple(map(tuple, p.tolist()))


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """TF1's `tf.space_to_batch_nd` ("SpaceToBatchND"): pads the spatial dims, then moves
    blocks of `block_shape` into the batch. Arguments must be static; each padded spatial
    size must be divisible by its block (ValueError otherwise)."""
    x = convert_to_tensor(input, name="input")
    block, pads = _block_args(block_shape, paddings, "space_to_batch_nd", "paddings")
    dims = x.shape.as_tuple()
    if dims is not None:
        for i, (bs, (p0, p1)) in enumerate(zip(block, pads)):
            d = dims[1 + i]
            if d is not None and (d + p0 + p1) % bs:
                raise ValueError(f"padded_shape[{i}]={d + p0 + p1} is not divisible by "
                                 f"block_shape[{i}]={bs} (space_to_batch_nd of '{x.name}').")
    return op_output("SpaceToBatchND", _space_to_batch_kernel, [x],
                     name=name or "SpaceToBatchND", attrs={"block_shape": block, "paddings": pads})


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """TF1's `tf.batch_to_space_nd` ("BatchToSpaceND"): the inverse of space_to_batch_nd,
    cropping `crops` from the spatial dims. Arguments must be static; the batch must be
    divisible by prod(block_shape) (ValueError otherwise)."""
    x = convert_to_tensor(input, name="input")
    block, crop = _block_args(block_shape, crops, "batch_to_space_nd", "crops")
    dims = x.shape.as_tuple()
    if dims is not None and dims[0] is not None and dims[0] % int(np.prod(block)):
        raise ValueError(f"Input batch dimension ({dims[0]}) is not divisible by product of "
                         f"block sizes ({int(np.prod(block))}) (batch_to_space_nd of "
                         f"'{x.name}').")
    return op_output("BatchToSpaceND", _batch_to_space_kernel, [x],
                     name=name or "BatchToSpaceND", attrs={"block_shape": block, "crops": crop})


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):  # noqa: A002
    """TF1's `tf.space_to_batch`: `space_to_batch_nd` over the two spatial dims of 4-D input."""
    block = block_size if block_size is not None else block_shape
    if block is None:
        raise ValueError("space_to_batch needs block_size.")
    b = _static_int(block, "block_size")
    return space_to_batch_nd(input, [b, b], paddings, name=name)


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    """TF1's `tf.batch_to_space`: `batch_to_space_nd` over the two spatial dims of 4-D input."""
    block = block_size if block_size is not None else block_shape
    b = _static_int(block, "block_size")
    return batch_to_space_nd(input, [b, b], crops, name=name)


def _patches_kernel(x, ksizes, strides, rates, padding):
    c = x.shape[-1]
    kh, kw = ksizes
    patches = jax.lax.conv_general_dilated_patches(
        x, (kh, kw), strides, padding, rhs_dilation=rates,
        dimension_numbers=("NHWC", "HWIO", "NHWC"))
    n, oh, ow, _ = patches.shape
    # JAX orders the patch depth (channel, row, column); TF1 (row, column, channel).
    patches = jnp.reshape(patches, (n, oh, ow, c, kh * kw))
    return jnp.reshape(jnp.swapaxes(patches, -1, -2), (n, oh, ow, kh * kw * c))


def extract_image_patches(images, ksizes=None, strides=None, rates=None, padding=None,
                          name=None, sizes=None):
    """TF1's `tf.extract_image_patches` ("ExtractImagePatches"): each output pixel holds the
    ksize patch around it, flattened in (row, column, channel) order, as TF1."""
    ksizes = ksizes if ksizes is not None else sizes
    x = convert_to_tensor(images, name="images")
    _check_4d(x, "extract_image_patches")
    vals = []
    for what, v in (("ksizes", ksizes), ("strides", strides), ("rates", rates)):
        v = list(_static_ints(v, f"extract_image_patches' {what}"))
        if len(v) != 4 or v[0] != 1 or v[3] != 1:
            raise ValueError(f"extract_image_patches: {what} must be [1, h, w, 1], got {v}.")
        vals.append(tuple(v[1:3]))
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}.")
    return op_output("ExtractImagePatches", _patches_kernel, [x],
                     name=name or "ExtractImagePatches",
                     attrs={"ksizes": vals[0], "strides": vals[1], "rates": vals[2],
                            "padding": padding})



def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """TF1's `tf.strided_slice` ("StridedSlice"): the slice `input_[begin:end:strides]` with
    TF1's bit masks (bit i of begin_mask/end_mask ignores begin[i]/end[i], of ellipsis_mask,
    new_axis_mask, shrink_axis_mask makes entry i `...`, `tf.newaxis`, an index). `begin`,
    `end` and `strides` must be static, except a shrunk index, which may be a computed scalar.
    `var` is not supported (NotImplementedError)."""
    if var is not None:
        raise NotImplementedError("tf.strided_slice argument 'var' is not supported.")
    x = convert_to_tensor(input_, name="input")

    def entries(v, what):
        if isinstance(v, ops_lib.Tensor) and v._static_value is None:
            if v.op.type == "Pack":
                return list(v.op.inputs)
            raise NotImplementedError(f"strided_slice: {what} must be known when the graph is "
                                      f"built (or a list of scalars); got {v.name}.")
        if isinstance(v, ops_lib.Tensor):
            return [int(e) for e in np.reshape(v._static_value, -1)]
        return list(v)

    b, e = entries(begin, "begin"), entries(end, "end")
    s = [1] * len(b) if strides is None else entries(strides, "strides")
    if not len(b) == len(e) == len(s):
        raise ValueError(f"strided_slice: begin, end and strides must have the same length, got "
                         f"{len(b)}, {len(e)}, {len(s)}.")

    def static(v, what):
        if isinstance(v, ops_lib.Tensor):
            if v._static_value is None:
                raise NotImplementedError(f"strided_slice: {what} must be static here; got "
                                          f"{v.name}.")
            return int(v._static_value)
        return int(v)

    key = []
    for i, (bi, ei, si) in enumerate(zip(b, e, s)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(bi if isinstance(bi, ops_lib.Tensor) and bi._static_value is None
                       else static(bi, "begin"))
        else:
            step = static(si, "strides")
            if step == 0:
                raise ValueError("strided_slice: strides must be non-zero.")
            key.append(slice(None if begin_mask & bit else static(bi, "begin"),
                             None if end_mask & bit else static(ei, "end"), step))
    return array_ops.strided_slice_from_key(x, tuple(key), name=name or "StridedSlice")


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """TF1's `tf.required_space_to_batch_paddings`: (paddings, crops) for `space_to_batch_nd`
    / `batch_to_space_nd` so that each padded dimension (`input_shape` plus `base_paddings`)
    divides by its block: the extra padding goes at the end and is cropped back. Arguments must
    be static; the results are int32 constants named `paddings` and `crops`, as TF1 folds them."""
    with ops_lib.name_scope(name, "required_space_to_batch_paddings",
                            [input_shape, block_shape]):
        block = np.asarray(_static_values(block_shape, "block_shape"), np.int64).reshape(-1)
        if block.size == 0:
            empty = np.zeros([0, 2], np.int32)
            return (constant(empty, dtype=dtypes.int32, name="zeros"),
                    constant(empty, dtype=dtypes.int32, name="zeros_1"))
        shape = np.asarray(_static_values(input_shape, "input_shape"), np.int64).reshape(-1)
        if shape.size != block.size:
            raise ValueError(f"input_shape {shape.tolist()} must have one entry per block "
                             f"dimension ({block.size}).")
        base = np.zeros([block.size, 2], np.int64) if base_paddings is None else np.asarray(
            _static_values(base_paddings, "base_paddings"), np.int64).reshape(block.size, 2)
        full = shape + base[:, 0] + base[:, 1]
        extra = (block - full % block) % block
        paddings = np.stack([base[:, 0], base[:, 1] + extra], 1).astype(np.int32)
        crops = np.stack([np.zeros_like(extra), extra], 1).astype(np.int32)
        return (constant(paddings, dtype=dtypes.int32, name="paddings"),
                constant(crops, dtype=dtypes.int32, name="crops"))


def _static_values(v, what):
    value = get_static_value(v) if isinstance(v, ops_lib.Tensor) else v
    if value is None:
        raise NotImplementedError(f"required_space_to_batch_paddings: {what} must be known when "
                                  "the graph is built (tfvars_jax compiles static shapes).")
    return value
