"""Random ops and the graph glue for initializers.

A random op's kernel takes a PRNG key first. The key is derived, when the run is traced, from
(graph seed, op seed, the State's run counter) — see `runtime/compiler.py` — so every run draws
fresh values, `tf.set_random_seed` makes the sequence reproducible across sessions, and
unseeded graphs still vary (TF1's `get_seed` picks the seeds, as here).
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops.array_ops import _dynamic_shape_spec, _static_shape_arg, concrete_dims


class _Random(OpKind):
    """`kernel(key, *inputs)`, the key derived by the run from the op's seeds (`ctx.random_key`)."""
    name = "random"
    random = True
    runs_eagerly = True

    def op_by_op(self, op):
        return True

    def run(self, op, ctx):
        args = [ctx.random_key(op)] + [ctx.env[t] for t in op._inputs]
        ctx.store(op, ctx.call(op, args))


RANDOM = _Random()


def _shaped_at_trace_time(key, dims, *inputs, kernel, **attrs):
    """A random kernel whose shape is a tensor (e.g. `tf.shape(x)` of a fed x), known once the
    run is traced."""
    return kernel(key, *inputs, shape=concrete_dims(dims, "random op"), **attrs)


def random_op(op_type, kernel, shape, dtype, seed, name, inputs=(), attrs=None):
    """Creates a random op producing `shape` x `dtype` from `kernel(key, *inputs, **attrs)`.

    `shape` may be a tensor computed from the shapes of fed tensors (`tf.shape(x)`): it is
    resolved when the run is traced, as TF1 accepts it.
    """
    static, dyn = _static_shape_arg(shape, op_type)
    dtype = dtypes.as_dtype(dtype).base_dtype
    inputs = list(inputs)
    graph = ops_lib.graph_of(inputs + ([dyn] if dyn is not None else [])) if inputs or dyn is not None \
        else ops_lib.get_default_graph()
    attrs = dict(attrs or {}, dtype=np.dtype(dtype.as_numpy_dtype))
    if static is not None:
        attrs["shape"], out_shape = static, TensorShape(static)
    else:
        attrs["kernel"], kernel, out_shape = kernel, _shaped_at_trace_time, _dynamic_shape_spec(dyn)
        inputs = [dyn] + inputs
    op = make_op(op_type, kernel, inputs, name=name, attrs=attrs, kind=RANDOM, seed=seed,
                 out_specs=[(dtype, out_shape)], graph=graph)
    op.attrs["seed"], op.attrs["seed2"] = op.seed[:2]
    return op.outputs[0]


def _require_float(dtype, what):
    """TF1 raises TypeError here (converting the float `mean` to a non-float dtype fails)."""
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"Invalid dtype {dtype.name} for {what}: expected a floating point type.")
    return dtype


def _normal_kernel(key, mean, stddev, shape, dtype):
    return (jax.random.normal(key, shape, dtype) * stddev + mean).astype(dtype)


def _truncated_kernel(key, mean, stddev, shape, dtype):
    return (jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype) * stddev + mean).astype(dtype)


def _uniform_kernel(key, minval, maxval, shape, dtype):
    if jnp.issubdtype(dtype, jnp.integer):
        return jax.random.randint(key, shape, minval, maxval, dtype)
    return jax.random.uniform(key, shape, dtype, minval, maxval)


def _params(values, dtype):
    return [convert_to_tensor(v, dtype=dtype, name=n) for n, v in values]


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """TF1's `tf.random_normal`."""
    dtype = _require_float(dtype, "random_normal")
    with ops_lib.name_scope(name, "random_normal", [mean, stddev]) as scope:
        ins = _params([("mean", mean), ("stddev", stddev)], dtype)
        return random_op("RandomStandardNormal", _normal_kernel, shape, dtype, seed, scope, ins)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """TF1's `tf.truncated_normal`: normal values re-drawn beyond two standard deviations."""
    dtype = _require_float(dtype, "truncated_normal")
    with ops_lib.name_scope(name, "truncated_normal", [mean, stddev]) as scope:
        ins = _params([("mean", mean), ("stddev", stddev)], dtype)
        return random_op("TruncatedNormal", _truncated_kernel, shape, dtype, seed, scope, ins)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """TF1's `tf.random_uniform`: [minval, maxval); integer dtypes need `maxval`."""
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
    elif not dtype.is_floating:
        raise ValueError(f"Invalid dtype {dtype.name} for random_uniform.")
    elif maxval is None:
        maxval = 1
    with ops_lib.name_scope(name, "random_uniform", [minval, maxval]) as scope:
        ins = _params([("min", minval), ("max", maxval)], dtype)
        return random_op("RandomUniform", _uniform_kernel, shape, dtype, seed, scope, ins)


def _shuffle_kernel(key, value, shape, dtype):
    return jax.random.permutation(key, value, axis=0)


