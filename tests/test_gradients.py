"""`tf.gradients`: values for every differentiable op of the op library, against JAX.

Each case builds a small graph `y = op(x, ...)` on float64 placeholders (and, in one test, on
Variables), runs `tf.gradients(y, xs, grad_ys=ct)` for a fixed random cotangent `ct`, and
compares with `jax.vjp` of an independently written `jax.numpy` reference formula (whose
forward value must also match the op's). The rest checks TF1's graph-level contract: list
results with `None` for unconnected xs, `grad_ys`, several ys, `stop_gradients`,
`tf.stop_gradient`, `tf.cond`, integer tensors, ops TF1 does not differentiate, second
derivatives and gradients used in further ops. The expected `None`s and kink values are
TF1's (checked against `tensorflow.compat.v1`).
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tfvars_jax as tf


@pytest.fixture(autouse=True)
def _x64_for_references():
    """This module's hand-written JAX references (and pure steps over int64 global steps)
    compute in 64 bits: as a user's own JAX code would, they turn JAX's x64 mode on."""
    with jax.enable_x64(True):
        yield

RTOL, ATOL = 1e-10, 1e-12  # float64 everywhere: tf.gradients must equal jax.vjp to rounding

_rng = np.random.default_rng(1234)
ANY = np.array([[-1.3, -0.4, 0.7], [1.9, 0.25, -2.2]])           # no zeros, ties or kinks
POS = _rng.uniform(0.3, 2.0, (2, 3))
UNIT = np.array([[-0.7, -0.2, 0.35], [0.6, 0.1, -0.45]])          # inside (-1, 1)
ROW = np.array([0.5, -1.1, 2.3])
COL = np.array([[0.8], [-0.6]])
M34 = _rng.standard_normal((3, 4))
M24 = _rng.standard_normal((2, 4))
IMG = _rng.standard_normal((2, 5, 5, 3))
FILT = _rng.standard_normal((3, 3, 3, 4))
SCALAR = np.array(0.8)


def _softmax(x, axis=-1):
    e = jnp.exp(x - jnp.max(x, axis=axis, keepdims=True))
    return e / jnp.sum(e, axis=axis, keepdims=True)


with jax.enable_x64(True):  # a float64 constant of the table, computed at import
    _SOFT_POS = np.asarray(_softmax(POS))


def _log_softmax(x, axis=-1):
    return x - jnp.log(jnp.sum(jnp.exp(x), axis=axis, keepdims=True))


def _conv(x, w, strides, padding, dilation=(1, 1)):
    return jax.lax.conv_general_dilated(x, w, strides, padding, rhs_dilation=dilation,
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
# Integer arguments of gather/gather_nd (TF1 gives no gradient for indices).
IDX = np.array([2, 0, 2])
IDX_ND = np.array([[1, 2], [0, 0], [1, 2]])


# A representative subset runs by default; the whole table is marked slow (JAX compiles each
# reference formula, ~0.2 s per case).
FAST = {"exp", "sigmoid", "nn.softmax", "nn.sparse_xent", "add_broadcast_row", "pow", "op_matmul", "op_getitem",
        "reduce_max", "gather_repeated", "where", "cast_to_float32"}


def _case(id_, tf_fn, ref_fn, *inputs, marks=()):
    marks = list(marks) if isinstance(marks, (list, tuple)) else [marks]
    if id_ not in FAST:
        marks.append(pytest.mark.slow)
    return pytest.param(tf_fn, ref_fn, inputs, id=id_, marks=marks)


CASES = [
    # ---- unary math ----
    _case("negative", tf.negative, lambda x: -x, ANY),
    _case("abs", tf.abs, lambda x: jnp.where(x > 0, x, -x), ANY),
    _case("exp", tf.exp, jnp.exp, ANY),
    _case("expm1", tf.expm1, lambda x: jnp.exp(x) - 1, ANY),
    _case("log", tf.log, jnp.log, POS),
    _case("log1p", tf.log1p, lambda x: jnp.log(1 + x), POS),
    _case("sqrt", tf.sqrt, lambda x: x ** 0.5, POS),
    _case("rsqrt", tf.rsqrt, lambda x: x ** -0.5, POS),
    _case("square", tf.square, lambda x: x * x, ANY),
    _case("reciprocal", tf.reciprocal, lambda x: 1 / x, POS),
    _case("tanh", tf.tanh, lambda x: (jnp.exp(2 * x) - 1) / (jnp.exp(2 * x) + 1), ANY),
    _case("sigmoid", tf.sigmoid, lambda x: 1 / (1 + jnp.exp(-x)), ANY),
    _case("log_sigmoid", tf.log_sigmoid, lambda x: -jnp.log(1 + jnp.exp(-x)), ANY),
    _case("sin", tf.sin, jnp.sin, ANY),
    _case("cos", tf.cos, jnp.cos, ANY),
    _case("tan", tf.tan, lambda x: jnp.sin(x) / jnp.cos(x), UNIT),
    _case("asin", tf.asin, jnp.arcsin, UNIT),
    _case("acos", tf.acos, jnp.arccos, UNIT),
    _case("atan", tf.atan, jnp.arctan, ANY),
    _case("sinh", tf.sinh, lambda x: (jnp.exp(x) - jnp.exp(-x)) / 2, ANY),
    _case("cosh", tf.cosh, lambda x: (jnp.exp(x) + jnp.exp(-x)) / 2, ANY),
    _case("erf", tf.erf, jax.scipy.special.erf, ANY),
    _case("lgamma", tf.lgamma, jax.scipy.special.gammaln, POS),
    _case("sign", tf.sign, lambda x: 0 * x + jnp.sign(jax.lax.stop_gradient(x)), ANY),
    _case("cast_to_float32", lambda x: tf.cast(x, tf.float32), lambda x: x.astype(jnp.float32), ANY),
    _case("identity", tf.identity, lambda x: x, ANY),
    _case("placeholder_with_default", lambda x: tf.placeholder_with_default(x, [2, 3]), lambda x: x, ANY),
    # ---- tf.nn activations ----
    _case("nn.relu", tf.nn.relu, lambda x: jnp.where(x > 0, x, 0.0), ANY),
    _case("nn.relu6", tf.nn.relu6, lambda x: jnp.where(x > 0, jnp.where(x < 6, x, 6.0), 0.0), ANY * 4),
    _case("nn.elu", tf.nn.elu, lambda x: jnp.where(x > 0, x, jnp.exp(x) - 1), ANY),
    _case("nn.selu", tf.nn.selu, lambda x: SELU_SCALE * jnp.where(x > 0, x, SELU_ALPHA * (jnp.exp(x) - 1)), ANY),
    _case("nn.softsign", tf.nn.softsign, lambda x: x / (1 + jnp.where(x > 0, x, -x)), ANY),
    _case("nn.softplus", tf.nn.softplus, lambda x: jnp.log(1 + jnp.exp(x)), ANY),
    _case("nn.sigmoid", tf.nn.sigmoid, lambda x: 1 / (1 + jnp.exp(-x)), ANY),
    _case("nn.tanh", tf.nn.tanh, jnp.tanh, ANY),
    _case("nn.leaky_relu", lambda x: tf.nn.leaky_relu(x, 0.1), lambda x: jnp.where(x > 0, x, 0.1 * x), ANY),
    _case("nn.softmax", tf.nn.softmax, _softmax, ANY),
    _case("nn.softmax_axis0", lambda x: tf.nn.softmax(x, axis=0), functools.partial(_softmax, axis=0), ANY),
    _case("nn.log_softmax", tf.nn.log_softmax, _log_softmax, ANY),
    _case("nn.l2_loss", tf.nn.l2_loss, lambda x: jnp.sum(x * x) / 2, ANY),
    _case("nn.bias_add", tf.nn.bias_add, lambda x, b: x + b, ANY, ROW),
    _case("nn.moments", lambda x: tf.add_n(list(tf.nn.moments(x, [0]))),
          lambda x: jnp.mean(x, 0) + jnp.mean((x - jnp.mean(x, 0)) ** 2, 0), ANY),
    _case("nn.conv2d_same", lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"),
          lambda x, w: _conv(x, w, (1, 1), "SAME"), IMG, FILT),
    _case("nn.conv2d_valid_strided", lambda x, w: tf.nn.conv2d(x, w, [1, 2, 2, 1], "VALID"),
          lambda x, w: _conv(x, w, (2, 2), "VALID"), IMG, FILT),
    _case("nn.conv2d_dilated", lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1]),
          lambda x, w: _conv(x, w, (1, 1), "SAME", (2, 2)), IMG, FILT),
    _case("nn.max_pool", lambda x: tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
          lambda x: jnp.max(x[:, :4, :4].reshape(2, 2, 2, 2, 2, 3), axis=(2, 4)), IMG),
    _case("nn.avg_pool", lambda x: tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
          lambda x: jnp.mean(x[:, :4, :4].reshape(2, 2, 2, 2, 2, 3), axis=(2, 4)), IMG),
    _case("nn.avg_pool_same", lambda x: tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "SAME"),
          lambda x: jax.lax.reduce_window(x, 0.0, jax.lax.add, (1, 3, 3, 1), (1, 1, 1, 1), "SAME") /
          jax.lax.reduce_window(jnp.ones_like(x), 0.0, jax.lax.add, (1, 3, 3, 1), (1, 1, 1, 1), "SAME"), IMG,),
    _case("nn.softmax_xent_v2", lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg),
          lambda lb, lg: -jnp.sum(lb * _log_softmax(lg), -1), _SOFT_POS, ANY),
    _case("nn.sigmoid_xent", lambda lb, lg: tf.nn.sigmoid_cross_entropy_with_logits(labels=lb, logits=lg),
          lambda z, x: -z * jnp.log(1 / (1 + jnp.exp(-x))) - (1 - z) * jnp.log(1 - 1 / (1 + jnp.exp(-x))),
          POS / 2, ANY),
    _case("nn.sparse_xent", lambda lg: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([2, 0]), logits=lg), lambda lg: -_log_softmax(lg)[jnp.arange(2), jnp.array([2, 0])], ANY),
    # ---- binary math (with broadcasting) ----
    _case("add", tf.add, lambda x, y: x + y, ANY, POS),
    _case("add_broadcast_row", tf.add, lambda x, y: x + y, ANY, ROW),
    _case("subtract", tf.subtract, lambda x, y: x - y, ANY, POS),
    _case("multiply", tf.multiply, lambda x, y: x * y, ANY, POS),
    _case("multiply_broadcast_col", tf.multiply, lambda x, y: x * y, ANY, COL),
    _case("multiply_scalar", tf.multiply, lambda x, y: x * y, ANY, SCALAR),
    _case("truediv", tf.truediv, lambda x, y: x / y, ANY, POS),
    _case("divide", tf.divide, lambda x, y: x / y, ANY, ROW),
    _case("div", tf.div, lambda x, y: x / y, ANY, POS),
    _case("pow", tf.pow, lambda x, y: jnp.exp(y * jnp.log(x)), POS, ANY),
    _case("maximum", tf.maximum, lambda x, y: jnp.where(x > y, x, y), ANY, UNIT),
    _case("minimum", tf.minimum, lambda x, y: jnp.where(x < y, x, y), ANY, UNIT),
    _case("squared_difference", tf.squared_difference, lambda x, y: (x - y) * (x - y), ANY, ROW),
    _case("atan2", tf.atan2, jnp.arctan2, ANY, POS),
    _case("floormod", tf.floormod, lambda x, y: x - y * jnp.floor(jax.lax.stop_gradient(x / y)), ANY, POS),
    _case("add_n", lambda x, y: tf.add_n([x, y, x]), lambda x, y: 2 * x + y, ANY, POS),
    # ---- operators ----
    _case("op_add_sub_mul_div", lambda x, y: (x + y) * x - x / y, lambda x, y: (x + y) * x - x / y, ANY, POS),
    _case("op_pow_neg", lambda x: -(x ** 3), lambda x: -(x * x * x), ANY),
    _case("op_rpow", lambda x: 2.0 ** x, lambda x: jnp.exp(x * jnp.log(2.0)), ANY),
    _case("op_matmul", lambda a, b: a @ b, lambda a, b: jnp.einsum("ij,jk->ik", a, b), ANY, M34),
    _case("op_getitem", lambda x: x[1:, ::2] * 3 + x[0, 1], lambda x: x[1:, ::2] * 3 + x[0, 1], ANY),
    _case("op_getitem_reverse", lambda x: x[::-1, 1:], lambda x: x[::-1, 1:], ANY),
    # ---- matrix products ----
    _case("matmul", tf.matmul, lambda a, b: jnp.einsum("ij,jk->ik", a, b), ANY, M34),
    _case("matmul_transpose_a", lambda a, b: tf.matmul(a, b, transpose_a=True),
          lambda a, b: jnp.einsum("ji,jk->ik", a, b), ANY, M24),
    _case("matmul_transpose_b", lambda a, b: tf.matmul(a, b, transpose_b=True),
          lambda a, b: jnp.einsum("ij,kj->ik", a, b), ANY, M34.T),
    _case("einsum", lambda a, b: tf.einsum("ij,ij->i", a, b), lambda a, b: jnp.sum(a * b, 1), ANY, POS),
    _case("tensordot", lambda a, b: tf.tensordot(a, b, axes=1), lambda a, b: jnp.einsum("ij,jk->ik", a, b), ANY, M34),
    _case("tensordot_axes_pairs", lambda a, b: tf.tensordot(a, b, axes=[[0], [0]]),
          lambda a, b: jnp.einsum("ji,jk->ik", a, b), ANY, M24),
    # ---- reductions ----
    _case("reduce_sum", tf.reduce_sum, jnp.sum, ANY),
    _case("reduce_sum_axis0", lambda x: tf.reduce_sum(x, 0), lambda x: x[0] + x[1], ANY),
    _case("reduce_sum_keepdims", lambda x: tf.reduce_sum(x, 1, keepdims=True), lambda x: jnp.sum(x, 1, keepdims=True),
          ANY),
    _case("reduce_mean", lambda x: tf.reduce_mean(x, axis=1), lambda x: jnp.sum(x, 1) / 3, ANY),
    _case("reduce_max", lambda x: tf.reduce_max(x, axis=1), lambda x: jnp.max(x, 1), ANY),
    _case("reduce_min", tf.reduce_min, jnp.min, ANY),
    _case("reduce_prod", lambda x: tf.reduce_prod(x, 0), lambda x: x[0] * x[1], ANY),
    _case("reduce_logsumexp", lambda x: tf.reduce_logsumexp(x, 1), lambda x: jnp.log(jnp.sum(jnp.exp(x), 1)), ANY),
    _case("cumsum", lambda x: tf.cumsum(x, axis=1), lambda x: jnp.cumsum(x, 1), ANY),
    _case("cumsum_exclusive_reverse", lambda x: tf.cumsum(x, axis=1, exclusive=True, reverse=True),
          lambda x: jnp.stack([x[:, 1] + x[:, 2], x[:, 2], 0 * x[:, 2]], 1), ANY),
    # ---- clipping and norms ----
    _case("clip_by_value", lambda x: tf.clip_by_value(x, -1.0, 1.0), lambda x: jnp.clip(x, -1.0, 1.0), ANY),
    _case("clip_by_norm", lambda x: tf.clip_by_norm(x, 1.0),
          lambda x: x / jnp.maximum(jnp.sqrt(jnp.sum(x * x)), 1.0), ANY),
    _case("clip_by_norm_axes", lambda x: tf.clip_by_norm(x, 1.5, axes=[1]),
          lambda x: x * 1.5 / jnp.maximum(jnp.sqrt(jnp.sum(x * x, 1, keepdims=True)), 1.5), ANY),
    _case("global_norm", lambda x, y: tf.global_norm([x, y]), lambda x, y: jnp.sqrt(jnp.sum(x * x) + jnp.sum(y * y)),
          ANY, POS),
    _case("clip_by_global_norm", lambda x, y: tf.add_n(tf.clip_by_global_norm([x, y], 2.0)[0]),
          lambda x, y: (x + y) * 2.0 / jnp.maximum(jnp.sqrt(jnp.sum(x * x) + jnp.sum(y * y)), 2.0), ANY, POS,),
    # ---- shape and indexing ops ----
    _case("reshape", lambda x: tf.reshape(x, [3, 2]), lambda x: x.reshape(3, 2), ANY),
    _case("transpose", tf.transpose, lambda x: x.T, ANY),
    _case("transpose_perm", lambda x: tf.transpose(x, [1, 2, 0, 3]), lambda x: jnp.transpose(x, (1, 2, 0, 3)), IMG),
    _case("expand_dims", lambda x: tf.expand_dims(x, 1), lambda x: x[:, None, :], ANY),
    _case("squeeze", lambda x: tf.squeeze(x, [1]), lambda x: x[:, 0], COL),
    _case("concat", lambda x, y: tf.concat([x, y], 1), lambda x, y: jnp.concatenate([x, y], 1), ANY, POS),
    _case("concat_axis0", lambda x, y: tf.concat([x, y, x], 0), lambda x, y: jnp.concatenate([x, y, x], 0), ANY, POS),
    _case("stack", lambda x, y: tf.stack([x, y], axis=1), lambda x, y: jnp.stack([x, y], 1), ANY, POS),
    _case("unstack", lambda x: (lambda u: u[0] * 2.0 + u[2])(tf.unstack(x, axis=1)), lambda x: x[:, 0] * 2 + x[:, 2],
          ANY),
    _case("split", lambda x: (lambda s: s[0] - s[2])(tf.split(x, 3, axis=1)), lambda x: x[:, :1] - x[:, 2:], ANY),
    _case("split_sizes", lambda x: (lambda s: tf.reduce_sum(s[0]) * s[1])(tf.split(x, [1, 2], axis=1)),
          lambda x: jnp.sum(x[:, :1]) * x[:, 1:], ANY),
    _case("tile", lambda x: tf.tile(x, [2, 3]), lambda x: jnp.concatenate([jnp.concatenate([x] * 3, 1)] * 2, 0), ANY),
    _case("pad_constant", lambda x: tf.pad(x, [[1, 0], [2, 1]]), lambda x: jnp.pad(x, ((1, 0), (2, 1))), ANY),
    _case("pad_reflect", lambda x: tf.pad(x, [[1, 1], [2, 2]], mode="REFLECT"),
          lambda x: jnp.pad(x, ((1, 1), (2, 2)), mode="reflect"), ANY),
    _case("pad_symmetric", lambda x: tf.pad(x, [[1, 1], [2, 2]], mode="SYMMETRIC"),
          lambda x: jnp.pad(x, ((1, 1), (2, 2)), mode="symmetric"), ANY),
    _case("gather_repeated", lambda x: tf.gather(x, IDX, axis=1), lambda x: x[:, IDX], ANY),
    _case("gather_axis0", lambda x: tf.gather(x, [1, 1, 0]), lambda x: x[jnp.array([1, 1, 0])], ANY),
    _case("gather_nd", lambda x: tf.gather_nd(x, IDX_ND), lambda x: x[IDX_ND[:, 0], IDX_ND[:, 1]], ANY),
    _case("slice", lambda x: tf.slice(x, [0, 1], [2, 2]), lambda x: x[:, 1:3], ANY),
    _case("reverse", lambda x: tf.reverse(x, [1]), lambda x: x[:, ::-1], ANY),
    _case("where", lambda x, y: tf.where(tf.constant([[True, False, True], [False, False, True]]), x, y),
          lambda x, y: jnp.where(jnp.array([[True, False, True], [False, False, True]]), x, y), ANY, POS),
    _case("where_v2_broadcast", lambda x, y: tf.where_v2(tf.constant([True, False, True]), x, y),
          lambda x, y: jnp.where(jnp.array([True, False, True]), x, y), ANY, ROW),
    _case("fill", lambda s: tf.fill([2, 3], s), lambda s: jnp.full((2, 3), 1.0) * s, SCALAR),
]


def _run(fetches, feed_dict=None, init=False):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed_dict)


def _cotangent(shape, dtype):
    rng = np.random.default_rng(7)
    return rng.standard_normal(shape).astype(dtype)


def _reference(ref_fn, inputs, ct, asarray=np.asarray):
    """(forward value, vjp) of the reference formula, in float64."""
    out, vjp = jax.vjp(ref_fn, *[jnp.asarray(a) for a in inputs])
    return asarray(out), [asarray(g) for g in vjp(jnp.asarray(ct))]


def _build_case(tf_fn, inputs, kind):
    """Builds one case in the default graph: (xs, y, grads, cotangent, feed)."""
    if kind == "placeholder":
        xs = [tf.placeholder(tf.float64, a.shape) for a in inputs]
        feed = dict(zip(xs, inputs))
    else:
        xs = [tf.Variable(a, dtype=tf.float64) for a in inputs]
        feed = {}
    y = tf_fn(*xs)
    ct = _cotangent(y.shape.as_list(), y.dtype.as_numpy_dtype)
    grads = tf.gradients(y, xs, grad_ys=tf.constant(ct))
    # An x only gathered on axis 0 gets an IndexedSlices gradient, as in TF1: compare it dense.
    grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]
    return xs, y, grads, ct, feed


def _check_case(case_id, inputs, ref_fn, xs, y, grads, ct, y_val, g_vals, reference=None):
    assert isinstance(grads, list) and len(grads) == len(xs)
    assert all(g is not None for g in grads), case_id
    for g, x in zip(grads, xs):
        assert g.dtype == tf.float64 and g.shape.as_list() == x.shape.as_list(), case_id
    want_y, want_g = reference if reference is not None else _reference(ref_fn, inputs, ct)
    np.testing.assert_allclose(y_val, want_y, rtol=RTOL, atol=ATOL, err_msg=f"{case_id}: forward value")
    for got, want in zip(g_vals, want_g):
        assert got.dtype == np.float64 and got.shape == want.shape, case_id
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=case_id)


def _is_xfail(param):
    return any(m.name == "xfail" for m in param.marks)


_BATCHES = {}


def _batch(group):
    """The cases of `group` ("fast" or "all", xfail cases excluded), with placeholder and with
    Variable inputs, built in one graph and run in one Session.run (one compile instead of one
    per case): {(id, kind): ((xs, y, grads, ct, feed), (y value, gradient values) or None if the
    batched run failed, (reference value, reference gradients)) or the exception building it}."""
    if group in _BATCHES:
        return _BATCHES[group]
    graph = tf.Graph()
    built, out = {}, {}
    with graph.as_default():
        for param in CASES:
            if _is_xfail(param) or (group == "fast" and param.id not in FAST):
                continue
            for kind in ("placeholder", "variable"):
                try:
                    built[(param.id, kind)] = _build_case(param.values[0], param.values[2], kind)
                except Exception as e:  # noqa: BLE001 - reported by that case's test
                    out[(param.id, kind)] = e
        feed = {k: v for b in built.values() for k, v in b[4].items()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            try:
                values = sess.run({key: (b[1], b[2]) for key, b in built.items()}, feed)
            except Exception:  # noqa: BLE001 - each test then runs its case alone
                values = {}
    # The reference values of all cases in one jit (one compile instead of one per primitive).
    refs = [(key, next(p for p in CASES if p.id == key[0]).values[1:], b[3]) for key, b in built.items()
            if key[1] == "placeholder"]

    def all_references(cts):
        return [_reference(fn, inputs, ct, jnp.asarray) for (_, (fn, inputs), _), ct in zip(refs, cts)]

    ref_values = jax.jit(all_references)([ct for _, _, ct in refs])
    ref_by_id = {key[0]: jax.tree.map(np.asarray, r) for (key, _, _), r in zip(refs, ref_values)}
    for key, b in built.items():
        out[key] = (b, values.get(key), ref_by_id[key[0]] if key[0] in ref_by_id else None)
    _BATCHES[group] = out
    return out


@pytest.mark.parametrize("kind", ["placeholder", "variable"])
@pytest.mark.parametrize("tf_fn, ref_fn, inputs", CASES)
def test_op_gradient_matches_jax(tf_fn, ref_fn, inputs, kind, request):
    case_id = request.node.callspec.id.rsplit("-", 1)[0]
    result = None if any(m.name == "xfail" for m in request.node.iter_markers()) else \
        _batch("fast" if case_id in FAST else "all").get((case_id, kind))
    if isinstance(result, Exception):
        raise result
    reference = None
    if result is None or result[1] is None:  # an xfail case, or the batched run failed: run alone
        xs, y, grads, ct, feed = _build_case(tf_fn, inputs, kind)
        y_val, g_vals = _run((y, grads), feed, init=kind == "variable")
    else:
        (xs, y, grads, ct, _), (y_val, g_vals), reference = result
    _check_case(case_id, inputs, ref_fn, xs, y, grads, ct, y_val, g_vals, reference)


def test_gradients_match_finite_differences():
    """An oracle independent of JAX's autodiff: central differences of the graph itself."""
    x = tf.placeholder(tf.float64, [2, 3])
    y = tf.reduce_sum(tf.nn.softplus(tf.matmul(x, tf.constant(M34))) * tf.sin(tf.reduce_mean(x)))
    (g,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        got = sess.run(g, {x: ANY})
        h = 1e-6
        numeric = np.zeros_like(ANY)
        for idx in np.ndindex(*ANY.shape):
            e = np.zeros_like(ANY)
            e[idx] = h
            numeric[idx] = (sess.run(y, {x: ANY + e}) - sess.run(y, {x: ANY - e})) / (2 * h)
    np.testing.assert_allclose(got, numeric, rtol=1e-7, atol=1e-9)


def test_float32_gradients_keep_the_variable_dtype():
    w = tf.Variable(np.float32([1.0, 2.0]))
    d = tf.Variable(np.float64([3.0, 4.0]))
    y = tf.reduce_sum(w * w) + tf.cast(tf.reduce_sum(d * tf.cast(w, tf.float64)), tf.float32)
    gw, gd = tf.gradients(y, [w, d])
    assert gw.dtype == tf.float32 and gd.dtype == tf.float64
    gw_val, gd_val = _run([gw, gd], init=True)
    np.testing.assert_array_equal(gw_val, np.float32([5.0, 8.0]))
    np.testing.assert_array_equal(gd_val, np.float64([1.0, 2.0]))


# ===== xs that are Variables and Tensors =====================================================
def test_xs_mix_variables_placeholders_and_intermediate_tensors():
    rng = np.random.default_rng(0)
    x_val, w1_val, b1_val, w2_val = (rng.standard_normal(s) for s in [(4, 3), (3, 5), (5,), (5, 2)])
    x = tf.placeholder(tf.float64, [4, 3])
    w1, b1, w2 = tf.Variable(w1_val, name="w1"), tf.Variable(b1_val, name="b1"), tf.Variable(w2_val, name="w2")
    h = tf.tanh(tf.matmul(x, w1) + b1)
    loss = tf.reduce_sum(tf.square(tf.matmul(h, w2)))
    got = _run(tf.gradients(loss, [w1, b1, w2, x, h]), {x: x_val}, init=True)
    # Backpropagation by hand.
    h_val = np.tanh(x_val @ w1_val + b1_val)
    d_out = 2 * (h_val @ w2_val)
    d_h = d_out @ w2_val.T
    d_pre = d_h * (1 - h_val ** 2)
    want = [x_val.T @ d_pre, d_pre.sum(0), h_val.T @ d_out, d_pre @ w1_val.T, d_h]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


def test_total_derivative_through_other_xs():
    """TF1 differentiates each x through the others: with b = 2a, d(a + b)/da is 3, not 1."""
    a = tf.placeholder(tf.float64, [])
    b = 2.0 * a
    assert _run(tf.gradients(a + b, [a, b]), {a: 1.0}) == [3.0, 1.0]
    assert _run(tf.gradients(a + b, [b, a]), {a: 1.0}) == [1.0, 3.0]


def test_the_same_x_twice_gets_the_same_gradient():
    x = tf.placeholder(tf.float64, [2])
    v = tf.Variable([1.0, 2.0], dtype=tf.float64)
    y = tf.reduce_sum(x * x * v)
    g = tf.gradients(y, [x, v, x, v])
    got = _run(g, {x: [3.0, 4.0]}, init=True)
    np.testing.assert_array_equal(got[0], [6.0, 16.0])
    np.testing.assert_array_equal(got[2], [6.0, 16.0])
    np.testing.assert_array_equal(got[1], [9.0, 16.0])
    np.testing.assert_array_equal(got[3], [9.0, 16.0])


# ===== None for unconnected xs; the result is always a list ==================================
def test_result_is_a_list_with_none_for_unconnected_xs():
    x = tf.placeholder(tf.float32, [3])
    other = tf.placeholder(tf.float32, [3])
    v = tf.Variable([1.0, 2.0, 3.0])
    unused = tf.Variable(0.0)
    y = tf.reduce_sum(x * v)
    single = tf.gradients(y, x)
    assert isinstance(single, list) and len(single) == 1 and single[0] is not None
    grads = tf.gradients(y, [x, other, v, unused, tf.constant(1.0)])
    assert [g is None for g in grads] == [False, True, False, True, True]
    got = _run([grads[0], grads[2]], {x: [4.0, 5.0, 6.0]}, init=True)
    np.testing.assert_array_equal(got[0], np.float32([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(got[1], np.float32([4.0, 5.0, 6.0]))
    assert tf.gradients(tf.constant(1.0), [x, v]) == [None, None]


def test_unconnected_gradients_zero():
    x = tf.placeholder(tf.float32, [2])
    v = tf.Variable([[1.0, 2.0]])
    grads = tf.gradients(tf.reduce_sum(x * 3.0), [x, v], unconnected_gradients="zero")
    assert grads[1] is not None and grads[1].shape.as_list() == [1, 2]
    got = _run(grads, {x: [1.0, 1.0]}, init=True)
    np.testing.assert_array_equal(got[0], np.float32([3.0, 3.0]))
    np.testing.assert_array_equal(got[1], np.zeros((1, 2), np.float32))
    with pytest.raises(ValueError):
        tf.gradients(x, x, unconnected_gradients="sometimes")


def test_gradient_of_a_tensor_with_respect_to_itself_is_grad_ys():
    x = tf.placeholder(tf.float32, [3])
    np.testing.assert_array_equal(_run(tf.gradients(x, x), {x: [5.0, 6.0, 7.0]})[0], np.ones(3, np.float32))
    got = _run(tf.gradients(x, x, grad_ys=[tf.constant([1.0, 2.0, 3.0])]), {x: [5.0, 6.0, 7.0]})
    np.testing.assert_array_equal(got[0], np.float32([1.0, 2.0, 3.0]))


# ===== grad_ys and several ys ================================================================
def test_grad_ys_weights_the_ys():
    x = tf.placeholder(tf.float64, [3])
    y = x * x
    dy = tf.placeholder(tf.float64, [3])
    (g,) = tf.gradients(y, x, grad_ys=dy)
    got = _run(g, {x: [1.0, 2.0, 3.0], dy: [10.0, 0.0, -1.0]})
    np.testing.assert_array_equal(got, [20.0, 0.0, -6.0])
    with pytest.raises(ValueError):
        tf.gradients([y, y], x, grad_ys=[dy])


def test_several_ys_are_summed():
    x = tf.placeholder(tf.float64, [2])
    y1 = tf.reduce_sum(x * x)
    y2 = tf.sin(x)
    x_val = np.array([0.3, -1.2])
    (g,) = tf.gradients([y1, y2], x)
    np.testing.assert_allclose(_run(g, {x: x_val}), 2 * x_val + np.cos(x_val), rtol=RTOL)
    # grad_ys per y; None means ones.
    (gw,) = tf.gradients([y1, y2], x, grad_ys=[tf.constant(3.0, tf.float64), None])
    np.testing.assert_allclose(_run(gw, {x: x_val}), 6 * x_val + np.cos(x_val), rtol=RTOL)
    (gw2,) = tf.gradients([y1, y2], x, grad_ys=[None, tf.constant([2.0, 0.5], tf.float64)])
    np.testing.assert_allclose(_run(gw2, {x: x_val}), 2 * x_val + np.cos(x_val) * [2.0, 0.5], rtol=RTOL)


def test_integer_ys_are_ignored_among_float_ys():
    x = tf.placeholder(tf.float32, [2])
    (g,) = tf.gradients([tf.cast(x, tf.int32), 3.0 * x], x)
    np.testing.assert_array_equal(_run(g, {x: [1.5, 2.5]}), np.float32([3.0, 3.0]))


# ===== stop_gradients and tf.stop_gradient ===================================================
def test_stop_gradients_argument_matches_tf1_docs():
    a = tf.constant(0.0)
    b = 2 * a
    g = tf.gradients(a + b, [a, b], stop_gradients=[a, b])
    assert _run(g) == [1.0, 1.0]
    assert _run(tf.gradients(a + b, [a, b])) == [3.0, 1.0]


def test_stop_gradients_blocks_backprop_through_a_tensor():
    x = tf.placeholder(tf.float64, [])
    h = x * x
    y = h * tf.sin(x)
    (g,) = tf.gradients(y, x, stop_gradients=[h])
    np.testing.assert_allclose(_run(g, {x: 0.7}), 0.49 * np.cos(0.7), rtol=RTOL)
    (g_only,) = tf.gradients(h * 2.0, x, stop_gradients=[h])
    assert g_only is None


def test_stop_gradient_op():
    x = tf.placeholder(tf.float64, [])
    y = tf.stop_gradient(x * x) * x + x
    (g,) = tf.gradients(y, x)
    assert _run(g, {x: 3.0}) == 10.0  # x*x is a constant 9, plus 1
    assert tf.gradients(tf.stop_gradient(x), x) == [None]
    v = tf.Variable(2.0)
    assert tf.gradients(tf.stop_gradient(v) * 3.0, v) == [None]


# ===== None where TF1 has no gradient ========================================================
@pytest.mark.parametrize("fn", [
    tf.floor, tf.ceil, tf.round, tf.rint, tf.zeros_like, tf.ones_like, lambda x: tf.floordiv(x, 2.0),
    lambda x: x // 2.0, lambda x: tf.cast(tf.shape(x), tf.float32), lambda x: tf.cast(tf.size(x), tf.float32),
    lambda x: tf.cast(tf.argmax(x), tf.float32), lambda x: tf.cast(tf.cast(x, tf.int32), tf.float32),
    lambda x: tf.one_hot(tf.cast(x, tf.int32), 4), lambda x: tf.cast(x > 0.5, tf.float32),
    lambda x: tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax(x), logits=tf.ones([3])),
], ids=["floor", "ceil", "round", "rint", "zeros_like", "ones_like", "floordiv", "floordiv_op", "shape", "size",
        "argmax", "cast_via_int", "one_hot", "cast_bool", "softmax_xent_v1_labels"])
def test_ops_without_gradient_give_none(fn):
    x = tf.placeholder(tf.float32, [3])
    assert tf.gradients(fn(x), x) == [None]
    # ...and contribute nothing next to a differentiable path.
    (g,) = tf.gradients(tf.reduce_sum(fn(x)) + tf.reduce_sum(x * 2.0), x)
    np.testing.assert_array_equal(_run(g, {x: [0.5, 1.5, 2.5]}), np.float32([2.0, 2.0, 2.0]))


def test_sign_has_a_zero_gradient_not_none():
    x = tf.placeholder(tf.float32, [3])
    (g,) = tf.gradients(tf.sign(x), x)
    assert g is not None
    np.testing.assert_array_equal(_run(g, {x: [-1.0, 0.0, 2.0]}), np.zeros(3, np.float32))


def test_softmax_xent_v1_has_logit_gradients_only():
    labels = tf.placeholder(tf.float64, [2, 3])
    logits = tf.placeholder(tf.float64, [2, 3])
    y = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    g_labels, g_logits = tf.gradients(y, [labels, logits])
    assert g_labels is None
    lb = _softmax(POS)
    np.testing.assert_allclose(_run(g_logits, {labels: lb, logits: ANY}), np.asarray(_softmax(ANY) - lb), rtol=1e-12)


def test_integer_tensors_give_none():
    i = tf.placeholder(tf.int32, [3])
    x = tf.placeholder(tf.float32, [3])
    iv = tf.Variable([1, 2, 3])
    y = tf.reduce_sum(tf.cast(i, tf.float32) * x) + tf.cast(tf.reduce_sum(iv), tf.float32)
    assert tf.gradients(y, [i, iv]) == [None, None]
    assert tf.gradients(tf.cast(x, tf.int32), x) == [None]
    assert tf.gradients(i * 2, i) == [None]


# ===== TF1's values at kinks and ties ========================================================
KINK_X = np.float32([-1.0, 0.0, 1.0, 1.0, 6.0])
# (fn, TF1's gradient at KINK_X), from tensorflow.compat.v1.
KINKS = {
    "relu": (tf.nn.relu, [0, 0, 1, 1, 1]),
    "relu6": (tf.nn.relu6, [0, 0, 1, 1, 0]),
    "leaky_relu": (lambda x: tf.nn.leaky_relu(x, 0.1), [0.1, 0.1, 1, 1, 1]),
    "elu": (tf.nn.elu, [np.exp(-1.0), 1, 1, 1, 1]),
    "reduce_max_unique": (tf.reduce_max, [0, 0, 0, 0, 1]),
    "reduce_max_tie": (lambda x: tf.reduce_max(x[2:4]), [0, 0, 0.5, 0.5, 0]),
    "maximum_xx": (lambda x: tf.maximum(x, x), [1, 1, 1, 1, 1]),
    "sign": (tf.sign, [0, 0, 0, 0, 0]),
    "where": (lambda x: tf.where(x > 0.5, x * 2, x * 3), [3, 3, 2, 2, 2]),
}
TF1_TIE_AND_KINK_CASES = {
    "maximum_tie": (lambda x: tf.maximum(x, 1.0), [0, 0, 1, 1, 1]),
    "minimum_tie": (lambda x: tf.minimum(x, 1.0), [1, 1, 1, 1, 0]),
    "clip_by_value_bounds": (lambda x: tf.clip_by_value(x, 0.0, 1.0), [0, 1, 1, 1, 0]),
    "abs_at_zero": (tf.abs, [-1, 0, 1, 1, 1]),
    "selu_at_zero": (tf.nn.selu, [np.float32(1.6732632 * 1.050701 * np.exp(-1.0)), 1.050701, 1.050701, 1.050701,
                                  1.050701]),
}
@pytest.mark.parametrize("name", list(KINKS) + list(TF1_TIE_AND_KINK_CASES))
def test_gradient_values_at_kinks_match_tf1(name):
    fn, want = {**KINKS, **TF1_TIE_AND_KINK_CASES}[name]
    x = tf.placeholder(tf.float32, [5])
    (g,) = tf.gradients(tf.reduce_sum(fn(x)), x)
    np.testing.assert_allclose(_run(g, {x: KINK_X}), np.float32(want), rtol=1e-6, atol=0)


# ===== control flow, randomness, higher order ================================================
def test_gradients_through_cond():
    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float64, [])
    y = tf.cond(p, lambda: x * x * 2.0, lambda: 3.0 * x)
    (gx,) = tf.gradients(y, x)
    with tf.Session() as sess:
        assert sess.run(gx, {p: True, x: 5.0}) == 20.0
        assert sess.run(gx, {p: False, x: 5.0}) == 3.0


def test_gradients_through_cond_with_two_captures():
    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float64, [])
    v = tf.Variable(2.0, dtype=tf.float64)
    y = tf.cond(p, lambda: x * x * v, lambda: 3.0 * x)
    gx, gv = tf.gradients(y, [x, v])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([gx, gv], {p: True, x: 5.0}) == [20.0, 25.0]
        assert sess.run([gx, gv], {p: False, x: 5.0}) == [3.0, 0.0]


def test_gradients_through_cond_reading_the_variable_inside_a_branch():
    p = tf.placeholder(tf.bool, [])
    v = tf.Variable(3.0, dtype=tf.float64)
    y = tf.cond(p, lambda: tf.square(v.read_value()), lambda: tf.constant(1.0, tf.float64))
    (g,) = tf.gradients(y, v)
    assert g is not None
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(g, {p: True}) == 6.0
        assert sess.run(g, {p: False}) == 0.0


def test_second_derivative():
    x = tf.placeholder(tf.float64, [])
    (dy,) = tf.gradients(x ** 3, x)
    (d2y,) = tf.gradients(dy, x)
    assert _run([dy, d2y], {x: 2.0}) == [12.0, 12.0]
    v = tf.Variable(1.5, dtype=tf.float64)
    (dv,) = tf.gradients(tf.sin(v), v)
    (d2v,) = tf.gradients(dv, v)
    np.testing.assert_allclose(_run(d2v, init=True), -np.sin(1.5), rtol=RTOL)


def test_dropout_gradient_uses_the_same_mask_as_the_forward_pass():
    x = tf.placeholder(tf.float64, [50])
    y = tf.nn.dropout(x, keep_prob=0.5, seed=3)
    (g,) = tf.gradients(y, x)
    with tf.Session() as sess:
        for _ in range(3):
            y_val, g_val = sess.run([y, g], {x: np.arange(1.0, 51.0)})
            np.testing.assert_array_equal(g_val, np.where(y_val != 0, 2.0, 0.0))
            assert 0 < np.count_nonzero(y_val) < 50


def test_gradient_through_a_random_op_parameter():
    m = tf.placeholder(tf.float64, [])
    s = tf.placeholder(tf.float64, [])
    r = tf.random_normal([4], mean=m, stddev=s, dtype=tf.float64, seed=1)
    gm, gs = tf.gradients(r, [m, s])
    r_val, gm_val, gs_val = _run([r, gm, gs], {m: 1.0, s: 2.0})
    assert gm_val == 4.0
    np.testing.assert_allclose(gs_val, np.sum((r_val - 1.0) / 2.0), rtol=1e-12)


# ===== gradients used in further ops =========================================================
def test_clip_by_global_norm_then_apply():
    w_val, b_val = np.float32([[1.0, -2.0], [0.5, 3.0]]), np.float32([0.1, -0.2])
    x_val = np.float32([[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3]])
    x = tf.constant(x_val)
    w = tf.Variable(w_val, name="w")
    b = tf.Variable(b_val, name="b")
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b))
    grads = tf.gradients(loss, [w, b])
    clipped, norm = tf.clip_by_global_norm(grads, 1.0)
    lr = 0.1
    train = tf.group(w.assign_sub(lr * clipped[0]), b.assign_sub(lr * clipped[1]))
    x64, w64, b64 = (a.astype(np.float64) for a in (x_val, w_val, b_val))
    residual = 2 * (x64 @ w64 + b64)
    gw, gb = x64.T @ residual, residual.sum(0)
    want_norm = np.sqrt(np.sum(gw ** 2) + np.sum(gb ** 2))
    assert want_norm > 1.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        norm_val, _ = sess.run([norm, train])
        np.testing.assert_allclose(norm_val, want_norm, rtol=1e-6)
        np.testing.assert_allclose(sess.run(w), w64 - lr * gw / want_norm, rtol=1e-6)
        np.testing.assert_allclose(sess.run(b), b64 - lr * gb / want_norm, rtol=1e-6)


def test_gradients_feed_further_ops_and_optimizers():
    w = tf.Variable([1.0, 2.0], dtype=tf.float64)
    loss = tf.reduce_sum(w ** 2)
    (g,) = tf.gradients(loss, w)
    gnorm = tf.norm(g) if hasattr(tf, "norm") else tf.sqrt(tf.reduce_sum(g * g))
    train = tf.train.GradientDescentOptimizer(0.25).apply_gradients([(g * 2.0, w)])
    with tf.Session() as sess:
        sess.run(w.initializer)
        np.testing.assert_allclose(sess.run(gnorm), np.sqrt(20.0), rtol=1e-12)
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w), [0.0, 0.0])  # w - 0.25 * 2 * 2w


def test_gradient_op_names_live_under_the_name_scope():
    x = tf.placeholder(tf.float32, [])
    (g,) = tf.gradients(x * x, x)
    assert g.op.name.startswith("gradients")
    (g2,) = tf.gradients(x * x, x, name="my_grads")
    assert g2.op.name.startswith("my_grads")
    with tf.name_scope("outer"):
        (g3,) = tf.gradients(x * x, x)
    assert g3.op.name.startswith("outer/gradients")
