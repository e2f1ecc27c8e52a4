"""Differential tests of `tf.SparseTensor` / `tf.sparse` against TensorFlow (compat.v1):
sparse placeholders fed SparseTensorValues, fetched SparseTensorValues, every sparse op's
indices, values, dense shape, static shape and dtype, gradients to values and dense operands,
`embedding_lookup_sparse` / `safe_embedding_lookup_sparse` with each combiner, and the run-time
errors TF1's kernels raise."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

V = tfj.SparseTensorValue
A = V(np.array([[0, 1], [1, 0], [1, 2], [3, 3]], np.int64), np.array([1., 2., -3., 4.], np.float32),
      np.array([4, 5], np.int64))
B = V(np.array([[0, 1], [1, 1], [3, 3], [3, 4]], np.int64),
      np.array([10., 20., -4., 5.], np.float32), np.array([4, 5], np.int64))
UNSORTED = V(A.indices[[2, 0, 3, 1]], A.values[[2, 0, 3, 1]], A.dense_shape)
D53 = np.arange(15, dtype=np.float32).reshape(5, 3)
IDS = V(np.array([[0, 0], [0, 1], [1, 0], [3, 0], [3, 1], [3, 2]], np.int64),
        np.array([1, 3, 1, 0, 4, 3], np.int64), np.array([4, 3], np.int64))
WEIGHTS = V(IDS.indices, np.array([1., 2., .5, 1., 3., 1.], np.float32), IDS.dense_shape)
PARAMS = np.random.RandomState(0).normal(size=(5, 3)).astype(np.float32)


def _densify(g):
    if hasattr(g, "indices") and hasattr(g, "dense_shape") and not hasattr(g, "_fields") or \
            type(g).__name__ == "IndexedSlicesValue":
        out = np.zeros(g.dense_shape, g.values.dtype)
        np.add.at(out, g.indices, g.values)
        return out
    return np.asarray(g)


def run(tf, build, sparse, dense=(), shape_known=True, grads=True):
    """Builds `build(tf, *sparse placeholders, *dense placeholders)`, feeds them and runs it:
    (static [(kind, shape, dtype)], fetched values, gradients of the float outputs' squares
    with respect to the sparse values and dense inputs)."""
    with tf.Graph().as_default():
        sps = [tf.sparse_placeholder(tf.as_dtype(v.values.dtype),
                                     shape=v.dense_shape if shape_known else None, name=f"sp{i}")
               for i, v in enumerate(sparse)]
        phs = [tf.placeholder(tf.as_dtype(d.dtype), d.shape, name=f"d{i}")
               for i, d in enumerate(dense)]
        out = build(tf, *sps, *phs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        flat = [o.values if isinstance(o, tf.SparseTensor) else o for o in outs]
        floats = [t for t in flat if t.dtype.is_floating]
        xs = [s.values for s in sps if s.dtype.is_floating] + \
            [p for p in phs if p.dtype.is_floating]
        gs = tf.gradients(tf.add_n([tf.reduce_sum(t * t) for t in floats]), xs) \
            if grads and floats and xs else []
        meta = [("sparse" if isinstance(o, tf.SparseTensor) else "dense",
                 None if o.shape.ndims is None else o.shape.as_list(), o.dtype.name)
                for o in outs]
        feed = dict(zip(sps, sparse))
        feed.update(zip(phs, dense))
        with tf.Session() as sess:
            values = sess.run(outs + [g for g in gs if g is not None], feed)
        return meta, values[:len(outs)], [_densify(g) for g in values[len(outs):]], \
            [g is None for g in gs]


def _known_as_much(ours, ref):
    """Our static shape is TF's or more specific (TF 2.x's sparse_placeholder hides a known
    dense shape behind a placeholder_with_default; TF 1.15, which we follow, did not)."""
    if ours[0] != ref[0] or ours[2] != ref[2]:
        return False
    if ref[1] is None:
        return True
    return ours[1] is not None and len(ours[1]) == len(ref[1]) and all(
        r is None or o == r for o, r in zip(ours[1], ref[1]))


def same(build, sparse, dense=(), shape_known=True, grads=True, atol=1e-5):
    ours = run(tfj, build, sparse, dense, shape_known, grads)
    ref = run(tf1, build, sparse, dense, shape_known, grads)
    assert all(_known_as_much(a, b) for a, b in zip(ours[0], ref[0])), (ours[0], ref[0])
    for a, b in zip(ours[1], ref[1]):
        if isinstance(b, tf1.SparseTensorValue):
            assert isinstance(a, tfj.SparseTensorValue)
            for field in ("indices", "values", "dense_shape"):
                x, y = np.asarray(getattr(a, field)), np.asarray(getattr(b, field))
                assert x.dtype == y.dtype and x.shape == y.shape, (field, x, y)
                np.testing.assert_allclose(x, y, atol=atol)
        else:
            a, b = np.asarray(a), np.asarray(b)
            assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
            np.testing.assert_allclose(a, b, atol=atol)
    assert ours[3] == ref[3]
    for a, b in zip(ours[2], ref[2]):
        np.testing.assert_allclose(a, b, atol=1e-4)


KNOWN = pytest.mark.parametrize("known", [True, False], ids=["shape", "no_shape"])


@KNOWN
def test_placeholder_feed_fetch_and_to_dense(known):
    same(lambda tf, a: a, [A], shape_known=known)
    same(lambda tf, a: tf.sparse.to_dense(a), [A], shape_known=known)
    same(lambda tf, a: tf.sparse_tensor_to_dense(a, default_value=-1.), [A], shape_known=known)
    same(lambda tf, a: tf.sparse.reorder(a), [UNSORTED], shape_known=known)


@KNOWN
def test_reshape_add_matmul_reduce(known):
    for build in (lambda tf, a: tf.sparse.reshape(a, [2, -1]),
                  lambda tf, a: tf.sparse.reshape(a, [5, 2, 2]),
                  lambda tf, a: tf.sparse.reduce_sum(a),
                  lambda tf, a: tf.sparse.reduce_sum(a, axis=1),
                  lambda tf, a: tf.sparse.reduce_sum(a, axis=-2, keepdims=True),
                  lambda tf, a: tf.sparse.softmax(a),
                  lambda tf, a: tf.sparse.retain(a, [True, False, True, False]),
                  lambda tf, a: tf.sparse.slice(a, [1, 0], [2, 3]),
                  lambda tf, a: tf.sparse.fill_empty_rows(a, 9.)):
        same(build, [A], shape_known=known)
    for build in (lambda tf, a, b: tf.sparse.add(a, b),
                  lambda tf, a, b: tf.sparse_add(a, b, thresh=0.5),
                  lambda tf, a, b: tf.sparse.concat(0, [a, b]),
                  lambda tf, a, b: tf.sparse.concat(1, [a, b])):
        same(build, [A, B], shape_known=known)
    same(lambda tf, a, d: tf.sparse.add(a, d), [A], [np.ones((4, 5), np.float32)],
         shape_known=known)
    same(lambda tf, a, d: tf.sparse_tensor_dense_matmul(a, d), [A], [D53], shape_known=known)
    same(lambda tf, a, d: tf.sparse.sparse_dense_matmul(a, d, adjoint_a=True, adjoint_b=True),
         [A], [np.ones((3, 4), np.float32)], shape_known=known)


def test_dense_inputs():
    same(lambda tf, d: tf.sparse.from_dense(d), [], [np.array([[0, 1, 0], [2, 0, 3]],
                                                              np.float32)])
    same(lambda tf, d: tf.sparse_to_dense([[0, 1], [1, 2]], [2, 3], d), [],
         [np.array([5., 6.], np.float32)])
    # TF's own gradient of this form fails (its GatherNd gets 1-D indices): values only
    same(lambda tf, d: tf.sparse_to_dense([1, 3], [5], d, default_value=-1.), [],
         [np.array(7., np.float32)], grads=False)
    for kind in ("sum", "mean", "sqrt_n"):
        fn = f"segment_{kind}"
        same(lambda tf, d, fn=fn: getattr(tf.sparse, fn)(d, [0, 2, 1, 1], [0, 0, 1, 3]), [], [D53])
        same(lambda tf, d, fn=fn: getattr(tf.sparse, fn)(d, [0, 2, 1, 1], [0, 0, 1, 3],
                                                  num_segments=6), [], [D53])


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_embedding_lookup_sparse_matches_tf(combiner):
    for known in (True, False):
        same(lambda tf, i, p: tf.nn.embedding_lookup_sparse(p, i, None, combiner=combiner),
             [IDS], [PARAMS], shape_known=known)
        same(lambda tf, i, w, p: tf.nn.embedding_lookup_sparse(p, i, w, combiner=combiner),
             [IDS, WEIGHTS], [PARAMS], shape_known=known)
    same(lambda tf, i, p: tf.nn.safe_embedding_lookup_sparse(p, i, None, combiner=combiner),
         [IDS], [PARAMS])
    same(lambda tf, i, w, p: tf.nn.safe_embedding_lookup_sparse(p, i, w, combiner=combiner,
                                                                default_id=2),
         [IDS, WEIGHTS], [PARAMS])


def test_safe_embedding_lookup_sparse_invalid_ids_empty_rows_and_rank_3():
    empty = V(np.array([[0, 0], [2, 1]], np.int64), np.array([1, -3], np.int64),
              np.array([4, 3], np.int64))
    same(lambda tf, i, p: tf.nn.safe_embedding_lookup_sparse(p, i, None), [empty], [PARAMS])
    rank3 = V(np.array([[0, 0, 0], [0, 1, 1], [1, 0, 0], [1, 1, 0], [1, 1, 2]], np.int64),
              np.array([1, -1, 0, 4, 3], np.int64), np.array([2, 2, 3], np.int64))
    same(lambda tf, i, p: tf.nn.safe_embedding_lookup_sparse(p, i, None), [rank3], [PARAMS])
    same(lambda tf, i, p: tf.nn.safe_embedding_lookup_sparse(p, i, None, default_id=4,
                                                            combiner="sum"), [rank3], [PARAMS])


def test_entry_counts_change_between_runs():
    with tfj.Graph().as_default():
        sp = tfj.sparse_placeholder(tfj.float32)
        w = tfj.constant(D53)
        dense, prod = tfj.sparse.to_dense(sp), tfj.sparse_tensor_dense_matmul(sp, w)
        total = tfj.sparse.add(sp, sp)
        with tfj.Session() as sess:
            for k in (1, 4, 2, 4):
                value = V(A.indices[:k], A.values[:k], np.array([4 + k, 5], np.int64))
                d, p, t = sess.run([dense, prod, total], {sp: value})
                expected = np.zeros((4 + k, 5), np.float32)
                expected[tuple(A.indices[:k].T)] = A.values[:k]
                np.testing.assert_array_equal(d, expected)
                np.testing.assert_allclose(p, expected @ D53)
                np.testing.assert_array_equal(t.values, 2 * A.values[:k])
                # a tuple feeds it too
                np.testing.assert_array_equal(
                    sess.run(dense, {sp: (value.indices, value.values, value.dense_shape)}),
                    expected)


def test_gradients_reach_params_as_indexed_slices_and_train():
    with tfj.Graph().as_default():
        params = tfj.Variable(PARAMS, name="params")
        ids = tfj.sparse_placeholder(tfj.int64, shape=[4, 3])
        loss = tfj.reduce_sum(tfj.nn.embedding_lookup_sparse(params, ids, None, "mod",
                                                             combiner="sum") ** 2)
        grad, = tfj.gradients(loss, [params])
        assert isinstance(grad, tfj.IndexedSlices)
        step = tfj.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tfj.Session() as sess:
            sess.run(tfj.global_variables_initializer())
            before = sess.run(loss, {ids: IDS})
            sess.run(step, {ids: IDS})
            after, p = sess.run([loss, params], {ids: IDS})
    assert after < before
    np.testing.assert_array_equal(p[2], PARAMS[2])  # id 2 is not looked up: row untouched


def test_errors_as_tf():
    for tf in (tfj, tf1):
        with tf.Graph().as_default():
            sp = tf.sparse_placeholder(tf.float32, shape=[4, 5])
            dense = tf.sparse.to_dense(sp)
            w = tf.placeholder(tf.float32, [5, 3])
            prod = tf.sparse_tensor_dense_matmul(sp, w)
            with tf.Session() as sess:
                with pytest.raises(tf.errors.InvalidArgumentError):  # out of canonical order
                    sess.run(dense, {sp: UNSORTED})
                bad = V(np.array([[0, 7]], np.int64), np.array([1.], np.float32), A.dense_shape)
                with pytest.raises(tf.errors.InvalidArgumentError):  # column out of bounds
                    sess.run(prod, {sp: bad, w: D53})
            with pytest.raises(TypeError):
                tf.convert_to_tensor(sp)
            with pytest.raises(ValueError):
                tf.sparse.reshape(tf.SparseTensor([[0, 0]], [1.], [2, 3]), [4, 2])
    with tfj.Graph().as_default():
        sp = tfj.sparse_placeholder(tfj.float32, shape=[4, 5])
        with tfj.Session() as sess:
            with pytest.raises(ValueError, match="dense shape \\[4, 5\\]"):
                sess.run(tfj.sparse.to_dense(sp), {sp: V(A.indices, A.values, [6, 5])})
            with pytest.raises(NotImplementedError, match="feed_list holds a SparseTensor"):
                sess.make_callable(sp.values, [sp])


def test_sparse_tensor_api():
    with tfj.Graph().as_default():
        sp = tfj.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [2, 3])
        assert sp.shape.as_list() == [2, 3] and sp.dtype == tfj.float32
        assert sp.indices.dtype == tfj.int64 and sp.dense_shape.dtype == tfj.int64
        doubled = sp.with_values(sp.values * 2)
        from_value = tfj.SparseTensor.from_value(V(A.indices, A.values, A.dense_shape))
        with tfj.Session() as sess:
            value = sess.run(doubled)
            assert isinstance(value, tfj.SparseTensorValue)
            np.testing.assert_array_equal(value.values, [2.0, 4.0])
            with sess.as_default():
                np.testing.assert_array_equal(from_value.eval().values, A.values)
        with pytest.raises(ValueError, match="as many rows"):
            tfj.SparseTensor([[0, 0], [1, 2]], [1.0], [2, 3])


@KNOWN
def test_transpose_expand_extrema_indicator_split(known):
    if known:  # these need the rank when the graph is built
        same(lambda tf, a: tf.sparse.transpose(a), [A])
        same(lambda tf, a: tf.sparse.expand_dims(a, 1), [A])
        same(lambda tf, a: tf.sparse.expand_dims(a, -1), [A])
        # TF's own SparseSplit has no gradient: values only
        same(lambda tf, a: tf.sparse.split(sp_input=a, num_split=2, axis=1), [A], grads=False)
        same(lambda tf, a: tf.sparse.split(sp_input=a, num_split=3, axis=0), [A], grads=False)
    # TF's registered gradient of SparseSparseMaximum fails (a TypeError): values only
    same(lambda tf, a, b: tf.sparse.maximum(a, b), [A, B], shape_known=known, grads=False)
    same(lambda tf, a, b: tf.sparse.minimum(a, b), [A, B], shape_known=known, grads=False)
    labels = V(A.indices, np.array([1, 2, 0, 4], np.int64), A.dense_shape)
    same(lambda tf, a: tf.sparse.to_indicator(a, 6), [labels], shape_known=known)


A3 = V(np.array([[0, 1, 0], [0, 1, 2], [1, 0, 1], [1, 2, 2], [3, 2, 0]], np.int64),
       np.array([1., -2., 3., 4., -5.], np.float32), np.array([4, 3, 3], np.int64))


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 1, -1, [0, 2]], ids=str)
def test_reduce_max_and_sparse_reductions(axis, keepdims):
    # TF1 registers no gradient for these: values only (ours raise LookupError too)
    for fn in ("reduce_max", "reduce_sum_sparse", "reduce_max_sparse"):
        same(lambda tf, a, fn=fn: getattr(tf.sparse, fn)(a, axis=axis, keepdims=keepdims), [A3],
             grads=False)
    same(lambda tf, a: tf.sparse.reduce_max(a, axis=axis, keepdims=keepdims), [A3],
         shape_known=False, grads=False)


def test_eye_reset_shape_and_conversion():
    same(lambda tf: tf.sparse.eye(3, 4), [])
    same(lambda tf, a: tf.sparse.reset_shape(a), [A])
    same(lambda tf, a: tf.sparse.reset_shape(a, [6, 7]), [A])
    with tfj.Graph().as_default():
        value = V(A.indices, A.values, A.dense_shape)
        assert isinstance(tfj.convert_to_tensor_or_sparse_tensor(value), tfj.SparseTensor)
        assert isinstance(tfj.convert_to_tensor_or_sparse_tensor([1.0]), tfj.Tensor)
        with pytest.raises(ValueError, match="at least the current shape"):
            tfj.sparse.reset_shape(tfj.sparse_placeholder(tfj.float32, [4, 5]), [4, 2])
        sp = tfj.sparse_placeholder(tfj.float32)
        small = tfj.sparse.reset_shape(sp, [4, 2])
        with tfj.Session() as sess, pytest.raises(tfj.errors.InvalidArgumentError):
            sess.run(small, {sp: A})
