"""Array ops: placeholders, constants, identity, shape manipulation, indexing, gathers.

Shape arguments (for `reshape`, `fill`, `zeros`, ...) must be known when the run is traced:
Python values, constants, or `tf.shape(x)` of a fed tensor all are, since JAX traces with
concrete shapes.
"""
import builtins
import functools
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework import errors
from tfvars_jax.framework.op_builder import (constant, convert_to_tensor, filled_constant, make_op,
                                             next_op_name, op_output, register_list_packer)
from tfvars_jax.framework.op_kind import CHECKED, OpKind, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape, as_shape
from tfvars_jax.ops import math_ops


class _Placeholder(OpKind):
    """A value the caller feeds; a run that needs it unfed raises, as TF1."""
    name = "placeholder"
    differentiable = False

    def check_plan(self, op, fed):
        t = op.outputs[0]
        if t not in fed:
            shape = "unknown" if t.shape.ndims is None else "[" + ",".join(
                "?" if d is None else str(d) for d in t.shape.as_tuple()) + "]"
            raise errors.InvalidArgumentError(
                None, op, f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                          f"{t.dtype.name} and shape {shape}")


PLACEHOLDER = _Placeholder()


def placeholder(dtype, shape=None, name=None):
    """TF1's `tf.placeholder`: a value that must be fed; `None` dims accept any size."""
    if context.executing_eagerly():
        raise RuntimeError("tf.placeholder() is not compatible with eager execution.")
    dtype = dtypes.as_dtype(dtype).base_dtype
    shape = as_shape(shape)
    op = make_op("Placeholder", None, [], name=name or "Placeholder",
                 attrs={"dtype": dtype, "shape": shape}, out_specs=[(dtype, shape)],
                 kind=PLACEHOLDER, graph=ops_lib.get_default_graph())
    return op.outputs[0]


def _identity(x):
    return x


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    """TF1's `tf.placeholder_with_default`: `input` unless fed; feeds may have any shape
    compatible with `shape`."""
    x = convert_to_tensor(input)
    shape = as_shape(shape)
    if context.executing_eagerly():
        return x  # nothing can be fed in eager mode
    if not shape.is_compatible_with(x.shape):
        raise ValueError(f"placeholder_with_default: shape {shape} is incompatible with the "
                         f"default's shape {x.shape}.")
    return op_output("PlaceholderWithDefault", _identity, [x],
                     name=name or "PlaceholderWithDefault", out_specs=[(x.dtype, shape)])


def identity(input, name=None):  # noqa: A002
    """TF1's `tf.identity` (works on string tensors too)."""
    x = convert_to_tensor(input)
    return op_output("Identity", _identity, [x], name=name or "Identity",
                     out_specs=[(x.dtype.base_dtype, x.shape)])


def guarantee_const(input, name=None):  # noqa: A002
    """TF1's `tf.guarantee_const` ("GuaranteeConst", deprecated): `input` unchanged, promising
    the runtime it is constant during the session. Gradients through it raise LookupError, as
    TF1 registers none."""
    x = convert_to_tensor(input)
    return op_output("GuaranteeConst", _identity, [x], name=name or "GuaranteeConst",
                     out_specs=[(x.dtype.base_dtype, x.shape)])


def _stop_gradient(x):
    return jax.lax.stop_gradient(x)


def stop_gradient(input, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    return op_output("StopGradient", _stop_gradient, [x], name=name or "StopGradient")


def _static_shape_arg(shape, what):
    """A shape argument as a tuple of ints, or a Tensor whose value is known at trace time."""
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"{what}: shape {shape} must be fully defined.")
        return tuple(shape.as_list()), None
    if isinstance(shape, ops_lib.Tensor) or hasattr(shape, "_as_tensor"):
        t = convert_to_tensor(shape)
        if t._static_value is not None:
            return tuple(int(d) for d in np.reshape(t._static_value, -1)), None
        return None, t
    if isinstance(shape, (list, tuple)) and any(isinstance(d, ops_lib.Tensor) for d in shape):
        return None, stack([convert_to_tensor(d, dtype=dtypes.int32) for d in shape])
    arr = np.asarray(shape, dtype=np.int64).reshape(-1)
    return tuple(int(d) for d in arr), None


def concrete_dims(dims, what):
    """A shape tensor's value as a tuple of ints while the run is traced.

    A shape computed from the shapes of fed tensors (`tf.shape(x)`, arithmetic on it) is known
    when the run is traced, and each distinct feed shape compiles once. A shape that depends on
    tensor values is not: that raises NotImplementedError naming the op.
    """
    try:
        return tuple(int(d) for d in np.asarray(dims).reshape(-1))
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        raise NotImplementedError(
            f"{what}: the shape depends on values computed in the run, not only on the shapes of fed "
            "tensors; data-dependent shapes are not supported yet (a shape built from tf.shape(x) "
            "of a fed x is).") from None


def _fill_kernel(value, dims=None, static_dims=None):
    shape = static_dims if static_dims is not None else concrete_dims(dims, "fill")
    return jnp.broadcast_to(value, shape)


