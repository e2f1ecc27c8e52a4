"""TF1's variable initializers (`tf.compat.v1.initializers`, `init_ops.py`) on JAX.

Every initializer is a small configuration object. Its pure core is
`sample(key, shape, dtype=None, full_shape=None, var_offset=None)`, which returns the initial
value as a `jax.Array` and draws randomness only from `key`. The graph glue decides the key
(from the graph seed and `self.seed`); `sample` never reads `self.seed`.

Calling an initializer the TF1 way, `init(shape, dtype=None, partition_info=None)`, builds a
graph Tensor through `tfvars_jax.ops.random_ops.initializer_tensor`. That glue should call
`resolve(...)` while building the graph, so errors TF1 raises at call time are raised then
too, and pass `partition_info.full_shape` / `.var_offset` on to `sample`.

The distributions and their parameters are TF1's exactly (fans, truncation at two standard
deviations, the 0.87962566103423978 correction, uniform as `u * (max - min) + min`); the
random bits are JAX's, so values never equal TF1's bit for bit. `self.dtype` is a NumPy dtype
where TF1 stores a `tf.DType`; `get_config()["dtype"]` is the same name in both.
"""
import copy
import functools
import math
import numbers
import types

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.ops.random_ops import initializer_tensor

# TF1's own name for the correction: scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.).
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978

# The numeric dtypes initializers produce (names as `tf.as_dtype` takes them).
_NUMERIC_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                  "float16", "bfloat16", "float32", "float64", "complex64", "complex128")
_SUPPORTED_DTYPES = frozenset(np.dtype(dtypes.as_dtype(n).as_numpy_dtype) for n in _NUMERIC_NAMES)
_FLOAT_DTYPES = tuple(np.dtype(d) for d in ("float16", jnp.bfloat16, "float32", "float64"))
_INT_DTYPES_FOR_UNIFORM = (np.dtype("int32"), np.dtype("int64"))
_FLOAT_NAMES = ", ".join(d.name for d in _FLOAT_DTYPES)
_FLOAT32 = np.dtype("float32")


def as_numpy_dtype(dtype):
    """The NumPy dtype of a numeric dtype as `tf.as_dtype` accepts it (a `tf.DType`, a NumPy
    dtype or scalar type, a name such as "float32" or "double", the Python types `float`
    (float32) and `bool`); TypeError for anything else, as TF1."""
    if isinstance(dtype, dtypes.DType):  # the common case, looked up (every initializer call)
        result = _NUMPY_OF_DTYPE.get(dtype)
        if result is not None:
            return result
    try:
        result = np.dtype(dtypes.as_dtype(dtype).as_numpy_dtype)
    except TypeError:
        result = None
    if result is None or result not in _SUPPORTED_DTYPES:
        raise TypeError(
            f"Cannot convert {dtype!r} to a numeric TensorFlow dtype. Pass a tf.DType, a NumPy "
            f"dtype, or a name such as 'float32' (names: {', '.join(_NUMERIC_NAMES)}).")
    return result


_NUMPY_OF_DTYPE = {dtypes.as_dtype(n): np.dtype(dtypes.as_dtype(n).as_numpy_dtype)
                   for n in _NUMERIC_NAMES}


def compute_fans(shape):
    """TF1's `_compute_fans`: `(fan_in, fan_out)` as ints for a weight shape.

    Scalars give (1, 1); a 1-D shape `(n,)` gives (n, n); a matrix `(in, out)` gives
    (in, out); a conv kernel `(..., in, out)` multiplies both by the receptive field size
    `prod(shape[:-2])`. (`jax.nn.initializers` refuses 0-D and 1-D shapes instead.)
    """
    if len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape
    else:
        receptive_field_size = math.prod(shape[:-2])
        fan_in = shape[-2] * receptive_field_size
        fan_out = shape[-1] * receptive_field_size
    return int(fan_in), int(fan_out)


