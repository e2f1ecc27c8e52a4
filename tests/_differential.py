"""A harness for differential op tests: build the same op on TensorFlow (compat.v1) and on
tfvars_jax from fed placeholders, and compare what a user sees: the op's name and type, the
static shape and dtype, the values, and the gradients of the floating-point inputs."""
import numpy as np


def _outputs(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def run_op(tf, build, inputs, grads=True, static_shape=True):
    """Builds `build(tf, *placeholders)` fed with `inputs` (NumPy arrays; a placeholder has the
    array's full static shape unless `static_shape` is False) and runs it.

    Returns a dict: `meta` [(op name, op type, shape, dtype)] per output, `values`, and
    `grads`: d(sum of the float outputs)/d(each float input), None where TF gives None.
    """
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape if static_shape else None,
                              name=f"in{k}") for k, a in enumerate(inputs)]
        outs = _outputs(build(tf, *phs))
        meta = [(t.op.name, t.op.type, None if t.shape.ndims is None else t.shape.as_list(),
                 t.dtype.name) for t in outs]
        floats = [t for t in outs if t.dtype.is_floating]
        xs = [p for p in phs if p.dtype.is_floating]
        gs = []
        if grads and floats and xs:
            gs = tf.gradients(tf.add_n([tf.reduce_sum(t * t) for t in floats]), xs)
        fetch = outs + [g for g in gs if g is not None]
        feed = dict(zip(phs, inputs))
        with tf.Session() as sess:
            values = sess.run(fetch, feed)
        got = iter(values[len(outs):])
        return {"meta": meta, "values": values[:len(outs)],
                "grads": [None if g is None else next(got) for g in gs]}


def assert_same(ours, ref, rtol=1e-5, atol=1e-6, exact=False):
    """The two results of `run_op` agree: names, types, shapes, dtypes; values (exactly for
    integer/bool values or with `exact`, else to rtol/atol, nan where TF has nan); gradients."""
    assert ours["meta"] == ref["meta"]
    for a, b in zip(ours["values"], ref["values"]):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
        if exact or not np.issubdtype(b.dtype, np.inexact):
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    assert [g is None for g in ours["grads"]] == [g is None for g in ref["grads"]]
    for a, b in zip(ours["grads"], ref["grads"]):
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=max(rtol, 1e-4), atol=max(atol, 1e-5),
                                       equal_nan=True)


def run_error(tf, build, inputs):
    """Runs `build` as `run_op` does (no gradients); returns the error's class name, or None."""
    try:
        run_op(tf, build, inputs, grads=False)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e).__name__
    return None