def _filled(value, shape, dtype, name, op_type):
    static, dyn = _static_shape_arg(shape, op_type)
    if static is not None:
        if dtype == dtypes.string:
            return constant(np.full(static, b"", dtype=object), dtype=dtype, name=name)
        return filled_constant(value, static, dtype, name=name)
    v = constant(value, dtype=dtype, name="Const")
    return op_output("Fill", lambda d, val: _fill_kernel(val, dims=d), [dyn, v], name=name,
                     out_specs=[(dtype, _dynamic_shape_spec(dyn))])


def zeros(shape, dtype=dtypes.float32, name=None):
    """TF1's `tf.zeros`. A static shape gives a Const op (lazy, a `FilledArray`, when large);
    TF1 makes a Const below 1,000 elements and a Fill op above: names, shapes, dtypes and
    values agree (tests/test_constants_vs_tf.py), the op type of large ones does not."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    return _filled(0, shape, dtype, name or "zeros", "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype).base_dtype
    return _filled(1, shape, dtype, name or "ones", "ones")


def _like_kernel(x, value, dtype):
    return jnp.full(x.shape, value, dtype=dtype)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    dt = dtypes.as_dtype(dtype or x.dtype).base_dtype
    return op_output("ZerosLike", _like_kernel, [x], name=name or "zeros_like",
                     attrs={"value": 0, "dtype": np.dtype(dt.as_numpy_dtype)})


def ones_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    dt = dtypes.as_dtype(dtype or x.dtype).base_dtype
    return op_output("OnesLike", _like_kernel, [x], name=name or "ones_like",
                     attrs={"value": 1, "dtype": np.dtype(dt.as_numpy_dtype)})


def _dynamic_shape_spec(dims_tensor):
    """The static shape of a value shaped by the 1-D tensor `dims_tensor`, as much as is known at
    graph time (TF1's `constant_value_as_shape`): `tf.shape(x)` gives x's static shape, a stack
    of scalars gives the known ones, otherwise the rank if known."""
    op = dims_tensor.op
    if op.type == "Shape" and op.inputs[0].shape.ndims is not None:
        return op.inputs[0].shape
    if op.type == "Pack" and all(t.shape.ndims == 0 for t in op.inputs):
        return TensorShape([None if t._static_value is None or int(t._static_value) < 0 else int(t._static_value)
                            for t in op.inputs])  # -1 (reshape's "the rest") is unknown here
    rank = dims_tensor.shape[0].value if dims_tensor.shape.ndims == 1 else None
    return TensorShape(None if rank is None else [None] * rank)


def fill(dims, value, name=None):
    """TF1's `tf.fill(dims, value)`; `dims` may be computed (e.g. `tf.shape(x)` of a fed x)."""
    v = convert_to_tensor(value)
    static, dyn = _static_shape_arg(dims, "fill")
    if static is not None:
        return op_output("Fill", _fill_kernel, [v], name=name or "Fill",
                         attrs={"static_dims": static})
    return op_output("Fill", lambda d, val: _fill_kernel(val, dims=d), [dyn, v],
                     name=name or "Fill",
                     out_specs=[(v.dtype.base_dtype, _dynamic_shape_spec(dyn))])


def _shape_kernel(x, out_type):
    return np.asarray(x.shape, dtype=out_type)


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """TF1's `tf.shape`: the dynamic shape. As TF1 (`optimize=True`), a fully known static
    shape is a constant named "Shape" instead: running it needs nothing of the input."""
    x = convert_to_tensor(input)
    out_np = np.dtype(dtypes.as_dtype(out_type).as_numpy_dtype)
    if x.shape.is_fully_defined():
        return constant(np.asarray(x.shape.as_list(), dtype=out_np), name=name or "Shape")
    return op_output("Shape", _shape_kernel, [x], name=name or "Shape", attrs={"out_type": out_np},
                     out_specs=[(dtypes.as_dtype(out_type), TensorShape([x.shape.ndims]))])


def _size_kernel(x, out_type):
    return np.asarray(x.size, dtype=out_type)


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """TF1's `tf.size`; a constant named "Size" when the static shape is fully known or has a
    zero dimension (TF1's `optimize=True`)."""
    x = convert_to_tensor(input)
    out_np = np.dtype(dtypes.as_dtype(out_type).as_numpy_dtype)
    dims = x.shape.as_list() if x.shape.ndims is not None else None
    if dims is not None and (None not in dims or 0 in dims):
        return constant(np.asarray(0 if 0 in dims else x.shape.num_elements(), dtype=out_np),
                        name=name or "Size")
    return op_output("Size", _size_kernel, [x], name=name or "Size", attrs={"out_type": out_np},
                     out_specs=[(dtypes.as_dtype(out_type), TensorShape([]))])


def _rank_kernel(x):
    return np.asarray(x.ndim, dtype=np.int32)


def rank(input, name=None):  # noqa: A002
    """TF1's `tf.rank`; a constant named "Rank" when the static rank is known (TF1's
    `optimize=True`)."""
    x = convert_to_tensor(input)
    if x.shape.ndims is not None:
        return constant(np.asarray(x.shape.ndims, dtype=np.int32), name=name or "Rank")
    return op_output("Rank", _rank_kernel, [x], name=name or "Rank",
                     out_specs=[(dtypes.int32, TensorShape([]))])


def _reshape_kernel(x, shape=None, static_shape=None):
    target = static_shape if static_shape is not None else concrete_dims(shape, "reshape")
    return jnp.reshape(x, target)


def reshape(tensor, shape, name=None):
    """TF1's `tf.reshape` (one -1 allowed)."""
    x = convert_to_tensor(tensor)
    static, dyn = _static_shape_arg(shape, "reshape")
    if static is not None:
        out_specs = None
        if not x.shape.is_fully_defined() and (x.shape.ndims is None or -1 not in static):
            # TF1: the target shape is the static shape (its -1 unknown) whatever x's is
            out_specs = [(x.dtype.base_dtype, TensorShape([None if d == -1 else d
                                                           for d in static]))]
        return op_output("Reshape", _reshape_kernel, [x], name=name or "Reshape",
                         attrs={"static_shape": static}, out_specs=out_specs)
    spec = _dynamic_shape_spec(dyn)
    dims = spec.as_tuple()
    if dims is not None and dims.count(None) == 1 and x.shape.is_fully_defined():
        known = int(np.prod([d for d in dims if d is not None]))
        if known and x.shape.num_elements() % known == 0:  # the one unknown dim follows, as TF1 infers
            spec = TensorShape([x.shape.num_elements() // known if d is None else d for d in dims])
    return op_output("Reshape", _reshape_kernel, [x, dyn], name=name or "Reshape",
                     out_specs=[(x.dtype.base_dtype, spec)])


def _transpose_kernel(x, perm, conjugate):
    out = jnp.transpose(x, perm)
    return jnp.conj(out) if conjugate else out


def transpose(a, perm=None, name="transpose", conjugate=False):
    x = convert_to_tensor(a)
    if perm is not None:
        static, _ = _static_shape_arg(perm, "transpose")
        if static is None:
            raise NotImplementedError("transpose: `perm` must be known at graph time.")
        perm = static
    return op_output("Transpose", _transpose_kernel, [x], name=name,
                     attrs={"perm": perm, "conjugate": conjugate})


def _expand_kernel(x, axis):
    return jnp.expand_dims(x, axis)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    x = convert_to_tensor(input)
    return op_output("ExpandDims", _expand_kernel, [x], name=name or "ExpandDims",
                     attrs={"axis": _int(axis)})


def _squeeze_kernel(x, axis):
    return jnp.squeeze(x, axis)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    axis = axis if axis is not None else squeeze_dims
    if isinstance(axis, int):
        axis = (axis,)
    x = convert_to_tensor(input)
    axis = None if axis is None else tuple(int(a) for a in axis)
    dims = x.shape.as_tuple()
    if axis is not None and dims is not None:  # TF1's shape function checks what it knows
        for a in axis:
            if not -len(dims) <= a < len(dims):
                raise ValueError(f"Tried to squeeze dim index {a} for tensor with {len(dims)} "
                                 "dimensions.")
            if dims[a] is not None and dims[a] != 1:
                raise ValueError(f"Can not squeeze dim[{a % len(dims)}], expected a dimension of "
                                 f"1, got {dims[a]} for '{name or 'Squeeze'}' with input shape "
                                 f"{x.shape}.")
        out = [d for i, d in enumerate(dims) if i not in {a % len(dims) for a in axis}]
        return op_output("Squeeze", _squeeze_kernel, [x], name=name or "Squeeze",
                         attrs={"axis": axis}, out_specs=[(x.dtype.base_dtype, TensorShape(out))])
    if dims is not None and None in dims:  # an unknown dim may be 1 when the run comes: TF1 says unknown
        return op_output("Squeeze", _squeeze_kernel, [x], name=name or "Squeeze",
                         attrs={"axis": None}, out_specs=[(x.dtype.base_dtype, TensorShape(None))])
    return op_output("Squeeze", _squeeze_kernel, [x], name=name or "Squeeze", attrs={"axis": axis})


def _concat_kernel(*xs, axis):
    return jnp.concatenate(xs, axis=axis)


def concat(values, axis, name="concat"):
    ts = [convert_to_tensor(v) for v in values]
    if len(ts) == 1:
        return identity(ts[0], name=name)
    _same_dtype(ts, "concat")
    return op_output("ConcatV2", _concat_kernel, ts, name=name, attrs={"axis": _int(axis)})


def _same_dtype(ts, what):
    kinds = {t.dtype.base_dtype for t in ts}
    if len(kinds) > 1:
        raise TypeError(f"{what}: all values must have the same dtype, got "
                        f"{[t.dtype.name for t in ts]}.")


def _stack_kernel(*xs, axis):
    return jnp.stack(xs, axis=axis)


def stack(values, axis=0, name="stack"):
    """TF1's `tf.stack` (`tf.pack`); Python numbers are converted to the tensors' dtype."""
    ref = next((v for v in values if isinstance(v, ops_lib.Tensor) or hasattr(v, "_as_tensor")),
               None)
    dtype = convert_to_tensor(ref).dtype if ref is not None else None
    ts = [convert_to_tensor(v, dtype=dtype) if not isinstance(v, ops_lib.Tensor) else v for v in values]
    _same_dtype(ts, "stack")
    if all(t._static_value is not None for t in ts) and ts:
        return constant(np.stack([t._static_value for t in ts], axis=axis), dtype=ts[0].dtype,
                        name=name)
    return op_output("Pack", _stack_kernel, ts, name=name, attrs={"axis": int(axis)})


parallel_stack = stack


def _pack_list(values, dtype, name):
    packed = stack(values, name=name)
    return packed if dtype is None else math_ops.cast(packed, dtype)


register_list_packer(_pack_list)


def _unstack_kernel(x, axis, num):
    return tuple(jnp.squeeze(p, axis) for p in jnp.split(x, num, axis=axis))


def unstack(value, num=None, axis=0, name="unstack"):
    x = convert_to_tensor(value)
    if num is None:
        if x.shape.ndims is None or x.shape[axis].value is None:
            raise ValueError(f"Cannot infer num from shape {x.shape}")
        num = x.shape[axis].value
    return make_op("Unpack", _unstack_kernel, [x], name=name,
                   attrs={"axis": int(axis), "num": int(num)}).outputs


def _split_kernel(x, sections, axis, sizes=None):
    if isinstance(sections, int) and x.shape[axis] % sections:  # dimension unknown at graph time
        raise errors.InvalidArgumentError(
            None, None, f"Number of ways to split should evenly divide the split dimension, but "
                        f"got split_dim {axis} (size = {x.shape[axis]}) and num_split {sections}")
    if sizes is not None and sum(sizes) != x.shape[axis]:
        raise errors.InvalidArgumentError(
            None, None, f"Determined shape must either match input shape along split_dim exactly "
                        f"if fully specified, or be less than the size of the input along "
                        f"split_dim if not fully specified.  Got: {sum(sizes)} (tf.split sizes "
                        f"{list(sizes)} of a dimension of size {x.shape[axis]})")
    return tuple(jnp.split(x, sections, axis=axis))


def _split_specs(x, axis, sizes):
    """The outputs' (dtype, shape) when the split dimension is unknown until the run."""
    dims = list(x.shape.as_tuple()) if x.shape.ndims is not None else None
    return [(x.dtype.base_dtype, TensorShape(
        None if dims is None else dims[:axis] + [size] + dims[axis + 1:])) for size in sizes]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """TF1's `tf.split`: an int gives equal parts ("Split"), a list gives sizes ("SplitV"; one
    may be -1). Sizes that do not add up to the dimension raise ValueError, as TF1's shape
    inference does (InvalidArgumentError when the run meets a dimension unknown until then)."""
    x = convert_to_tensor(value)
    axis = _int(axis)
    if axis < 0 and x.shape.ndims is not None:
        axis += x.shape.ndims
    dim = x.shape[axis].value if x.shape.ndims is not None else None
    if isinstance(num_or_size_splits, (int, np.integer)):
        n = int(num_or_size_splits)
        if n < 1:
            raise ValueError(f"tf.split: num_or_size_splits must be >= 1, got {n}.")
        if dim is not None and dim % n:
            raise ValueError(f"Dimension {axis} of shape {x.shape} is not evenly divisible by {n}")
        return make_op("Split", _split_kernel, [x], name=name, attrs={"sections": n, "axis": axis},
                       out_specs=None if dim is not None else _split_specs(x, axis, [None] * n)
                       ).outputs
    sizes, _ = _static_shape_arg(num_or_size_splits, "split")
    if sizes is None:
        raise NotImplementedError("split: size_splits must be known at graph time.")
    sizes = list(sizes)
    if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
        raise ValueError(f"tf.split: size_splits {sizes} may hold one -1 and sizes >= 0 only.")
    if -1 in sizes:
        if dim is None:
            raise NotImplementedError("split with -1 needs a known dimension.")
        rest = dim - (sum(sizes) + 1)
        if rest < 0:
            raise ValueError(f"tf.split: size_splits {sizes} add up to more than dimension "
                             f"{axis} of shape {x.shape}.")
        sizes[sizes.index(-1)] = rest
    elif dim is not None and sum(sizes) != dim:
        raise ValueError(f"Can't split axis {axis} of shape {x.shape} into pieces of size "
                         f"{sizes} (they add up to {sum(sizes)}).")
    sections = tuple(np.cumsum(sizes)[:-1].tolist())
    return make_op("SplitV", _split_kernel, [x], name=name,
                   out_specs=None if dim is not None else _split_specs(x, axis, sizes),
                   attrs={"sections": sections, "axis": axis,
                          "sizes": None if dim is not None else tuple(sizes)}).outputs


def _tile_kernel(x, multiples):
    return jnp.tile(x, multiples)


def tile(input, multiples, name=None):  # noqa: A002
    x = convert_to_tensor(input)
    static, dyn = _static_shape_arg(multiples, "tile")
    if static is None:  # known when the run is traced (e.g. from tf.shape of a fed tensor)
        return op_output("Tile", _tile_traced_kernel, [x, _int32(dyn)], name=name or "Tile",
                         out_specs=[(x.dtype.base_dtype, _unknown_dims(x))])
    return op_output("Tile", _tile_kernel, [x], name=name or "Tile", attrs={"multiples": static})


def _tile_traced_kernel(x, multiples):
    return jnp.tile(x, concrete_dims(multiples, "tile"))


def _int32(t):
    t = convert_to_tensor(t)
    return t if t.dtype.base_dtype == dtypes.int32 else math_ops.cast(t, dtypes.int32)


def _unknown_dims(x):
    """The static shape of a result of `x`'s rank whose dims are known only when traced."""
    return TensorShape(None if x.shape.ndims is None else [None] * x.shape.ndims)


def _pad_kernel(x, paddings, mode, constant_values):
    if mode == "CONSTANT":
        return jnp.pad(x, paddings, mode="constant", constant_values=constant_values)
    return jnp.pad(x, paddings, mode={"REFLECT": "reflect", "SYMMETRIC": "symmetric"}[mode])


def _has_tensor(v):
    if isinstance(v, (list, tuple)):
        return any(_has_tensor(e) for e in v)
    return isinstance(v, ops_lib.Tensor) or hasattr(v, "_as_tensor")


def _pad_traced_kernel(x, paddings, mode, constant_values):
    flat = concrete_dims(paddings, "pad")
    pairs = tuple(zip(flat[0::2], flat[1::2]))
    return _pad_kernel(x, pairs, mode, constant_values)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """TF1's `tf.pad`: a "Pad" op, "PadV2" with non-zero `constant_values`, "MirrorPad" for
    REFLECT/SYMMETRIC (named after the op type, as TF1)."""
    x = convert_to_tensor(tensor)
    p = paddings._static_value if isinstance(paddings, ops_lib.Tensor) else \
        None if _has_tensor(paddings) else np.asarray(paddings)
    mode = mode.upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode: {mode}")
    if mode != "CONSTANT":
        op_type = "MirrorPad"
    else:
        op_type = "Pad" if np.all(np.asarray(constant_values) == 0) else "PadV2"
    if p is None:  # known when the run is traced (e.g. from tf.shape of a fed tensor)
        return op_output(op_type, _pad_traced_kernel, [x, _int32(paddings)], name=name or op_type,
                         attrs={"mode": mode, "constant_values": constant_values},
                         out_specs=[(x.dtype.base_dtype, _unknown_dims(x))])
    return op_output(op_type, _pad_kernel, [x], name=name or op_type,
                     attrs={"paddings": tuple(map(tuple, np.asarray(p).tolist())), "mode": mode,
                            "constant_values": constant_values})


def _gather_kernel(params, indices, axis, batch_dims):
    take = functools.partial(jnp.take, axis=axis - batch_dims, mode="clip")
    for _ in range(batch_dims):  # TF1's batch_dims: the leading dims index params and indices alike
        take = jax.vmap(take)
    return take(params, indices)


def _gather_out_of_range(params, indices, axis, batch_dims):
    del batch_dims
    return jnp.any((indices < 0) | (indices >= params.shape[axis]))


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0, *,
           _op_type="GatherV2"):
    """TF1's `tf.gather` (a "GatherV2" op), with `axis` and `batch_dims`.

    As TF1's CPU kernel, an index outside `[0, params.shape[axis])` (negative ones too) fails
    the run with InvalidArgumentError naming the op, and the run changes no variable. (JAX
    alone would clamp it, a silently wrong value.) `validate_indices` is ignored, as in TF1.
    """
    del validate_indices  # deprecated in TF1; its CPU kernel always validates
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    if i.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"tf.gather: indices '{ops_lib.display_name(i)}' must be int32 or int64, got "
                        f"{i.dtype.base_dtype.name}.")
    rank = p.shape.ndims
    axis = _int(0 if axis is None else axis)
    batch_dims = _int(batch_dims)
    if rank is not None:
        if not -rank <= axis < rank:
            raise ValueError(f"tf.gather: axis {axis} is out of range for params '{ops_lib.display_name(p)}' of "
                             f"rank {rank}.")
        axis %= rank
    elif axis < 0:
        raise ValueError(f"tf.gather: a negative axis ({axis}) needs params of known rank; "
                         f"'{ops_lib.display_name(p)}' has unknown rank.")
    if batch_dims < 0 and i.shape.ndims is not None:
        batch_dims += i.shape.ndims
    if not 0 <= batch_dims <= axis:
        raise ValueError(f"tf.gather: batch_dims ({batch_dims}) must be in [0, axis ({axis})].")
    name = name or "GatherV2"
    attrs = {"axis": axis, "batch_dims": batch_dims}
    msg = (f"indices out of range in GatherV2 op '{next_op_name(name)}': every index of "
           f"'{ops_lib.display_name(i)}' must be in [0, params.shape[{axis}]) of "
           f"'{ops_lib.display_name(p)}' ({_dim_text(p, axis)})")
    out = op_output(_op_type, _gather_kernel, [p, i], name=name, attrs=attrs, kind=CHECKED,
                    check=RunCheck(functools.partial(_gather_out_of_range, **attrs),
                                   errors.InvalidArgumentError, msg))
    if axis == 0 and batch_dims == 0 and not getattr(out, "_is_eager", False):
        # its params' gradient is an IndexedSlices (tf.gradients; a tape's are dense)
        out.op.attrs["row_gather"] = RowGather(positions=(0,), ids_input=1, rows=_gathered_rows)
    return out


class RowGather(NamedTuple):
    """How an op's output rows are rows of some of its inputs, for `tf.gradients`' IndexedSlices:
    `rows(input values, position)` gives, for input `position` (one of `positions`), the row of
    that input each output row is (flattened), and a mask of the output rows taken from it
    (None: all of them). `ids_input` is the input holding the ids (its dtype is the indices')."""
    positions: tuple
    ids_input: int
    rows: Callable


def _gathered_rows(inputs, position):
    del position
    return jnp.reshape(inputs[1], -1), None


def _dim_text(t, axis):
    dims = t.shape.as_tuple() if t.shape.ndims is not None else None
    return f"size {dims[axis]}" if dims and dims[axis] is not None else "size known at run time"


def _gather_nd_kernel(params, indices):
    idx = tuple(jnp.moveaxis(jnp.asarray(indices), -1, 0))
    return jnp.asarray(params)[idx]  # a NumPy `params` (a constant) cannot be indexed by traced indices


def _gather_nd_out_of_range(params, indices):
    k = indices.shape[-1]
    bounds = jnp.asarray(params.shape[:k], indices.dtype)
    return jnp.any((indices < 0) | (indices >= bounds))


def gather_nd(params, indices, name=None, batch_dims=0):
    """TF1's `tf.gather_nd`. An index outside `params`' shape fails the run with
    InvalidArgumentError naming the op (TF1's CPU kernel); `batch_dims` is not supported."""
    if batch_dims:
        raise NotImplementedError("gather_nd argument batch_dims is not supported.")
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    name = name or "GatherNd"
    msg = (f"indices out of range in GatherNd op '{next_op_name(name)}': every index of "
           f"'{ops_lib.display_name(i)}' must lie inside the shape {p.shape} of '{ops_lib.display_name(p)}'")
    return op_output("GatherNd", _gather_nd_kernel, [p, i], name=name, kind=CHECKED,
                     check=RunCheck(_gather_nd_out_of_range, errors.InvalidArgumentError, msg))


def _slice_kernel(x, begin, size):
    idx = tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return x[idx]


def slice(input_, begin, size, name=None):  # noqa: A001
    x = convert_to_tensor(input_)
    b, b_dyn = _static_shape_arg(begin, "slice")
    s, s_dyn = _static_shape_arg(size, "slice")
    if b is None or s is None:  # known when the run is traced
        b_t = _int32(b_dyn if b is None else b)
        s_t = _int32(s_dyn if s is None else s)
        if s is not None:
            out = TensorShape([None if d == -1 else d for d in s])
        else:
            out = _dynamic_shape_spec(s_t)
        return op_output("Slice", _slice_traced_kernel, [x, b_t, s_t], name=name or "Slice",
                         out_specs=[(x.dtype.base_dtype, out)])
    return op_output("Slice", _slice_kernel, [x], name=name or "Slice",
                     attrs={"begin": b, "size": s})


def _slice_traced_kernel(x, begin, size):
    return _slice_kernel(x, concrete_dims(begin, "slice"), concrete_dims(size, "slice"))


def _one_hot_kernel(indices, depth, on_value, off_value, axis, dtype):
    hot = jax.nn.one_hot(indices, depth, axis=axis, dtype=jnp.bool_)
    return jnp.where(hot, jnp.asarray(on_value, dtype), jnp.asarray(off_value, dtype))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    i = convert_to_tensor(indices)
    dt = dtypes.as_dtype(dtype or dtypes.float32)
    attrs = {"on_value": 1 if on_value is None else on_value,
             "off_value": 0 if off_value is None else off_value,
             "axis": -1 if axis is None else axis, "dtype": np.dtype(dt.as_numpy_dtype)}
    if isinstance(depth, ops_lib.Tensor) and depth._static_value is None:
        # Known when the run is traced (e.g. tf.shape(x)[0] of a fed x).
        rank = i.shape.ndims
        out = TensorShape(None if rank is None else [None] * (rank + 1))
        if rank is not None:
            dims = i.shape.as_list()
            dims.insert(rank if attrs["axis"] == -1 else attrs["axis"], None)
            out = TensorShape(dims)
        return op_output("OneHot", _one_hot_traced_kernel, [i, _int32(depth)],
                         name=name or "one_hot", attrs=attrs, out_specs=[(dt, out)])
    return op_output("OneHot", _one_hot_kernel, [i], name=name or "one_hot",
                     attrs=dict(attrs, depth=_int(depth)))


def _one_hot_traced_kernel(indices, depth, **attrs):
    return _one_hot_kernel(indices, depth=concrete_dims(depth, "one_hot depth")[0], **attrs)


def _where_kernel(c, x, y):
    if c.ndim == 1 and x.ndim > 1:
        c = c.reshape((-1,) + (1,) * (x.ndim - 1))
    return jnp.where(c, x, y)


def where(condition, x=None, y=None, name=None):
    """TF1's `tf.where(condition, x, y)`; a rank-1 condition selects rows, as TF1.
    `tf.where(condition)` gives the coordinates of the true entries (a data-dependent shape,
    see `data_dependent_ops`)."""
    if x is None and y is None:
        from tfvars_jax.ops import data_dependent_ops  # it builds on this module
        return data_dependent_ops.where_coordinates(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = convert_to_tensor(condition)
    x, y = math_ops._pair(x, y, None)
    return op_output("Select", _where_kernel, [c, x, y], name=name or "Select")


def where_v2(condition, x=None, y=None, name=None):
    if x is None or y is None:
        return where(condition, x, y, name)
    c = convert_to_tensor(condition)
    x, y = math_ops._pair(x, y, None)
    return op_output("SelectV2", jnp.where, [c, x, y], name=name or "SelectV2")


def _reverse_kernel(x, axis):
    return jnp.flip(x, axis)


def reverse(tensor, axis, name=None):
    """TF1's `tf.reverse(tensor, axis)` ("ReverseV2"); `axis` must be known at graph time."""
    static, _ = _static_shape_arg(axis, "reverse")
    if static is None:
        raise NotImplementedError("reverse: `axis` must be known at graph time.")
    axis = tuple(static)
    return op_output("ReverseV2", _reverse_kernel, [convert_to_tensor(tensor)],
                     name=name or "ReverseV2", attrs={"axis": axis})


def _reverse_sequence_kernel(x, lengths, seq_axis, batch_axis):
    n = x.shape[seq_axis]
    t = jnp.arange(n)[None, :]
    lengths = jnp.asarray(lengths).astype(jnp.int32)[:, None]
    idx = jnp.where(t < lengths, lengths - 1 - t, t)  # [batch, time]
    if seq_axis < batch_axis:
        idx = idx.T
    shape = [1] * x.ndim
    shape[batch_axis], shape[seq_axis] = x.shape[batch_axis], n
    idx = jnp.broadcast_to(idx.reshape(shape), x.shape)
    return jnp.take_along_axis(x, jnp.clip(idx, 0, n - 1), axis=seq_axis)


def _reverse_sequence_bad(x, lengths, seq_axis, batch_axis):
    return jnp.any((lengths < 0) | (lengths > x.shape[seq_axis]))


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """TF1's `tf.reverse_sequence`: row `b` (along `batch_axis`, default 0) has its first
    `seq_lengths[b]` entries along `seq_axis` reversed, the rest unchanged. A length below 0
    or above the size of `seq_axis` fails the run with InvalidArgumentError, as TF1."""
    if seq_axis is not None and seq_dim is not None:
        raise ValueError("Cannot specify both 'seq_axis' and 'seq_dim'")
    if batch_axis is not None and batch_dim is not None:
        raise ValueError("Cannot specify both 'batch_axis' and 'batch_dim'")
    seq_axis = seq_axis if seq_axis is not None else seq_dim
    batch_axis = batch_axis if batch_axis is not None else (batch_dim or 0)
    if seq_axis is None:
        raise TypeError("reverse_sequence() missing required argument: 'seq_axis'")
    x = convert_to_tensor(input)
    lengths = convert_to_tensor(seq_lengths)
    if lengths.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"reverse_sequence: seq_lengths '{ops_lib.display_name(lengths)}' must be int32 or "
                        f"int64, got {lengths.dtype.name}")
    rank = x.shape.ndims
    if rank is None:
        raise NotImplementedError(f"reverse_sequence: the rank of '{ops_lib.display_name(x)}' must be known.")
    seq_axis, batch_axis = _int(seq_axis), _int(batch_axis)
    seq_axis = seq_axis + rank if seq_axis < 0 else seq_axis
    batch_axis = batch_axis + rank if batch_axis < 0 else batch_axis
    if seq_axis == batch_axis or not (0 <= seq_axis < rank and 0 <= batch_axis < rank):
        raise ValueError(f"reverse_sequence: invalid seq_axis {seq_axis} / batch_axis "
                         f"{batch_axis} for '{ops_lib.display_name(x)}' of shape {x.shape}")
    if lengths.shape.ndims is not None and (
            lengths.shape.ndims != 1 or
            not lengths.shape[0].is_compatible_with(x.shape[batch_axis])):
        raise ValueError(f"reverse_sequence: seq_lengths '{ops_lib.display_name(lengths)}' must be a vector of "
                         f"length {x.shape[batch_axis]}, got shape {lengths.shape}")
    message = (f"ReverseSequence of '{ops_lib.display_name(x)}': every value of seq_lengths "
               f"'{ops_lib.display_name(lengths)}' "
               f"must be in [0, {x.shape[seq_axis]}] (the size of axis {seq_axis})")
    op = make_op("ReverseSequence", _reverse_sequence_kernel, [x, lengths],
                 name=name or "ReverseSequence",
                 attrs={"seq_axis": seq_axis, "batch_axis": batch_axis}, kind=CHECKED,
                 out_specs=[(x.dtype.base_dtype, x.shape)],
                 check=RunCheck(functools.partial(_reverse_sequence_bad, seq_axis=seq_axis,
                                                  batch_axis=batch_axis),
                                errors.InvalidArgumentError, message))
    return op.outputs[0]


# ----- indexing (Tensor.__getitem__) -----------------------------------------------------
def _getitem_kernel(x, *dyn, spec):
    it = iter(dyn)
    idx = tuple(_resolve(s, it) for s in spec)
    return jnp.asarray(x)[idx]  # a NumPy `x` (a constant) cannot be indexed by traced indices


def _resolve(s, it):
    kind = s[0]
    if kind == "int":
        return s[1]
    if kind == "tensor":
        return next(it)
    if kind == "slice":
        return builtins.slice(*s[1:])
    return {"ellipsis": Ellipsis, "newaxis": None}[kind]


def strided_slice_from_key(tensor, key, name="strided_slice"):
    """`tensor[key]`: ints, slices (negative steps too), `...`, `tf.newaxis`, scalar tensors."""
    x = convert_to_tensor(tensor)
    if not isinstance(key, tuple):
        key = (key,)
    spec, dyn = [], []
    for k in key:
        if k is Ellipsis:
            spec.append(("ellipsis",))
        elif k is None:
            spec.append(("newaxis",))
        elif isinstance(k, builtins.slice):
            parts = []
            for p in (k.start, k.stop, k.step):
                if isinstance(p, ops_lib.Tensor) or hasattr(p, "_as_tensor"):
                    t = convert_to_tensor(p)
                    if t._static_value is None:
                        raise NotImplementedError(f"Slicing {ops_lib.display_name(x)} with computed bounds "
                                                  f"({ops_lib.display_name(t)}) is not supported: JAX needs static "
                                                  "slice sizes.")
                    p = int(t._static_value)
                parts.append(None if p is None else int(p))
            spec.append(("slice",) + tuple(parts))
        elif isinstance(k, (int, np.integer)):
            spec.append(("int", int(k)))
        elif isinstance(k, ops_lib.Tensor) or hasattr(k, "_as_tensor"):
            t = convert_to_tensor(k)
            if t.shape.ndims not in (0, None) or not t.dtype.is_integer:
                raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis "
                                "(`None`) and scalar tf.int32/tf.int64 tensors are valid indices, "
                                f"got {t!r}")
            spec.append(("tensor",))
            dyn.append(t)
        else:
            raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) "
                            f"and scalar tf.int32/tf.int64 tensors are valid indices, got {k!r}")
    _check_static_indices(x, spec, name)
    out = op_output("StridedSlice", _getitem_kernel, [x] + dyn, name=name,
                    attrs={"spec": tuple(spec)})
    if x._static_value is not None and not dyn and x.dtype.is_integer and \
            np.ndim(x._static_value) == 1:
        # TF1's constant_value folds a slice of a known shape (`tf.shape(x)[0]`): so do we, so
        # that what it sizes gets a static shape.
        out._static_value = np.asarray(x._static_value)[tuple(_resolve(s, iter(())) for s in spec)]
    return out


def _check_static_indices(x, spec, name):
    """TF1 rejects an integer index outside a known dimension at graph time (JAX would clamp it)."""
    dims = x.shape.as_tuple()
    if dims is None:
        return
    consuming = sum(1 for s in spec if s[0] in ("int", "slice", "tensor"))
    d = 0
    for s in spec:
        if s[0] == "ellipsis":
            d += max(len(dims) - consuming, 0)
        elif s[0] == "newaxis":
            continue
        else:
            if d < len(dims) and s[0] == "int" and dims[d] is not None and not -dims[d] <= s[1] < dims[d]:
                raise ValueError(f"slice index {s[1]} of dimension {d} out of bounds. for '{name}' "
                                 f"(op: 'StridedSlice') with input shape {x.shape}")
            d += 1


def _int(v):
    if isinstance(v, ops_lib.Tensor):
        if v._static_value is None:
            raise NotImplementedError(f"{v.name} must be known at graph time here.")
        return int(v._static_value)
    return int(v)


