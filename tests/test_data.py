"""tf.data (issue 13): datasets read on the host, get_next() fed into each run's step."""
import threading
import time

import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.data import iterator_ops


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _drain(sess, t):
    out = []
    while True:
        try:
            out.append(sess.run(t))
        except tf.errors.OutOfRangeError:
            return out


def test_from_tensor_slices_structure_types_shapes_and_end_of_data():
    ds = tf.data.Dataset.from_tensor_slices(({"a": [1, 2, 3]}, np.arange(6.).reshape(3, 2)))
    assert ds.output_types == ({"a": tf.int32}, tf.float64)
    assert ds.output_shapes == ({"a": tf.TensorShape([])}, tf.TensorShape([2]))
    assert ds.output_classes == ({"a": tf.Tensor}, tf.Tensor)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    assert nxt[0]["a"].name == "IteratorGetNext:0" and nxt[1].name == "IteratorGetNext:1"
    with tf.Session() as sess:
        first = sess.run(nxt)
        assert first[0]["a"] == 1 and first[0]["a"].dtype == np.int32
        np.testing.assert_array_equal(first[1], [0., 1.])
        assert [sess.run(nxt)[0]["a"] for _ in range(2)] == [2, 3]
        for _ in range(2):  # stays at the end
            with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
                sess.run(nxt)


def test_a_list_is_one_component_and_a_returned_list_a_tuple():
    ds = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]])
    assert ds.output_shapes == tf.TensorShape([2])
    mapped = ds.map(lambda x: [x[0], tf.cast(x[1], tf.float32)])
    assert mapped.output_types == (tf.int32, tf.float32)


def test_one_advance_per_run_however_many_tensors_are_fetched():
    x = tf.data.Dataset.range(10).make_one_shot_iterator().get_next()
    y = x * 2
    with tf.Session() as sess:
        assert sess.run([x, y, x + 1]) == [0, 0, 1]
        assert sess.run({"a": y, "b": x}) == {"a": 2, "b": 1}
        assert sess.run(y) == 4


def test_two_get_next_ops_in_one_run_advance_twice_in_creation_order():
    it = tf.data.Dataset.range(10).make_one_shot_iterator()
    a, b = it.get_next(), it.get_next()
    with tf.Session() as sess:
        assert sess.run([b, a]) == [1, 0]
        assert sess.run(a) == 2


def test_each_session_reads_from_the_start():
    x = tf.data.Dataset.range(3).make_one_shot_iterator().get_next()
    with tf.Session() as s1, tf.Session() as s2:
        assert [s1.run(x), s1.run(x), s2.run(x)] == [0, 1, 0]


def test_feeding_get_next_does_not_advance():
    x = tf.data.Dataset.range(3).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(x * 10, {x: 7}) == 70
        assert sess.run(x) == 0


def test_training_loop_consumes_one_batch_per_step_and_stops_at_the_end():
    xs = np.arange(12, dtype=np.float32).reshape(6, 2)
    ys = xs.sum(axis=1, keepdims=True)
    x, y = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(4).make_one_shot_iterator() \
        .get_next()
    w = tf.Variable(np.zeros((2, 1), np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        w1 = sess.run(w)
        sess.run(train)
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(train)
        w2 = sess.run(w)
    # The same two steps by hand: batches of 4 then 2.
    ref = np.zeros((2, 1), np.float32)
    for b in (slice(0, 4), slice(4, 6)):
        grad = 2 * xs[b].T @ (xs[b] @ ref - ys[b]) / len(xs[b])
        ref = ref - 0.01 * grad
        if b.start == 0:
            np.testing.assert_allclose(w1, ref, rtol=1e-6)
    np.testing.assert_allclose(w2, ref, rtol=1e-6)


def test_monitored_training_session_stops_cleanly_at_the_end():
    x = tf.data.Dataset.range(5).map(lambda v: tf.cast(v, tf.float32)).make_one_shot_iterator() \
        .get_next()
    total = tf.Variable(0.0, name="total")
    step = tf.train.get_or_create_global_step()
    add = tf.group(total.assign_add(x), tf.assign_add(step, 1))
    seen = 0
    with tf.train.MonitoredTrainingSession() as mon:
        while not mon.should_stop():
            mon.run(add)
            seen += 1
    assert seen == 5


def test_initializable_iterator_with_placeholder_feeds_and_reinitialization():
    data = tf.placeholder(tf.float32, [None])
    size = tf.placeholder(tf.int64, [])
    it = tf.data.Dataset.from_tensor_slices(data).batch(size).make_initializable_iterator()
    nxt = it.get_next()
    assert it.initializer.type == "MakeIterator"
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)
        sess.run(it.initializer, {data: [1, 2, 3], size: 2})
        assert [list(v) for v in _drain(sess, nxt)] == [[1, 2], [3]]
        sess.run(it.initializer, {data: [5, 6, 7, 8], size: 3})
        assert [list(v) for v in _drain(sess, nxt)] == [[5, 6, 7], [8]]
        with pytest.raises(tf.errors.InvalidArgumentError, match="placeholder"):
            sess.run(it.initializer)


def test_one_shot_iterator_rejects_placeholders_and_variables():
    with pytest.raises(ValueError, match="Cannot capture a placeholder"):
        tf.data.Dataset.from_tensor_slices(tf.placeholder(tf.float32, [3])) \
            .make_one_shot_iterator()
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="stateful"):
        tf.data.make_one_shot_iterator(tf.data.Dataset.from_tensor_slices(v))
    one_shot = tf.data.Dataset.range(2).make_one_shot_iterator()
    with pytest.raises(ValueError, match="does not have an initializer"):
        one_shot.initializer