def random_shuffle(value, seed=None, name=None):
    """TF1's `tf.random_shuffle` along the first dimension."""
    x = convert_to_tensor(value)
    if not x.shape.is_fully_defined():
        raise NotImplementedError("random_shuffle needs a fully known shape.")
    return random_op("RandomShuffle", _shuffle_kernel, x.shape.as_list(), x.dtype, seed,
                     name or "RandomShuffle", [x])


def _multinomial_kernel(key, logits, num_samples, shape, dtype):
    return jax.random.categorical(key, logits, axis=-1,
                                  shape=(num_samples, logits.shape[0])).T.astype(dtype)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    lg = convert_to_tensor(logits)
    batch = lg.shape[0].value
    if batch is None:
        raise NotImplementedError("multinomial needs a known batch size.")
    return random_op("Multinomial", _multinomial_kernel, [batch, int(num_samples)],
                     output_dtype or dtypes.int64, seed, name or "multinomial", [lg],
                     attrs={"num_samples": int(num_samples)})


def _dropout_kernel(key, x, keep_prob, shape, dtype):
    keep = jax.random.uniform(key, x.shape, x.dtype) < keep_prob
    return jnp.where(keep, x / keep_prob, jnp.zeros_like(x))


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """TF1's `tf.nn.dropout(x, keep_prob)`: keeps each value with probability `keep_prob` and
    scales it by 1/keep_prob (`rate = 1 - keep_prob` is accepted too)."""
    if noise_shape is not None:
        raise NotImplementedError("tf.nn.dropout argument 'noise_shape' is not supported.")
    if (keep_prob is None) == (rate is None):
        raise ValueError("Specify exactly one of keep_prob and rate.")
    x = convert_to_tensor(x)
    with ops_lib.name_scope(name, "dropout", [x]) as scope:
        if _is_number(rate) and rate == 0 or _is_number(keep_prob) and keep_prob == 1:
            # TF's fast path: a Python rate of 0 returns the input itself (no op, so nothing
            # under an enclosing control_dependencies runs for it).
            return x
        kp = convert_to_tensor(1.0 - rate if keep_prob is None else keep_prob, dtype=x.dtype,
                               name="keep_prob")
        if kp._static_value is not None and not 0 < float(kp._static_value) <= 1:
            raise ValueError("keep_prob must be a scalar tensor or a float in the range (0, 1], "
                             f"got {keep_prob}")
        if not x.shape.is_fully_defined():
            return _dynamic_dropout(x, kp, seed, scope)
        return random_op("Dropout", _dropout_kernel, x.shape.as_list(), x.dtype, seed, scope,
                         [x, kp])


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _dynamic_dropout(x, kp, seed, scope):
    """Dropout of a tensor whose shape is known only when the run is traced."""
    graph = x.graph
    op = make_op("Dropout", lambda key, a, k: _dropout_kernel(key, a, k, None, None), [x, kp],
                 name=scope, kind=RANDOM, seed=seed, out_specs=[(x.dtype, x.shape)], graph=graph)
    return op.outputs[0]


# ----- initializers as graph ops ----------------------------------------------------------
def _initializer_kernel(key, init, shape, dtype, full_shape, var_offset):
    return init.sample(key, shape, dtype, full_shape, var_offset)


def _const_initializer_kernel(init, shape, dtype, full_shape, var_offset):
    return init.sample(None, shape, dtype, full_shape, var_offset)


_INIT_OP_NAMES = {"Zeros": "zeros", "Ones": "ones", "Constant": "Const",
                  "RandomNormal": "random_normal", "TruncatedNormal": "truncated_normal",
                  "Orthogonal": "orthogonal", "Identity": "identity"}


def initializer_tensor(initializer, shape, dtype=None, partition_info=None):
    """`initializer(shape, dtype, partition_info)` as a graph Tensor.

    Randomized initializers become random ops (seeded from the graph and `initializer.seed`);
    constant ones become ops without inputs. `partition_info` (full shape and offset of a
    partitioned variable) is passed on to the initializer.
    """
    full_shape = getattr(partition_info, "full_shape", None)
    var_offset = getattr(partition_info, "var_offset", None)
    shape, np_dtype = initializer.resolve(shape, dtype, full_shape, var_offset)
    tf_dtype = dtypes.as_dtype(np_dtype)
    attrs = {"init": initializer, "shape": tuple(shape), "dtype": np.dtype(np_dtype),
             "full_shape": None if full_shape is None else tuple(full_shape),
             "var_offset": None if var_offset is None else tuple(var_offset)}
    name = _INIT_OP_NAMES.get(type(initializer).__name__, "random_uniform")
    graph = ops_lib.get_default_graph()
    if not initializer.needs_key:
        op = make_op(type(initializer).__name__, _const_initializer_kernel, [], name=name,
                     attrs=attrs, out_specs=[(tf_dtype, TensorShape(shape))], graph=graph)
        return op.outputs[0]
    op = make_op(type(initializer).__name__, _initializer_kernel, [], name=name, attrs=attrs,
                 kind=RANDOM, seed=getattr(initializer, "seed", None),
                 out_specs=[(tf_dtype, TensorShape(shape))], graph=graph)
    return op.outputs[0]