def _as_shape(shape, what="shape"):
    """A fully defined shape (list, tuple or TensorShape) as a tuple of Python ints."""
    dims = shape.as_list() if hasattr(shape, "as_list") else shape
    if type(dims) in (list, tuple):  # plain non-negative ints (every call get_variable makes)
        dims = tuple(dims)
        for d in dims:
            if type(d) is not int or d < 0:
                break
        else:
            return dims
    try:
        dims = tuple(None if d is None else int(d) for d in dims)
    except TypeError:
        raise TypeError(
            f"Initializer {what} must be a list or tuple of ints, got {shape!r}. "
            "Write a scalar shape as [] and a vector as [n].") from None
    if any(d is None or d < 0 for d in dims):
        raise ValueError(
            f"Initializers need a fully defined, non-negative {what}; got {shape!r}. "
            "Give every dimension a concrete size.")
    return dims


def _incompatible_element(value, dtype):
    """The first element of `value` TF1 refuses to convert to `dtype`, or None.

    Mirrors `tensor_util._AssertCompatible` on (nested) Python values: integer dtypes take
    only integers (not 1.0), float dtypes real numbers, bool only Python bools; arrays
    nested in lists must already have an accepted element type.
    """
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        accepted = (bool,)
    elif jnp.issubdtype(dtype, jnp.integer):
        accepted = (numbers.Integral, np.integer)
    elif jnp.issubdtype(dtype, jnp.floating):
        accepted = (numbers.Real, np.integer, np.floating)
    else:
        accepted = (numbers.Complex, np.number)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif not (isinstance(item, accepted)
                  or (isinstance(item, np.ndarray) and issubclass(item.dtype.type, accepted))):
            return item
    return None


def _check_compatible(owner, what, value, dtype):
    """Raise TF1's TypeError if `value` cannot be converted to `dtype` (see above)."""
    bad = _incompatible_element(value, dtype)
    if bad is not None:
        raise TypeError(
            f"{owner}: {what} must be {dtype.name} values, but got {bad} of type "
            f"'{type(bad).__name__}'. Pass {what} of that type or call with a matching dtype.")


def _assert_float_dtype(owner, dtype):
    """TF1's constructor check (`_assert_float_dtype`): ValueError for non-float dtypes."""
    dtype = as_numpy_dtype(dtype)
    if dtype not in _FLOAT_DTYPES:
        raise ValueError(
            f"{owner}: argument `dtype` is expected to be floating point. Received: "
            f"{dtype.name}. Use one of {_FLOAT_NAMES}.")
    return dtype


def _require_float_to_sample(owner, dtype):
    """TF1's call-time failure: its random ops reject non-float dtypes with a TypeError."""
    if dtype not in _FLOAT_DTYPES:
        raise TypeError(
            f"{owner} samples floating point values and cannot produce {dtype.name}. Call it "
            f"with one of {_FLOAT_NAMES} (and cast afterwards if you need {dtype.name}).")


def _sampler(fn):
    """Jit `fn(key, shape, dtype, *params)`, casting `params` to `dtype` as TF1 does.

    Eager use then compiles once per shape and dtype, whatever the parameter values;
    inside a caller's jit it is inlined.
    """
    jitted = jax.jit(fn, static_argnums=(1, 2))

    @functools.wraps(fn)
    def sample(key, shape, dtype, *params):
        return jitted(key, shape, dtype, *(np.asarray(p, dtype) for p in params))
    return sample


@_sampler
def _uniform(key, shape, dtype, minval, maxval):
    """`tf.random_uniform` for floats: `u * (maxval - minval) + minval`, u in [0, 1).

    Written out (not `jax.random.uniform(minval=, maxval=)`), because JAX clamps to
    `minval` and so collapses TF1's valid `minval > maxval` case to a constant.
    """
    return jax.random.uniform(key, shape, dtype) * (maxval - minval) + minval