def test_one_shot_iterator_of_a_constant_tensor():
    x = tf.data.Dataset.from_tensor_slices(tf.constant([[1, 2], [3, 4]])).make_one_shot_iterator() \
        .get_next()
    with tf.Session() as sess:
        assert [list(v) for v in _drain(sess, x)] == [[1, 2], [3, 4]]


def test_from_structure_switches_datasets():
    train = tf.data.Dataset.range(3)
    valid = tf.data.Dataset.range(10, 12)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    nxt = it.get_next()
    init_train, init_valid = it.make_initializer(train), it.make_initializer(valid)
    with tf.Session() as sess:
        sess.run(init_train)
        assert sess.run(nxt) == 0
        sess.run(init_valid)
        assert _drain(sess, nxt) == [10, 11]
    with pytest.raises(TypeError, match="output types"):
        it.make_initializer(tf.data.Dataset.from_tensors(1.0))
    with pytest.raises(NotImplementedError, match="shared_name"):
        tf.data.Iterator.from_structure(tf.int64, shared_name="x")


def test_range_zip_take_skip_repeat_concatenate_filter():
    ds = tf.data.Dataset.zip((tf.data.Dataset.range(1, 10, 2), tf.data.Dataset.range(3)))
    x = ds.repeat(2).skip(1).take(4).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert [tuple(int(a) for a in v) for v in _drain(sess, x)] == [(3, 1), (5, 2), (1, 0),
                                                                         (3, 1)]
    even = tf.data.Dataset.range(6).filter(lambda v: tf.equal(v % 2, 0))
    y = even.concatenate(tf.data.Dataset.range(100, 101)).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert _drain(sess, y) == [0, 2, 4, 100]
    with pytest.raises(ValueError, match="scalar boolean"):
        tf.data.Dataset.range(3).filter(lambda v: v)


def test_repeat_forever_of_an_empty_dataset_ends():
    x = tf.data.Dataset.range(0).repeat().make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(x)


def test_batch_drop_remainder_static_shape_and_mismatched_shapes():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((5, 3), np.float32))
    assert ds.batch(2, drop_remainder=True).output_shapes == tf.TensorShape([2, 3])
    assert ds.batch(2).output_shapes.as_list() == [None, 3]
    x = ds.batch(2, drop_remainder=True).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert [v.shape for v in _drain(sess, x)] == [(2, 3), (2, 3)]
    gen = tf.data.Dataset.from_generator(lambda: iter([[1], [2, 3]]), tf.int32,
                                         tf.TensorShape([None]))
    y = gen.batch(2).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"First element had shape \[1\] and element 1 had shape \[2\]"):
            sess.run(y)


