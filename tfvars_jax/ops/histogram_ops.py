"""Counting ops: `tf.histogram_fixed_width` and `tf.confusion_matrix`."""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, op_output
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import data_dependent_ops
from tfvars_jax.ops import math_ops


def _histogram_kernel(values, value_range, nbins, dtype):
    lo = value_range[0].astype(jnp.float64)
    hi = value_range[1].astype(jnp.float64)
    step = (hi - lo) / nbins  # TF1's kernel bins in double precision
    idx = jnp.floor((jnp.reshape(values, (-1,)).astype(jnp.float64) - lo) / step)
    idx = jnp.clip(idx, 0, nbins - 1).astype(jnp.int32)
    return jax.ops.segment_sum(jnp.ones(idx.shape, dtype), idx, nbins)


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """TF1's `tf.histogram_fixed_width` ("HistogramFixedWidth"): counts of `values` in `nbins`
    equal bins over [value_range[0], value_range[1]]; values below go to the first bin, above
    to the last. `nbins` must be static. A range with value_range[0] >= value_range[1] fails
    the run with InvalidArgumentError, as TF1's kernel."""
    with ops_lib.name_scope(name, "histogram_fixed_width", [values, value_range, nbins]) as scope:
        v = convert_to_tensor(values, name="values")
        r = convert_to_tensor(value_range, name="value_range", dtype=v.dtype.base_dtype
                              if not isinstance(value_range, ops_lib.Tensor) else None)
        if not (v.dtype.is_floating or v.dtype.is_integer) or r.dtype != v.dtype:
            raise TypeError(f"histogram_fixed_width: values and value_range must share a real "
                            f"dtype, got {v.dtype.name} and {r.dtype.name}.")
        static, _ = array_ops._static_shape_arg(nbins, "histogram_fixed_width nbins")
        if static is None or len(static) != 1:
            raise NotImplementedError("histogram_fixed_width: nbins must be a static scalar.")
        n = int(static[0])
        if n <= 0:
            raise ValueError(f"nbins should be a positive number, but got '{n}'")
        out_dtype = dtypes.as_dtype(dtype).base_dtype
        message = (f"HistogramFixedWidth op '{scope[:-1]}': value_range '{r.name}' must be "
                   "increasing (value_range[0] < value_range[1])")
        return op_output("HistogramFixedWidth", _histogram_kernel, [v, r], name=scope,
                         kind=CHECKED, attrs={"nbins": n,
                                              "dtype": np.dtype(out_dtype.as_numpy_dtype)},
                         out_specs=[(out_dtype, TensorShape([n]))],
                         check=RunCheck(lambda a, b: b[0] >= b[1], errors.InvalidArgumentError,
                                        message))


def _confusion_kernel(labels, predictions, *weights, num_classes, dtype):
    w = weights[0] if weights else jnp.ones(labels.shape, dtype)
    idx = labels.astype(jnp.int32) * num_classes + predictions.astype(jnp.int32)
    flat = jax.ops.segment_sum(jnp.reshape(w, (-1,)).astype(dtype), jnp.reshape(idx, (-1,)),
                               num_classes * num_classes, mode="drop")
    return jnp.reshape(flat, (num_classes, num_classes))


def _confusion_bad(labels, predictions, *weights, num_classes):
    bad = jnp.any(labels < 0) | jnp.any(predictions < 0)
    if num_classes is not None:
        bad = bad | jnp.any(labels >= num_classes) | jnp.any(predictions >= num_classes)
    return bad