@_sampler
def _normal(key, shape, dtype, mean, stddev):
    """`tf.random_normal`: `n * stddev + mean`."""
    return jax.random.normal(key, shape, dtype) * stddev + mean


@_sampler
def _truncated_normal(key, shape, dtype, mean, stddev):
    """`tf.truncated_normal`: a normal restricted to two standard deviations around `mean`.

    TF1 redraws values beyond the bounds; JAX inverts the CDF. Same distribution.
    """
    unit = jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype)
    return unit * stddev + mean


class Initializer:
    """Base class of TF1's initializers (`tf.keras.initializers.Initializer` in TF1).

    Subclasses implement `_sample` and, for TF1's call-time errors, `_check`. Subclasses
    written in TF1 style that override `__call__` keep working through the graph glue.
    """

    needs_key = True
    dtype = _FLOAT32  # TF1's base class has none; the default for subclasses that set none.

    def __call__(self, shape, dtype=None, partition_info=None):
        """TF1's call: a graph Tensor of `shape` holding the initial value."""
        return initializer_tensor(self, shape, dtype, partition_info)

    def resolve(self, shape, dtype=None, full_shape=None, var_offset=None):
        """Check a call as TF1 does when building the graph; return the result's (shape, dtype).

        `dtype=None` means the constructor's dtype; a call dtype wins, as in TF1.
        `full_shape` and `var_offset` describe the whole variable when `shape` is one
        partition of it (TF1's `partition_info`).
        """
        return self._resolve(shape, dtype, full_shape, var_offset)[:2]

    def _resolve(self, shape, dtype, full_shape, var_offset):
        """`resolve`, also returning `full_shape` and `var_offset` normalized to tuples."""
        shape = _as_shape(shape)
        dtype = self.dtype if dtype is None else as_numpy_dtype(dtype)
        full_shape = None if full_shape is None else _as_shape(full_shape, "full_shape")
        var_offset = None if var_offset is None else _as_shape(var_offset, "var_offset")
        if full_shape is not None and len(full_shape) != len(shape):
            raise ValueError(
                f"full_shape {full_shape} and partition shape {shape} differ in rank; pass "
                "partition_info.full_shape of the variable this partition belongs to.")
        if var_offset is not None and (full_shape is None or len(var_offset) != len(shape)):
            raise ValueError(
                f"var_offset {var_offset} needs a full_shape of rank {len(shape)}; pass both "
                "from the same partition_info.")
        self._check(shape, dtype, full_shape, var_offset)
        return shape, dtype, full_shape, var_offset

    def sample(self, key, shape, dtype=None, full_shape=None, var_offset=None):
        """The initial value as a `jax.Array`: pure, randomness only from `key`.

        `key` is a JAX PRNG key (ignored, may be None, when `needs_key` is False).
        """
        shape, dtype, full_shape, var_offset = self._resolve(shape, dtype, full_shape, var_offset)
        if self.needs_key and key is None:
            raise ValueError(
                f"{type(self).__name__} is random and needs a PRNG key; pass e.g. "
                "jax.random.key(seed) as `key`.")
        return self._sample(key, shape, dtype, full_shape, var_offset)

    def _check(self, shape, dtype, full_shape, var_offset):
        """Raise what TF1 raises for this call; arguments are already normalized."""

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        raise NotImplementedError(
            f"{type(self).__name__} has no JAX sampler; implement `_sample`, or override "
            "`__call__` to build the value from graph ops as in TF1.")

    def get_config(self):
        """The constructor arguments as a JSON-friendly dict (TF1: `{}` for the base class)."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Rebuild an initializer from `get_config()`'s output: `cls(**config)`."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """`tf.zeros_initializer`: all zeros; any numeric or bool dtype (default float32).

    We do not support TF1's string dtype.
    """

    needs_key = False

    def __init__(self, dtype=_FLOAT32):
        self.dtype = as_numpy_dtype(dtype)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        return jnp.zeros(shape, dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """`tf.ones_initializer`: all ones; any numeric or bool dtype (default float32)."""

    needs_key = False

    def __init__(self, dtype=_FLOAT32):
        self.dtype = as_numpy_dtype(dtype)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        return jnp.ones(shape, dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


def _constant_array(value, shape, dtype, verify_shape):
    """TF1 graph-mode `constant_v1(value, dtype, shape, verify_shape)` as a NumPy array.

    A NumPy `value` is cast; a Python value must be compatible with `dtype` (TypeError).
    `verify_shape` demands `value.shape == shape` (TypeError). More elements than the shape
    holds is a ValueError; fewer are padded with the last element (zeros if there is none).
    A Python value for a shape with no elements skips every check, as in TF1.
    """
    size = math.prod(shape)
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value).astype(dtype)
    elif size == 0:
        return np.empty(shape, dtype)
    else:
        _check_compatible("Constant", "`value`", value, dtype)
        array = np.array(value, dtype=dtype)
    if verify_shape and array.shape != shape:
        raise TypeError(
            f"Expected Tensor's shape: {shape}, but got {array.shape}. With verify_shape=True "
            "the value must have exactly the variable's shape; reshape it or drop verify_shape.")
    if array.size > size:
        raise ValueError(
            f"Too many elements provided. Takes at most {size}, but got {array.size}. "
            f"Give constant_initializer at most {size} values for shape {shape}.")
    flat = array.ravel()
    if flat.size < size:
        fill = flat[-1] if flat.size else np.zeros((), dtype)
        flat = np.concatenate([flat, np.full(size - flat.size, fill, dtype)])
    return flat.reshape(shape)


class Constant(Initializer):
    """`tf.constant_initializer(value=0, dtype=float32, verify_shape=False)`, TF1 graph mode.

    `value` is a Python scalar, list or tuple (nested) or NumPy array, else TypeError.
    Scalars fill the shape; sequences are laid out in row-major order and, when shorter than
    the shape, padded with their last element (TF1 graph mode; TF2 eager raises instead).
    Too many elements is a ValueError; `verify_shape=True` demands the exact shape
    (TypeError). NumPy values are cast to the dtype; Python values must fit it (1.0 is not
    an int32). `__call__` also takes `verify_shape`. Partitioned variables: every partition
    is filled from the start of `value`, as in TF1 (`full_shape` is ignored).
    """

    needs_key = False

    def __init__(self, value=0, dtype=_FLOAT32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value={value} of type: {type(value).__name__}. "
                "Expected Python scalar, list or tuple of values, or numpy.ndarray; convert "
                "array-likes with np.asarray.")
        self.value = value
        self.dtype = as_numpy_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        """TF1's call; `verify_shape` overrides the constructor's for this call only."""
        initializer = self
        if verify_shape is not None:
            initializer = copy.copy(self)
            initializer._verify_shape = verify_shape
        return Initializer.__call__(initializer, shape, dtype, partition_info)

    def _check(self, shape, dtype, full_shape, var_offset):
        _constant_array(self.value, shape, dtype, self._verify_shape)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        return jnp.asarray(_constant_array(self.value, shape, dtype, self._verify_shape))

    def get_config(self):
        """TF1 leaves out `verify_shape` (it is a call argument for Keras)."""
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """`tf.random_uniform_initializer(minval=0.0, maxval=None, seed=None, dtype=float32)`.

    Floats are uniform on [minval, maxval) with `maxval=None` meaning 1; `minval > maxval`
    is allowed, as in TF1. Unlike the other random initializers it also takes int32/int64
    (checked at call time, not construction): then `maxval` is required and both bounds
    must be ints - the default `minval=0.0` is a float, so TF1 raises TypeError unless you
    pass an int `minval` - and `minval < maxval` (TF1 fails only at run time).
    """

    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=_FLOAT32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = as_numpy_dtype(dtype)

    def _check(self, shape, dtype, full_shape, var_offset):
        if dtype not in _FLOAT_DTYPES + _INT_DTYPES_FOR_UNIFORM:
            raise ValueError(
                f"RandomUniform: argument `dtype` got invalid value {dtype.name}. Accepted "
                f"dtypes are {_FLOAT_NAMES}, int32, int64.")
        is_int = dtype in _INT_DTYPES_FOR_UNIFORM
        if is_int and self.maxval is None:
            raise ValueError(
                f"RandomUniform: must specify maxval for integer dtype {dtype.name}, "
                "e.g. random_uniform_initializer(0, 10, dtype=tf.int32).")
        _check_compatible("RandomUniform", "`minval`", self.minval, dtype)
        if self.maxval is not None:
            _check_compatible("RandomUniform", "`maxval`", self.maxval, dtype)
        if is_int and not self.minval < self.maxval:
            raise ValueError(
                f"RandomUniform: need minval < maxval for {dtype.name}, got "
                f"{self.minval} >= {self.maxval}.")

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        if dtype in _INT_DTYPES_FOR_UNIFORM:
            return jax.random.randint(key, shape, self.minval, self.maxval, dtype)
        maxval = 1 if self.maxval is None else self.maxval
        return _uniform(key, shape, dtype, self.minval, maxval)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class _MeanStddev(Initializer):
    """Shared construction of RandomNormal and TruncatedNormal (unrelated classes in TF1)."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=_FLOAT32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _assert_float_dtype(type(self).__name__, dtype)

    def _check(self, shape, dtype, full_shape, var_offset):
        _require_float_to_sample(type(self).__name__, dtype)
        _check_compatible(type(self).__name__, "`mean`", self.mean, dtype)
        _check_compatible(type(self).__name__, "`stddev`", self.stddev, dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(_MeanStddev):
    """`tf.random_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=float32)`.

    Non-float dtypes: ValueError at construction, TypeError at call, as in TF1.
    """

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        return _normal(key, shape, dtype, self.mean, self.stddev)


class TruncatedNormal(_MeanStddev):
    """`tf.truncated_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=float32)`.

    A normal(mean, stddev) restricted to [mean - 2 stddev, mean + 2 stddev]; `stddev` is
    that of the untruncated normal (the samples' is 0.88 times it). Dtype rules as
    RandomNormal.
    """

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        return _truncated_normal(key, shape, dtype, self.mean, self.stddev)


class UniformUnitScaling(Initializer):
    """`tf.uniform_unit_scaling_initializer(factor=1.0, seed=None, dtype=float32)`.

    Uniform on [-m, m), m = factor * sqrt(3 / max(1, prod(shape[:-1]))), using the whole
    variable's shape (`full_shape`) for partitions. Deprecated in TF1 in favour of
    `variance_scaling_initializer(distribution="uniform")`. Dtype rules as RandomNormal.
    """

    def __init__(self, factor=1.0, seed=None, dtype=_FLOAT32):
        self.factor = factor
        self.seed = seed
        self.dtype = _assert_float_dtype("UniformUnitScaling", dtype)

    def _check(self, shape, dtype, full_shape, var_offset):
        _require_float_to_sample("UniformUnitScaling", dtype)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        scale_shape = shape if full_shape is None else full_shape
        input_size = max(float(math.prod(scale_shape[:-1])), 1.0)
        max_val = math.sqrt(3 / input_size) * self.factor
        return _uniform(key, shape, dtype, -max_val, max_val)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


class VarianceScaling(Initializer):
    """`tf.variance_scaling_initializer(scale=1.0, mode="fan_in", distribution=..., seed, dtype)`.

    `distribution` defaults to "truncated_normal", `dtype` to float32. With
    n = fan_in, fan_out or (fan_in + fan_out) / 2 per `mode` (see `compute_fans`; from
    `full_shape` for partitions) and s = scale / max(1, n): "truncated_normal" and TF1's
    deprecated alias "normal" draw a normal truncated at two standard deviations whose
    stddev *after* truncation is sqrt(s); "untruncated_normal" draws normal(0, sqrt(s));
    "uniform" draws from [-sqrt(3 s), sqrt(3 s)). `distribution` is lower-cased.
    ValueError for scale <= 0, an unknown mode or distribution, or a non-float dtype
    (TypeError when the dtype is only given at call).
    `jax.nn.initializers.variance_scaling` differs: its "normal" is untruncated, it rejects
    0-D and 1-D shapes, and has no max(1, n) guard for empty shapes.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=_FLOAT32):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be a positive float. Received: {scale}")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError(
                "Argument `mode` should be one of ('fan_in', 'fan_out', 'fan_avg'). "
                f"Received: {mode}")
        distribution = str(distribution).lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError(
                "Argument `distribution` should be one of ('normal', 'uniform', "
                f"'truncated_normal', 'untruncated_normal'). Received: {distribution}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _assert_float_dtype(type(self).__name__, dtype)

    def _check(self, shape, dtype, full_shape, var_offset):
        _require_float_to_sample(type(self).__name__, dtype)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        fan_in, fan_out = compute_fans(shape if full_shape is None else full_shape)
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1.0, fan_in)
        elif self.mode == "fan_out":
            scale /= max(1.0, fan_out)
        else:
            scale /= max(1.0, (fan_in + fan_out) / 2.0)
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / _TRUNCATED_NORMAL_STDDEV
            return _truncated_normal(key, shape, dtype, 0.0, stddev)
        if self.distribution == "untruncated_normal":
            return _normal(key, shape, dtype, 0.0, math.sqrt(scale))
        limit = math.sqrt(3.0 * scale)
        return _uniform(key, shape, dtype, -limit, limit)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """`tf.glorot_uniform_initializer(seed=None, dtype=float32)`: Xavier uniform.

    Uniform on [-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). As in TF1, the
    constructor's `dtype` is ignored: the default dtype is always float32 (pass the dtype
    at call time, as `get_variable` does).
    """

    def __init__(self, seed=None, dtype=_FLOAT32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """`tf.glorot_normal_initializer(seed=None, dtype=float32)`: Xavier normal.

    A truncated normal whose stddev after truncation is sqrt(2 / (fan_in + fan_out)).
    As in TF1, the constructor's `dtype` is ignored.
    """

    def __init__(self, seed=None, dtype=_FLOAT32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


def lecun_normal(seed=None):
    """`tf.initializers.lecun_normal`: VarianceScaling(1, "fan_in", "truncated_normal")."""
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=seed)


def lecun_uniform(seed=None):
    """`tf.initializers.lecun_uniform`: VarianceScaling(1, "fan_in", "uniform")."""
    return VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=seed)


def he_normal(seed=None):
    """`tf.initializers.he_normal`: VarianceScaling(2, "fan_in", "truncated_normal")."""
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal", seed=seed)


def he_uniform(seed=None):
    """`tf.initializers.he_uniform`: VarianceScaling(2, "fan_in", "uniform")."""
    return VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=seed)


class Orthogonal(Initializer):
    """`tf.orthogonal_initializer(gain=1.0, seed=None, dtype=float32)`.

    Shapes of rank >= 2 are flattened to (prod(shape[:-1]), shape[-1]); the result is
    `gain` times a random matrix with orthonormal columns (rows, if wider than tall):
    Q of the QR decomposition of a standard normal matrix, with columns signed by R's
    diagonal, then reshaped. Rank < 2 is a ValueError. Each partition of a partitioned
    variable is orthogonal on its own, as in TF1. Where we differ: 16-bit floats are
    decomposed in float32 and cast (TF1 rejects bfloat16 at call time).
    """

    def __init__(self, gain=1.0, seed=None, dtype=_FLOAT32):
        self.gain = gain
        self.dtype = _assert_float_dtype("Orthogonal", dtype)
        self.seed = seed

    def _check(self, shape, dtype, full_shape, var_offset):
        if len(shape) < 2:
            raise ValueError(
                "Orthogonal: the tensor to initialize must be at least two-dimensional. "
                f"Received shape={list(shape)}. Use another initializer for vectors.")
        _require_float_to_sample("Orthogonal", dtype)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        return _orthogonal(key, shape, dtype, self.gain)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


@_sampler
def _orthogonal(key, shape, dtype, gain):
    """TF1's Orthogonal.__call__: QR of a normal matrix, signs fixed by R's diagonal."""
    num_rows, num_cols = math.prod(shape[:-1]), shape[-1]
    flat_shape = (num_cols, num_rows) if num_rows < num_cols else (num_rows, num_cols)
    a = jax.random.normal(key, flat_shape, jnp.promote_types(dtype, jnp.float32))
    q, r = jnp.linalg.qr(a)
    q = q * jnp.sign(jnp.diagonal(r))
    if num_rows < num_cols:
        q = q.T
    return (gain * q.reshape(shape)).astype(dtype)


class Identity(Initializer):
    """`tf.initializers.identity(gain=1.0, dtype=float32)`: `gain` times the identity matrix.

    Only for 2-D shapes (ValueError otherwise; TF1's message says "at least
    two-dimensional" but it means exactly). Rectangular shapes get ones on the main
    diagonal. For a partition, the identity of `full_shape` is sliced at `var_offset`.
    A float dtype at construction; an int dtype at call works only with an integer gain.
    """

    needs_key = False

    def __init__(self, gain=1.0, dtype=_FLOAT32):
        self.gain = gain
        self.dtype = _assert_float_dtype("Identity", dtype)

    def _check(self, shape, dtype, full_shape, var_offset):
        whole = shape if full_shape is None else full_shape
        if len(whole) != 2:
            raise ValueError(
                f"Identity: the tensor to initialize must be two-dimensional. Received "
                f"shape={list(whole)}. Use Identity only for matrices.")
        if full_shape is not None and var_offset is None and full_shape != shape:
            raise ValueError(
                f"Identity: a partition {shape} of a {full_shape} variable needs its "
                "`var_offset` (partition_info.var_offset) to know which slice to produce.")
        _check_compatible("Identity", "`gain`", self.gain, dtype)

    def _sample(self, key, shape, dtype, full_shape, var_offset):
        # The slice of eye(*full_shape) at (row, col) is eye(*shape) shifted by row - col.
        row, col = (0, 0) if var_offset is None else var_offset
        return jnp.eye(*shape, k=row - col, dtype=dtype) * jnp.asarray(self.gain, dtype)

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


# TF1's lowercase names (`tf.*_initializer` and `init_ops` aliases).
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity

# `tf.initializers.*` (the graph-level `global_variables` etc. live elsewhere).
zeros = Zeros
ones = Ones
constant = Constant
random_uniform = RandomUniform
random_normal = RandomNormal
truncated_normal = TruncatedNormal
uniform_unit_scaling = UniformUnitScaling
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
orthogonal = Orthogonal
identity = Identity


class KerasRandomNormal(RandomNormal):
    """TF1's `tf.keras.initializers.RandomNormal`: RandomNormal with Keras' stddev=0.05 default."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=_FLOAT32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


class KerasRandomUniform(RandomUniform):
    """TF1's `tf.keras.initializers.RandomUniform`: RandomUniform on [-0.05, 0.05) by default."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=_FLOAT32):
        super().__init__(minval=minval, maxval=maxval, seed=seed, dtype=dtype)


class KerasTruncatedNormal(TruncatedNormal):
    """TF1's `tf.keras.initializers.TruncatedNormal`: TruncatedNormal with stddev=0.05 default."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=_FLOAT32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


_KERAS_INITIALIZERS = dict(
    Initializer=Initializer,
    Zeros=Zeros, zeros=Zeros,
    Ones=Ones, ones=Ones,
    Constant=Constant, constant=Constant,
    RandomNormal=KerasRandomNormal, random_normal=KerasRandomNormal, normal=KerasRandomNormal,
    RandomUniform=KerasRandomUniform, random_uniform=KerasRandomUniform,
    uniform=KerasRandomUniform,
    TruncatedNormal=KerasTruncatedNormal, truncated_normal=KerasTruncatedNormal,
    VarianceScaling=VarianceScaling,
    Orthogonal=Orthogonal, orthogonal=Orthogonal,
    Identity=Identity, identity=Identity,
    GlorotUniform=GlorotUniform, glorot_uniform=GlorotUniform,
    GlorotNormal=GlorotNormal, glorot_normal=GlorotNormal,
    lecun_normal=lecun_normal, lecun_uniform=lecun_uniform,
    he_normal=he_normal, he_uniform=he_uniform,
)


def _keras_serialize(initializer):
    """`tf.keras.initializers.serialize`: `{"class_name": ..., "config": get_config()}`."""
    return {"class_name": type(initializer).__name__.removeprefix("Keras"),
            "config": initializer.get_config()}


def _keras_deserialize(config):
    """`tf.keras.initializers.deserialize`: rebuild from `serialize`'s output."""
    name = config["class_name"]
    if name not in _KERAS_INITIALIZERS:
        raise ValueError(
            f"Unknown initializer: {name}. Use a tf.keras.initializers name, such as "
            "'GlorotUniform' or 'he_normal'.")
    factory = _KERAS_INITIALIZERS[name]
    if isinstance(factory, type):
        return factory.from_config(config["config"])
    return factory(**config["config"])


def _keras_get(identifier):
    """`tf.keras.initializers.get`: None, a name, a serialized dict, or a callable (kept)."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return _keras_deserialize(identifier)
    if isinstance(identifier, str):
        return _keras_deserialize({"class_name": identifier, "config": {}})
    raise ValueError(
        f"Could not interpret initializer identifier: {identifier!r}. Pass a name such as "
        "'glorot_uniform', a serialized dict, or an initializer instance.")


keras_initializers = types.SimpleNamespace(
    **_KERAS_INITIALIZERS,
    get=_keras_get, serialize=_keras_serialize, deserialize=_keras_deserialize)
keras_initializers.__doc__ = """TF1's `tf.keras.initializers` (TF 1.15, v1 names).

The init_ops classes, except that RandomNormal, RandomUniform and TruncatedNormal have
Keras' small defaults (stddev 0.05, range ±0.05). lecun_*/he_* are TF1's functions
returning VarianceScaling (tf-keras later made them classes with a seed-only config).
"""

# The `tf.initializers.*` short names (zeros, constant, identity, ...) are left out of
# `__all__`: at top level they would shadow the ops `tf.zeros`, `tf.constant`, `tf.identity`.
__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal",
    "TruncatedNormal", "UniformUnitScaling", "VarianceScaling", "GlorotUniform",
    "GlorotNormal", "Orthogonal", "Identity", "lecun_normal", "lecun_uniform", "he_normal",
    "he_uniform", "zeros_initializer", "ones_initializer", "constant_initializer",
    "random_uniform_initializer", "random_normal_initializer", "truncated_normal_initializer",
    "uniform_unit_scaling_initializer", "variance_scaling_initializer",
    "glorot_uniform_initializer", "glorot_normal_initializer", "orthogonal_initializer",
    "identity_initializer", "KerasRandomNormal", "KerasRandomUniform", "KerasTruncatedNormal",
    "keras_initializers", "as_numpy_dtype", "compute_fans",
]