def test_from_generator_types_shapes_args_and_errors():
    def gen(n):
        for i in range(int(n)):
            yield i, [float(i)] * 2
    ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32), ([], [2]), args=(3,))
    assert ds.output_shapes == (tf.TensorShape([]), tf.TensorShape([2]))
    x = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        got = _drain(sess, x)
    assert [int(a) for a, _ in got] == [0, 1, 2] and got[2][1].dtype == np.float32
    bad_shape = tf.data.Dataset.from_generator(lambda: iter([[1, 2, 3]]), tf.int32, [2])
    lossy = tf.data.Dataset.from_generator(lambda: iter([1.5]), tf.int32)

    def failing():
        yield 1
        raise ValueError("boom")
    raising = tf.data.Dataset.from_generator(failing, tf.int32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="of shape"):
            sess.run(bad_shape.make_one_shot_iterator().get_next())
        with pytest.raises(tf.errors.InvalidArgumentError, match="could not be converted"):
            sess.run(lossy.make_one_shot_iterator().get_next())
        r = raising.make_one_shot_iterator().get_next()
        assert sess.run(r) == 1
        with pytest.raises(tf.errors.InvalidArgumentError, match="boom"):
            sess.run(r)
    with pytest.raises(TypeError, match="callable"):
        tf.data.Dataset.from_generator([1, 2], tf.int32)


def test_from_generator_is_called_again_on_reinitialization():
    calls = []

    def gen():
        calls.append(1)
        yield from range(2)
    it = tf.data.Dataset.from_generator(gen, tf.int32).make_initializable_iterator()
    x = it.get_next()
    with tf.Session() as sess:
        for _ in range(2):
            sess.run(it.initializer)
            assert _drain(sess, x) == [0, 1]
    assert len(calls) == 2


def test_shuffle_is_a_seeded_permutation_with_buffer_semantics():
    def order(seed, buffer_size, n=50, graph_seed=None):
        with tf.Graph().as_default():
            if graph_seed is not None:
                tf.set_random_seed(graph_seed)
            x = tf.data.Dataset.range(n).shuffle(buffer_size, seed=seed).make_one_shot_iterator() \
                .get_next()
            with tf.Session() as sess:
                return [int(v) for v in _drain(sess, x)]
    a = order(7, 10)
    assert sorted(a) == list(range(50)) and a != list(range(50))
    assert a == order(7, 10)          # same seed, same order (other Session, other graph)
    assert a != order(8, 10)
    assert order(None, 10, graph_seed=3) == order(None, 10, graph_seed=3)
    assert order(None, 1) == list(range(50))  # a buffer of one keeps the order
    for buffer_size in (1, 3, 10):
        out = order(5, buffer_size)
        assert all(v < p + buffer_size for p, v in enumerate(out))


def test_shuffle_reshuffles_each_epoch_and_restarts_on_reinitialization():
    ds = tf.data.Dataset.range(8).shuffle(8, seed=1).repeat(3)
    it = ds.make_initializable_iterator()
    x = it.get_next()
    fixed = tf.data.Dataset.range(8).shuffle(8, seed=1, reshuffle_each_iteration=False).repeat(2)
    y = fixed.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        sess.run(it.initializer)
        first = _drain(sess, x)
        sess.run(it.initializer)
        assert _drain(sess, x) == first
        epochs = [first[i:i + 8] for i in (0, 8, 16)]
        assert all(sorted(e) == list(range(8)) for e in epochs)
        assert epochs[0] != epochs[1] or epochs[1] != epochs[2]
        same = _drain(sess, y)
        assert same[:8] == same[8:]


def test_map_graph_function_is_traced_once():
    traces = []

    def fn(a, b):
        traces.append(1)
        return {"sum": a + b, "a": tf.cast(a, tf.float32) * 0.5}
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [10, 20, 30])).map(fn)
    assert ds.output_types == {"sum": tf.int32, "a": tf.float32}
    x = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        got = _drain(sess, x)
    assert [int(d["sum"]) for d in got] == [11, 22, 33]
    assert [float(d["a"]) for d in got] == [0.5, 1.0, 1.5]
    assert len(traces) == 1
    assert "args_0" not in [op.name for op in tf.get_default_graph().get_operations()]


def test_map_numpy_function_runs_on_the_host():
    def fn(x):
        return np.asarray(np.sin(x), np.float32)  # NumPy only: not traceable
    ds = tf.data.Dataset.from_tensor_slices(np.array([0.0, 1.0], np.float32)).map(fn)
    assert ds.output_types == tf.float32 and ds.output_shapes.ndims == 0
    x = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        np.testing.assert_allclose(_drain(sess, x), np.sin([0.0, 1.0]), rtol=1e-6)


def test_map_rejects_outer_tensors_and_variables():
    c = tf.constant(2)
    with pytest.raises((NotImplementedError, TypeError), match="outer graph|neither"):
        tf.data.Dataset.range(3).map(lambda v: tf.cast(v, tf.int32) + c)
    with pytest.raises(NotImplementedError, match="variables"):
        tf.data.Dataset.range(3).map(lambda v: v + tf.Variable(1, dtype=tf.int64))


