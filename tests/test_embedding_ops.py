"""tf.nn.embedding_lookup and the candidate samplers on their own: names, values, errors,
seeds, the samplers' distributions and uniqueness."""
import numpy as np
import pytest

import tfvars_jax as tf

P = np.arange(20, dtype=np.float32).reshape(5, 4)


def test_single_tensor_names_and_values():
    out = tf.nn.embedding_lookup(tf.constant(P), [[0, 3], [4, 1]])
    assert out.name == "embedding_lookup/Identity:0"
    assert out.op.inputs[0].op.type == "GatherV2"
    assert out.shape.as_list() == [2, 2, 4]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out), P[[[0, 3], [4, 1]]])


def test_mod_and_div_assign_ids_as_tf1():
    # 13 ids over 5 shards: mod -> [[0,5,10],[1,6,11],[2,7,12],[3,8],[4,9]];
    # div -> [[0,1,2],[3,4,5],[6,7,8],[9,10],[11,12]] (TF1's documented split)
    full = np.arange(13, dtype=np.float32)[:, None] * np.ones((1, 2), np.float32)
    mod = [full[i::5] for i in range(5)]
    div = [full[0:3], full[3:6], full[6:9], full[9:11], full[11:13]]
    ids = np.arange(13)
    with tf.Session() as sess:
        for strategy, shards in (("mod", mod), ("div", div)):
            out = tf.nn.embedding_lookup([tf.constant(s) for s in shards], ids,
                                         partition_strategy=strategy)
            np.testing.assert_array_equal(sess.run(out), full)
    assert out.name == "embedding_lookup_1/Reshape_1:0"
    assert out.op.inputs[0].op.type == "ParallelDynamicStitch"


def test_partitioned_variable_and_max_norm():
    v = tf.get_variable("v", [7, 3], initializer=tf.ones_initializer(),
                        partitioner=tf.fixed_size_partitioner(3))
    out = tf.nn.embedding_lookup(v, [6, 0], max_norm=1.0)
    assert out.name == "embedding_lookup/clip_by_norm:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(out), np.full((2, 3), 1 / np.sqrt(3)), rtol=1e-6)


def test_unknown_ids_shape_and_gradient_is_indexed_slices():
    w = tf.get_variable("w", initializer=P)
    ids = tf.placeholder(tf.int64, [None])
    out = tf.nn.embedding_lookup(w, ids)
    assert out.shape.as_list() == [None, 4]
    (grad,) = tf.gradients(tf.reduce_sum(out), [w])
    assert isinstance(grad, tf.IndexedSlices)  # as TF1: the gathered rows and their ids
    assert grad.shape.as_list() == [5, 4] and grad.indices.dtype == tf.int64
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g = sess.run(grad, {ids: [1, 1, 4]})
        dense = sess.run(tf.convert_to_tensor(grad), {ids: [1, 1, 4]})
    assert g.indices.tolist() == [1, 1, 4] and g.dense_shape.tolist() == [5, 4]
    np.testing.assert_array_equal(g.values, np.ones((3, 4)))
    np.testing.assert_array_equal(dense[:, 0], [0, 2, 0, 0, 1])


