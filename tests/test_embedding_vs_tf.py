"""Differential tests: `tf.nn.embedding_lookup` on TensorFlow and on tfvars_jax.

Each case builds the same lookup in both libraries (one tensor, a list of shards, a
PartitionedVariable; "mod" and "div"; uneven shards; max_norm), copies TF's variable values
into ours by name, and compares the output's name, static shape and value, and the gradient
of a weighted sum with respect to every shard (TF's IndexedSlices densified).
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]


def _build(tf, case):
    rng = np.random.RandomState(0)
    kind, shards, strategy, max_norm, ids = case
    if kind == "partitioned":
        params = tf.get_variable("emb", [sum(shards), 3],
                                 partitioner=tf.fixed_size_partitioner(len(shards)))
        xs = list(params)
    elif kind == "variables":
        params = [tf.get_variable(f"emb_{i}", [n, 3]) for i, n in enumerate(shards)]
        xs = params
    else:
        params = [tf.constant(rng.randn(n, 3).astype(np.float32)) for n in shards]
        xs = params
        if len(params) == 1:
            params = params[0]
    ids_ph = tf.placeholder(tf.int64, [None] * np.asarray(ids).ndim, name="ids")
    out = tf.nn.embedding_lookup(params, ids_ph, partition_strategy=strategy, max_norm=max_norm)
    weights = tf.constant(rng.randn(*(np.asarray(ids).shape + (3,))).astype(np.float32))
    loss = tf.reduce_sum(out * weights)
    grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, xs)]
    return ids_ph, out, grads


def _run(tf, case, copy_from=None):
    graph = tf.Graph()
    with graph.as_default():
        ids_ph, out, grads = _build(tf, case)
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            variables = tf.global_variables()
            if copy_from is not None:
                for v in variables:
                    v.load(copy_from["values"][v.op.name], sess)
            values = {v.op.name: sess.run(v) for v in variables}
            got, got_grads = sess.run([out, grads], {ids_ph: case[4]})
    return {"name": out.name, "shape": out.shape.as_list() if out.shape.ndims is not None
            else None, "values": values, "out": got, "grads": got_grads,
            "vars": sorted((v.op.name, tuple(v.shape.as_list())) for v in variables)}


CASES = [
    ("constants", [7], "mod", None, [[0, 3], [6, 1]]),
    ("constants", [7], "mod", 1.5, [[0, 3], [6, 3]]),
    ("constants", [4, 3, 3], "mod", None, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]),
    ("constants", [4, 3, 3], "div", None, [[0, 1, 2, 3], [4, 5, 6, 9]]),
    ("constants", [5, 5, 4], "div", 0.7, [13, 0, 4, 5, 9, 10, 12]),
    ("variables", [3, 2], "mod", None, [[4, 0], [1, 1], [3, 2]]),
    ("variables", [3, 2], "div", 2.0, [4, 0, 1, 1, 3, 2]),
    ("partitioned", [4, 3, 3], "mod", None, [[9, 0, 5], [1, 1, 8]]),
    ("partitioned", [4, 3, 3], "div", None, [[9, 0, 5], [1, 1, 8]]),
    ("partitioned", [4, 4, 3], "div", 1.0, [10, 3, 4, 7, 8]),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{len(c[1])}-{c[2]}-{c[3]}" for c in CASES])
def test_embedding_lookup_matches_tf(case):
    ref = _run(tf1, case)
    ours = _run(tfj, case, copy_from=ref)
    assert ours["name"] == ref["name"]
    assert ours["shape"] == ref["shape"]
    assert ours["vars"] == ref["vars"]
    np.testing.assert_allclose(ours["out"], ref["out"], rtol=1e-6, atol=1e-6)
    for g_ours, g_ref in zip(ours["grads"], ref["grads"]):
        np.testing.assert_allclose(g_ours, g_ref, rtol=1e-5, atol=1e-6)


def test_out_of_range_id_fails_in_both():
    for tf in (tf1, tfj):
        with tf.Graph().as_default():
            ids = tf.placeholder(tf.int32, [None])
            out = tf.nn.embedding_lookup([tf.zeros([3, 2]), tf.zeros([2, 2])], ids)
            with tf.Session() as sess:
                with pytest.raises(tf.errors.InvalidArgumentError):
                    sess.run(out, {ids: [5]})