def test_map_random_ops_draw_per_element_and_repeat_on_reinitialization():
    tf.set_random_seed(4)
    it = tf.data.Dataset.range(3).map(lambda v: tf.random_uniform([])).make_initializable_iterator()
    x = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer)
        first = _drain(sess, x)
        sess.run(it.initializer)
        assert _drain(sess, x) == first
    assert len(set(first)) == 3


def test_prefetch_runs_ahead_in_a_background_thread():
    produced = []

    def gen():
        for i in range(4):
            produced.append((i, threading.current_thread().name))
            yield i
    x = tf.data.Dataset.from_generator(gen, tf.int32).prefetch(2).make_one_shot_iterator() \
        .get_next()
    with tf.Session() as sess:
        assert sess.run(x) == 0
        deadline = time.time() + 5
        while len(produced) < 3 and time.time() < deadline:
            time.sleep(0.01)
        assert len(produced) >= 3  # ran ahead of the consumer
        assert {name for _, name in produced} == {"tf.data prefetch"}
        assert _drain(sess, x) == [1, 2, 3]


def test_prefetch_passes_errors_through_in_order():
    def gen():
        yield 1
        raise TypeError("bad")
    x = tf.data.Dataset.from_generator(gen, tf.int32).prefetch(4).make_one_shot_iterator() \
        .get_next()
    with tf.Session() as sess:
        assert sess.run(x) == 1
        with pytest.raises(tf.errors.InvalidArgumentError, match="bad"):
            sess.run(x)


def test_prefetch_thread_stops_on_reinitialization():
    it = tf.data.Dataset.range(1000).prefetch(1).make_initializable_iterator()
    x = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer)
        sess.run(x)
        state = iterator_ops._POSITIONS[sess][it]
        sess.run(it.initializer)
        assert sess.run(x) == 0
        assert state._done


def test_make_callable_advances_once_per_call():
    x = tf.data.Dataset.range(4).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        f = sess.make_callable([x, x * 3])
        assert [f(), f()] == [[0, 0], [1, 3]]


def test_strings_flow_through():
    x = tf.data.Dataset.from_tensor_slices(["a", "bc"]).make_one_shot_iterator().get_next()
    assert x.dtype == tf.string
    with tf.Session() as sess:
        assert _drain(sess, x) == [b"a", b"bc"]


def test_functional_make_step_rejects_get_next():
    x = tf.data.Dataset.range(4).make_one_shot_iterator().get_next()
    with pytest.raises(NotImplementedError, match="get_next"):
        tf.functional.make_step([x * 2])


def test_unsupported_names_are_named():
    with pytest.raises(AttributeError, match="Dataset.padded_batch"):
        tf.data.Dataset.range(3).padded_batch
    with pytest.raises(NotImplementedError, match="shared_name"):
        tf.data.Dataset.range(3).make_initializable_iterator(shared_name="s")
    with pytest.raises(NotImplementedError, match="drop_remainder"):
        tf.data.Dataset.range(3).batch(2, drop_remainder=tf.constant(True))
    with pytest.raises(AttributeError, match="tf.data.TFRecordDataset|TFRecordDataset"):
        tf.data.TFRecordDataset
    with pytest.raises(NotImplementedError, match="string_handle"):
        tf.data.Dataset.range(3).make_one_shot_iterator().string_handle()
    assert tf.data.experimental.AUTOTUNE == -1


@pytest.mark.parametrize("name", ["batch", "shuffle_batch", "string_input_producer"])
def test_queue_runners_point_to_tf_data(name):
    with pytest.raises(NotImplementedError, match="tf.data"):
        getattr(tf.train, name)([])


def test_start_queue_runners_returns_no_threads_as_tf1_without_queue_runners():
    with pytest.raises(ValueError, match="No default session"):
        tf.train.start_queue_runners()
    with tf.Session() as sess:
        assert tf.train.start_queue_runners(sess=sess) == []
        coord = tf.train.Coordinator()
        assert tf.train.start_queue_runners(sess, coord) == []
        tf.add_to_collection(tf.GraphKeys.QUEUE_RUNNERS, object())
        with pytest.raises(NotImplementedError, match="tf.data"):
            tf.train.start_queue_runners(sess)
