"""Dataset.batch's fast path (one fancy-indexing per component for slice datasets and their
shuffle/repeat/take/skip/zip/pure-map chains) gives exactly the batches of the element-by-
element path: the same values, dtypes, shapes and order, and the same shuffle orders."""
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.data import bounded_draws
from tfvars_jax.data import dataset_ops
from tfvars_jax.data import graph_function

N = 23
X = np.arange(N * 3, dtype=np.int32).reshape(N, 3)
Y = (np.arange(N) * 0.5).astype(np.float32)
S = np.array([b"s%d" % i for i in range(N)], dtype=object)


def read_all(dataset, limit=1000):
    out = []
    nxt = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        for _ in range(limit):
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                return out
    raise AssertionError("dataset did not end")


def _flatten(x):
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in _flatten(x[k])]
    if isinstance(x, tuple):
        return [v for e in x for v in _flatten(e)]
    return [x]


def expected_batches(elements, size, drop):
    """The element path's batches: consecutive elements stacked."""
    out = []
    for start in range(0, len(elements), size):
        group = elements[start:start + size]
        if len(group) < size and drop:
            break
        out.append([np.stack(c) for c in zip(*[_flatten(e) for e in group])])
    return out


def assert_same(batches, expected):
    assert len(batches) == len(expected)
    for got, want in zip(batches, expected):
        got = _flatten(got)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            g, w = np.asarray(g), np.asarray(w)
            if w.dtype.kind == "S":  # fetched string elements stacked by the test
                w = w.astype(object)
            assert g.dtype == w.dtype and g.shape == w.shape
            np.testing.assert_array_equal(g, w)


def uses_fast_path(batched):
    return batched._inputs[0]._index_stream(dataset_ops.Context({})) is not None


CHAINS = {
    "slices": lambda: tf.data.Dataset.from_tensor_slices((X, Y)),
    "dict": lambda: tf.data.Dataset.from_tensor_slices({"x": X, "s": S}),
    "shuffle": lambda: tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(5, seed=1),
    "shuffle_big_buffer_repeat": lambda: tf.data.Dataset.from_tensor_slices(X).shuffle(
        100, seed=2).repeat(3),
    "repeat_shuffle": lambda: tf.data.Dataset.from_tensor_slices((X, S)).repeat(2).shuffle(
        4, seed=3),
    "shuffle_once_repeat": lambda: tf.data.Dataset.from_tensor_slices(Y).shuffle(
        7, seed=4, reshuffle_each_iteration=False).repeat(2),
    "map_shuffle": lambda: tf.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda x, y: (tf.cast(x, tf.float32) * 2.5 + y, tf.reduce_sum(x))).shuffle(6, seed=5),
    "zip_skip_take": lambda: tf.data.Dataset.zip((
        tf.data.Dataset.range(100), tf.data.Dataset.from_tensor_slices(X).shuffle(
            3, seed=6))).skip(2).take(17),
    "range": lambda: tf.data.Dataset.range(3, 70, 3),
    "nested_zip_repeat_take": lambda: tf.data.Dataset.zip((
        tf.data.Dataset.range(5), tf.data.Dataset.zip((
            tf.data.Dataset.from_tensor_slices(Y),
            tf.data.Dataset.from_tensor_slices(S))))).repeat().take(13),
    "skip_all": lambda: tf.data.Dataset.from_tensor_slices(X).skip(-1),
    "take_none": lambda: tf.data.Dataset.from_tensor_slices(X).repeat().take(0),
}


@pytest.mark.parametrize("name", sorted(CHAINS))
@pytest.mark.parametrize("size,drop", [(4, False), (4, True), (1, False), (50, False)])
def test_batches_equal_the_element_path(name, size, drop):
    tf.set_random_seed(11)
    elements = read_all(CHAINS[name]())
    batched = CHAINS[name]().batch(size, drop_remainder=drop)
    assert uses_fast_path(batched)
    assert_same(read_all(batched), expected_batches(elements, size, drop))