def test_out_of_range_ids_fail_the_run_naming_the_op():
    ids = tf.placeholder(tf.int32, [None])
    single = tf.nn.embedding_lookup(tf.constant(P), ids, name="emb")
    sharded = tf.nn.embedding_lookup([tf.constant(P), tf.constant(P)], ids, name="sh")
    v = tf.get_variable("v", initializer=1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="GatherV2 op 'emb'.*size 5"):
            sess.run([single, v.assign(5.0)], {ids: [5]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="'sh'"):
            sess.run(sharded, {ids: [-1]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="'sh'"):
            sess.run(sharded, {ids: [10]})
        assert sess.run(v) == 1.0  # the failed run changed nothing
        np.testing.assert_array_equal(sess.run(sharded, {ids: [9]}), P[[4]])


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="params must be specified"):
        tf.nn.embedding_lookup(None, [0])
    with pytest.raises(ValueError, match="Length of params"):
        tf.nn.embedding_lookup([], [0])
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.nn.embedding_lookup(tf.constant(P), [0.5])
    with pytest.raises(ValueError, match="Unrecognized partition strategy"):
        tf.nn.embedding_lookup([tf.constant(P)] * 2, [0], partition_strategy="foo")
    with pytest.raises(ValueError, match="embedding shape"):
        tf.nn.embedding_lookup([tf.constant(P), tf.zeros([2, 3])], [0])


# ----- samplers --------------------------------------------------------------------------
def _classes():
    return tf.constant([[1, 2], [3, 4]], tf.int64)


def test_sampler_outputs_names_shapes_and_seed_attrs():
    tf.set_random_seed(5)
    s = tf.nn.log_uniform_candidate_sampler(_classes(), 2, 6, True, 50, seed=3)
    assert [t.name for t in s] == ["LogUniformCandidateSampler:0", "LogUniformCandidateSampler:1",
                                   "LogUniformCandidateSampler:2"]
    assert [t.shape.as_list() for t in s] == [[6], [2, 2], [6]]
    assert [t.dtype for t in s] == [tf.int64, tf.float32, tf.float32]
    assert (s[0].op.get_attr("seed"), s[0].op.get_attr("seed2")) == (5, 3)
    assert tf.random.log_uniform_candidate_sampler is tf.nn.log_uniform_candidate_sampler


def test_unique_samples_are_distinct_and_in_range():
    outs = [tf.nn.log_uniform_candidate_sampler(_classes(), 2, 9, True, 10, seed=1),
            tf.nn.uniform_candidate_sampler(_classes(), 2, 10, True, 10, seed=1),
            tf.nn.fixed_unigram_candidate_sampler(_classes(), 2, 4, True, 6, seed=1,
                                                  unigrams=[1.0, 2, 3, 4], num_reserved_ids=2)]
    with tf.Session() as sess:
        for _ in range(5):
            for (samp, _, _), hi, lo in zip(sess.run(outs), (10, 10, 6), (0, 0, 2)):
                assert len(set(samp.tolist())) == len(samp)
                assert samp.min() >= lo and samp.max() < hi


def test_log_uniform_distribution_and_expected_counts():
    s = tf.nn.log_uniform_candidate_sampler(_classes(), 2, 4000, False, 10, seed=7)
    with tf.Session() as sess:
        samp, true_count, samp_count = sess.run(s)
    p = np.log((np.arange(10) + 2.0) / (np.arange(10) + 1.0)) / np.log(11.0)
    freq = np.bincount(samp, minlength=10) / 4000.0
    np.testing.assert_allclose(freq, p, atol=0.03)
    np.testing.assert_array_equal(samp_count, (p[samp].astype(np.float32) * np.float32(4000)))
    np.testing.assert_array_equal(true_count,
                                  p[[[1, 2], [3, 4]]].astype(np.float32) * np.float32(4000))


def test_unique_expected_counts_use_the_number_of_tries():
    # all 10 classes drawn without replacement: num_tries >= 10 > num_sampled... so the
    # stable formula 1 - (1 - p) ** tries applies and every count is in (p * 10, 1]
    s = tf.nn.uniform_candidate_sampler(_classes(), 2, 10, True, 10, seed=2)
    with tf.Session() as sess:
        samp, true_count, samp_count = sess.run(s)
    assert sorted(samp.tolist()) == list(range(10))
    assert np.all(samp_count == samp_count[0]) and np.all(true_count == samp_count[0])
    tries = np.log1p(-samp_count[0].astype(np.float64)) / np.log1p(-0.1)
    assert tries >= 10 and abs(tries - round(tries)) < 1e-3


def test_samplers_are_reproducible_with_seeds_and_fresh_per_run():
    def draw():
        with tf.Graph().as_default():
            tf.set_random_seed(1)
            s = tf.nn.log_uniform_candidate_sampler(_classes(), 2, 5, True, 1000)
            with tf.Session() as sess:
                return sess.run(s[0]), sess.run(s[0])
    a, b = draw()
    c, d = draw()
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, d)
    assert not np.array_equal(a, b)


def test_sampler_errors():
    with pytest.raises(TypeError, match="int64"):
        tf.nn.uniform_candidate_sampler(tf.constant([[1]]), 1, 2, True, 5)
    with pytest.raises(ValueError, match="num_true=3 columns"):
        tf.nn.uniform_candidate_sampler(_classes(), 2 + 1, 2, True, 5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="range is too small"):
        tf.nn.uniform_candidate_sampler(_classes(), 2, 6, True, 5)
    with pytest.raises(NotImplementedError, match="vocab_file"):
        tf.nn.fixed_unigram_candidate_sampler(_classes(), 2, 2, True, 5, vocab_file="v.txt")
    with pytest.raises(NotImplementedError, match="num_shards"):
        tf.nn.fixed_unigram_candidate_sampler(_classes(), 2, 2, True, 5, unigrams=[1.0] * 5,
                                              num_shards=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="range_max"):
        tf.nn.fixed_unigram_candidate_sampler(_classes(), 2, 2, True, 5, unigrams=[1.0] * 4)


def test_nce_loss_default_sampler_trains():
    w = tf.get_variable("w", [30, 4])
    b = tf.get_variable("b", [30], initializer=tf.zeros_initializer())
    x = tf.constant(np.ones((2, 4), np.float32))
    loss = tf.nn.nce_loss(w, b, tf.constant([[1], [7]], tf.int64), x, 5, 30)
    soft = tf.nn.sampled_softmax_loss(w, b, tf.constant([[1], [7]]), x, 5, 30, seed=4)
    assert loss.shape.as_list() == [2] and soft.shape.as_list() == [2]
    assert any(op.type == "LogUniformCandidateSampler" and op.name.startswith("nce_loss/")
               for op in tf.get_default_graph().get_operations())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, c = sess.run([loss, soft])
    assert np.all(np.isfinite(a)) and np.all(a > 0) and np.all(np.isfinite(c))
