"""Differential tests: `tf.nn.nce_loss` / `tf.nn.sampled_softmax_loss` on TensorFlow and on
tfvars_jax, and the candidate samplers' expected counts.

Random samples cannot match TF's bits, so the losses get the same `sampled_values` in both
libraries (fixed candidates and expected counts) and the loss values and their gradients with
respect to weights, biases and inputs are compared. A word2vec-style training step (embedding
variable + nce_loss + GradientDescent, 3 steps) must leave TF's variable values.
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

NUM_CLASSES, DIM, BATCH = 12, 4, 3


def _data(num_true, sampled):
    rng = np.random.RandomState(1)
    labels = rng.randint(0, NUM_CLASSES, size=(BATCH, num_true)).astype(np.int64)
    sampled = np.asarray(sampled, np.int64)
    true_count = rng.uniform(0.1, 0.9, size=(BATCH, num_true)).astype(np.float32)
    sampled_count = rng.uniform(0.1, 0.9, size=sampled.shape).astype(np.float32)
    weights = rng.randn(NUM_CLASSES, DIM).astype(np.float32)
    biases = rng.randn(NUM_CLASSES).astype(np.float32)
    inputs = rng.randn(BATCH, DIM).astype(np.float32)
    return labels, (sampled, true_count, sampled_count), weights, biases, inputs


def _loss(tf, which, num_true, sampled, remove_hits, shards, strategy):
    labels, values, w, b, x = _data(num_true, sampled)
    graph = tf.Graph()
    with graph.as_default():
        if shards == 1:
            weights = tf.get_variable("w", initializer=w)
            biases = tf.get_variable("b", initializer=b)
            w_vars = [weights]
        else:
            weights = tf.get_variable("w", [NUM_CLASSES, DIM],
                                      partitioner=tf.fixed_size_partitioner(shards))
            biases = tf.get_variable("b", initializer=b)
            w_vars = list(weights)
        inputs = tf.constant(x)
        sampled_values = tuple(tf.constant(v) for v in values)
        fn = tf.nn.nce_loss if which == "nce" else tf.nn.sampled_softmax_loss
        loss = fn(weights, biases, tf.constant(labels), inputs, len(sampled), NUM_CLASSES,
                  num_true=num_true, sampled_values=sampled_values,
                  remove_accidental_hits=remove_hits, partition_strategy=strategy)
        grads = [tf.convert_to_tensor(g) for g in
                 tf.gradients(tf.reduce_sum(loss * np.arange(1, BATCH + 1, dtype=np.float32)),
                              w_vars + [biases, inputs])]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if shards > 1:  # the same full matrix, split by the partitioner in both
                offset = 0
                for v in w_vars:
                    n = v.shape.as_list()[0]
                    v.load(w[offset:offset + n], sess)
                    offset += n
            out, grad_vals = sess.run([loss, grads])
    return loss.name, loss.shape.as_list(), out, grad_vals


CASES = [
    ("nce", 1, [0, 5, 7, 11], False, 1, "mod"),
    ("nce", 2, [2, 3, 9], True, 1, "mod"),
    ("nce", 1, [4, 4, 1, 6], True, 3, "div"),
    ("softmax", 1, [0, 5, 7, 11], True, 1, "mod"),
    ("softmax", 2, [3, 1, 3, 10, 8], True, 1, "mod"),  # a class sampled twice, accidental hits
    ("softmax", 3, [2, 6, 9], False, 3, "mod"),
    ("softmax", 1, [1, 2, 3, 4, 5, 6], True, 2, "div"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-t{c[1]}-h{c[3]}-s{c[4]}{c[5]}"
                                             for c in CASES])
def test_sampled_losses_match_tf(case):
    which, num_true, sampled, hits, shards, strategy = case
    # every label of the data appears among these candidates somewhere: accidental hits happen
    ref = _loss(tf1, which, num_true, sampled, hits, shards, strategy)
    ours = _loss(tfj, which, num_true, sampled, hits, shards, strategy)
    if which == "nce":
        assert ours[0] == ref[0]  # "Reshape:0", _sum_rows outside the nce_loss scope
    assert ours[1] == ref[1]
    np.testing.assert_allclose(ours[2], ref[2], rtol=1e-5, atol=1e-5)
    for g_ours, g_ref in zip(ours[3], ref[3]):
        np.testing.assert_allclose(g_ours, g_ref, rtol=1e-5, atol=1e-5)


def test_accidental_hits_happen_in_the_cases():
    labels, (sampled, _, _), *_ = _data(2, [3, 1, 3, 10, 8])
    assert np.isin(sampled, labels).any()


def _word2vec(tf, copy_from=None):
    vocab, dim, batch, ns = 20, 5, 4, 6
    rng = np.random.RandomState(3)
    centers = rng.randint(0, vocab, size=(3, batch))
    contexts = rng.randint(0, vocab, size=(3, batch, 1))
    samples = [np.sort(rng.choice(vocab, ns, replace=False)) for _ in range(3)]
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)
        emb = tf.get_variable("embeddings", initializer=tf.random_uniform([vocab, dim], -1.0, 1.0))
        nce_w = tf.get_variable("nce_weights", initializer=tf.truncated_normal(
            [vocab, dim], stddev=1.0 / np.sqrt(dim)))
        nce_b = tf.get_variable("nce_biases", initializer=tf.zeros([vocab]))
        train_inputs = tf.placeholder(tf.int32, [batch])
        train_labels = tf.placeholder(tf.int64, [batch, 1])
        cand = tf.placeholder(tf.int64, [ns])
        true_q = tf.placeholder(tf.float32, [batch, 1])
        samp_q = tf.placeholder(tf.float32, [ns])
        embed = tf.nn.embedding_lookup(emb, train_inputs)
        loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, train_labels, embed, ns, vocab,
                                             sampled_values=(cand, true_q, samp_q)))
        train = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            variables = tf.global_variables()
            if copy_from is not None:
                for v in variables:
                    v.load(copy_from[v.op.name], sess)
            start = {v.op.name: sess.run(v) for v in variables}
            losses = []
            for step in range(3):
                q_true = (0.05 + 0.01 * contexts[step]).astype(np.float32)
                q_samp = (0.05 + 0.01 * samples[step]).astype(np.float32)
                _, value = sess.run([train, loss], {
                    train_inputs: centers[step], train_labels: contexts[step],
                    cand: samples[step], true_q: q_true, samp_q: q_samp})
                losses.append(value)
            end = {v.op.name: sess.run(v) for v in variables}
    return start, losses, end


def test_word2vec_training_steps_match_tf():
    ref_start, ref_losses, ref_end = _word2vec(tf1)
    _, losses, end = _word2vec(tfj, copy_from=ref_start)
    assert sorted(end) == sorted(ref_end) == ["embeddings", "nce_biases", "nce_weights"]
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    for name in ref_end:
        np.testing.assert_allclose(end[name], ref_end[name], rtol=1e-5, atol=1e-6)
    assert not np.allclose(end["embeddings"], ref_start["embeddings"])  # it did train


# ----- the samplers: expected counts as TF computes them ------------------------------------
def _tf_sample(fn_name, unique, range_max, num_sampled, seed, **kw):
    with tf1.Graph().as_default():
        tc = tf1.constant(np.arange(10).reshape(5, 2) % range_max, tf1.int64)
        out = getattr(tf1.nn, fn_name)(tc, 2, num_sampled, unique, range_max, seed=seed, **kw)
        with tf1.Session() as sess:
            return sess.run(out)


def _our_counts(sampler, values, num_sampled, num_tries, range_max, table=None):
    import jax.numpy as jnp
    from tfvars_jax.framework.precision import with_tf_precision
    from tfvars_jax.ops import candidate_sampling_ops as cs

    @with_tf_precision
    def run():
        p = cs._SAMPLERS[sampler][1](jnp.asarray(values, jnp.int64), range_max, table)
        return np.asarray(cs._expected_count(p, num_sampled, jnp.int64(num_tries)))
    return run()


@pytest.mark.parametrize("fn_name,sampler", [("log_uniform_candidate_sampler", "log_uniform"),
                                             ("uniform_candidate_sampler", "uniform")])
def test_expected_counts_without_rejections_equal_tf(fn_name, sampler):
    """unique=False (no draw rejected): count = p * num_sampled, bit for bit as TF."""
    for seed in range(3):
        samp, true_count, samp_count = _tf_sample(fn_name, False, 40, 16, seed)
        np.testing.assert_array_equal(_our_counts(sampler, samp, 16, 16, 40), samp_count)
        tc = np.arange(10).reshape(5, 2) % 40
        np.testing.assert_array_equal(_our_counts(sampler, tc, 16, 16, 40), true_count)


def test_unigram_expected_counts_equal_tf():
    from tfvars_jax.ops import candidate_sampling_ops as cs
    unigrams = [5.0, 1.0, 3.0, 0.5, 2.0, 7.0, 1.0, 1.5]
    table = cs._unigram_table(unigrams, 0.75, 2, 10)
    samp, true_count, samp_count = _tf_sample("fixed_unigram_candidate_sampler", False, 10, 6, 1,
                                              unigrams=unigrams, distortion=0.75,
                                              num_reserved_ids=2)
    assert not np.isin(samp, [0, 1]).any()  # reserved ids are never drawn
    np.testing.assert_array_equal(_our_counts("unigram", samp, 6, 6, 10, table), samp_count)
    tc = np.arange(10).reshape(5, 2) % 10
    np.testing.assert_array_equal(_our_counts("unigram", tc, 6, 6, 10, table), true_count)


def test_expected_counts_with_rejections_within_one_ulp_of_tf():
    """unique=True: -expm1(num_tries * log1p(-p)) in float32. TF's bits come from the
    platform's log1pf/expm1f (glibc's are not correctly rounded); ours round each step
    correctly, so they agree to one float32 ulp (num_tries is recovered from TF's output)."""
    for seed in range(4):
        samp, _, samp_count = _tf_sample("log_uniform_candidate_sampler", True, 50, 20, seed)
        tries = min(range(20, 5000), key=lambda n: np.abs(
            _our_counts("log_uniform", samp, 20, n, 50) - samp_count).sum())
        ours = _our_counts("log_uniform", samp, 20, tries, 50)
        ulps = np.abs(ours.view(np.int32).astype(np.int64) - samp_count.view(np.int32))
        assert ulps.max() <= 1, (tries, ours, samp_count)