def test_unseeded_shuffle_same_order_as_element_path_within_one_pass(monkeypatch):
    """With no seed, an order is drawn per initialization; the fast path draws from the same
    generator: fix the salt to compare."""
    monkeypatch.setattr(dataset_ops.os, "urandom", lambda n: b"\x07" * n)
    elements = read_all(tf.data.Dataset.from_tensor_slices(X).shuffle(9).repeat(2))
    batched = tf.data.Dataset.from_tensor_slices(X).shuffle(9).repeat(2).batch(5)
    assert_same(read_all(batched), expected_batches(elements, 5, False))


def test_chains_without_a_fast_path_still_batch_as_before():
    ds = tf.data.Dataset.from_tensor_slices(X).filter(lambda x: x[0] % 2 == 0)
    assert not uses_fast_path(ds.batch(2))
    random_map = tf.data.Dataset.from_tensor_slices(Y).map(
        lambda y: y + tf.random_uniform([], seed=1))
    assert not uses_fast_path(random_map.batch(2))
    numpy_map = tf.data.Dataset.from_tensor_slices(Y).map(lambda y: np.float32(y) * 2)
    assert not uses_fast_path(numpy_map.batch(2))
    assert_same(read_all(ds.batch(2)), expected_batches(read_all(ds), 2, False))


def test_a_pure_map_is_vmapped_after_the_first_batch_checks_it(monkeypatch):
    calls = {"batched": 0, "element": 0}
    real_batched = graph_function.GraphFunction.batched
    real_instance = graph_function.GraphFunction.instance

    def batched(self, flat):
        calls["batched"] += 1
        return real_batched(self, flat)

    def instance(self):
        call = real_instance(self)

        def counted(flat):
            calls["element"] += 1
            return call(flat)
        return counted
    monkeypatch.setattr(graph_function.GraphFunction, "batched", batched)
    monkeypatch.setattr(graph_function.GraphFunction, "instance", instance)
    ds = tf.data.Dataset.from_tensor_slices(X).map(lambda x: tf.cast(x, tf.float32) / 3.0)
    batches = read_all(ds.batch(5))
    # the first batch of 5 elements is computed both ways; the 4 others by vmap only
    assert calls == {"batched": 5, "element": 5}
    monkeypatch.undo()
    assert_same(batches, expected_batches(read_all(ds), 5, False))


def test_a_map_whose_vmap_differs_falls_back_to_elements(monkeypatch):
    monkeypatch.setattr(graph_function.GraphFunction, "batched",
                        lambda self, flat: [np.asarray(v) * 0 for v in flat])
    ds = tf.data.Dataset.from_tensor_slices(X).map(lambda x: x + 1)
    assert_same(read_all(ds.batch(4)), expected_batches(read_all(ds), 4, False))


def test_errors_as_the_element_path():
    a = tf.placeholder(tf.int32, [None])
    b = tf.placeholder(tf.int32, [None])
    it = tf.data.Dataset.from_tensor_slices((a, b)).shuffle(3, seed=1).batch(
        2).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {a: [1, 2, 3], b: [1, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="same size in the 0th"):
            sess.run(nxt)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="step must be a non-zero"):
            sess.run(tf.data.Dataset.range(0, 5, tf.constant(0, tf.int64)).batch(
                2).make_one_shot_iterator().get_next())


def test_bounded_draws_equal_numpy_scalar_draws():
    for seed in range(50):
        a = np.random.Generator(np.random.PCG64([seed]))
        b = np.random.Generator(np.random.PCG64([seed]))
        bounds = np.random.RandomState(seed).randint(1, 5000, size=seed)
        if seed % 5 == 0:
            bounds[::4] = 2 ** 31 + 7  # rejections happen: the scalar fallback
        for _ in range(seed % 2):
            a.integers(3)
            b.integers(3)
        assert np.array_equal(bounded_draws.take(b, bounds),
                              [int(a.integers(int(k))) for k in bounds])
        assert a.bit_generator.state == b.bit_generator.state