def confusion_matrix(labels, predictions, num_classes=None, dtype=dtypes.int32, name=None,
                     weights=None):
    """TF1's `tf.confusion_matrix`: `m[i, j]` counts (or sums `weights` of) the examples with
    label i predicted as j. `num_classes` defaults to max(labels, predictions) + 1 (then the
    size is data-dependent). A negative label or prediction, or one >= num_classes, fails the
    run with InvalidArgumentError, as TF1's assertions do. The op is
    `confusion_matrix/ScatterNd`, as TF1's."""
    with ops_lib.name_scope(name, "confusion_matrix", [predictions, labels, num_classes,
                                                       weights]) as scope:
        lab = convert_to_tensor(labels, name="labels")
        pred = convert_to_tensor(predictions, name="predictions")
        for t in (lab, pred):
            if not t.dtype.is_integer:
                raise TypeError(f"confusion_matrix: '{t.name}' must be integers, got "
                                f"{t.dtype.name}.")
        if lab.shape.ndims is not None and pred.shape.ndims is not None and \
                not lab.shape.is_compatible_with(pred.shape):
            raise ValueError(f"confusion_matrix: labels {lab.shape} and predictions "
                             f"{pred.shape} must have the same shape.")
        if lab.dtype != pred.dtype:
            pred = math_ops.cast(pred, lab.dtype)
        inputs = [lab, pred]
        out_dtype = dtypes.as_dtype(dtype).base_dtype
        if weights is not None:
            inputs.append(math_ops.cast(convert_to_tensor(weights, name="weights"), out_dtype))
        np_dtype = np.dtype(out_dtype.as_numpy_dtype)
        message = (f"confusion_matrix '{scope[:-1]}': labels '{lab.name}' and predictions "
                   f"'{pred.name}' must be in [0, num_classes)")
        n = None
        if num_classes is not None:
            n = array_ops._int(num_classes) if isinstance(num_classes, ops_lib.Tensor) else \
                int(num_classes)
        elif lab._static_value is not None and pred._static_value is not None:
            n = int(max(np.max(lab._static_value, initial=-1),
                        np.max(pred._static_value, initial=-1))) + 1
        if n is not None:
            return op_output("ScatterNd", functools.partial(_confusion_kernel, num_classes=n,
                                                            dtype=np_dtype),
                             inputs, name="ScatterNd", kind=CHECKED,
                             out_specs=[(out_dtype, TensorShape([n, n]))],
                             check=RunCheck(functools.partial(_confusion_bad, num_classes=n),
                                            errors.InvalidArgumentError, message))
        return data_dependent_ops._make(
            "ScatterNd",
            lambda *a, sizes: _confusion_kernel(*a, num_classes=sizes[0], dtype=np_dtype),
            inputs, "ScatterNd", [(out_dtype, TensorShape([None, None]))],
            lambda a, b, *w: jnp.maximum(jnp.max(a, initial=-1), jnp.max(b, initial=-1)) + 1,
            lambda a, b, *w: (1 + max(int(np.size(a)), 1),),
            check=(functools.partial(_confusion_bad, num_classes=None),
                   errors.InvalidArgumentError, message)).outputs[0]


def _bins_kernel(values, value_range, nbins):
    scaled = (values - value_range[0]) / (value_range[1] - value_range[0])
    nb = jnp.asarray(nbins, values.dtype)
    return jnp.clip(jnp.floor(nb * scaled), 0, nb - 1).astype(jnp.int32)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """TF's `tf.histogram_fixed_width_bins`: the int32 index of each value's bin among `nbins`
    equal bins over `value_range` (clipped to [0, nbins - 1]), computed in the values'
    floating dtype as TF does; same shape as `values`. As TF, the result is int32 whatever
    `dtype` says. `nbins` must be static."""
    del dtype  # TF's function ignores it too and returns int32
    with ops_lib.name_scope(name, "histogram_fixed_width_bins", [values, value_range, nbins]):
        v = convert_to_tensor(values, name="values")
        if not v.dtype.is_floating:
            raise TypeError(f"histogram_fixed_width_bins: values must be floating-point, got "
                            f"{v.dtype.name}; cast them with tf.cast.")
        r = math_ops._convert_operand(value_range, v.dtype, "value_range")
        static, _ = array_ops._static_shape_arg(nbins, "histogram_fixed_width_bins nbins")
        if static is None or len(static) != 1:
            raise NotImplementedError("histogram_fixed_width_bins: nbins must be a static scalar.")
        n = int(static[0])
        if n <= 0:
            raise ValueError(f"nbins {n} must > 0")
        # TF's last op is its second Reshape (the first flattens the values)
        return op_output("Reshape", _bins_kernel, [v, r], name="Reshape_1",
                         attrs={"nbins": n})
