"""Differential tests: RNN cells, wrappers and static RNNs on real TensorFlow
(tf.compat.v1.nn.rnn_cell through tf-keras's legacy cells, tf.compat.v1.nn.static_rnn) and on
tfvars_jax.

Each case builds one model in a fresh graph of each library; TF's initialized variable values
are copied into our session by name; then the variable list (names, shapes, dtypes, order,
collections), the outputs and final states, and the gradients of a loss with respect to every
input and trainable variable must agree.
"""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # TF 2.16+: legacy rnn cells need tf-keras
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
pytest.importorskip("tf_keras")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

RTOL, ATOL = 1e-5, 1e-5
T, B, D = 3, 2, 3
SEED = 1


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [y for item in x for y in _flat(item)]
    return [x]


def _structure(x):
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(_structure(i) for i in x))
    return "t"


def _run(tf, build, feed_list, copy_from=None):
    """Builds `build(tf)` in a fresh graph: {"inputs": {key: placeholder}, "outputs": nested
    tensors}, and runs it once per feed dict of `feed_list` (one compiled plan serves all).
    Returns a record of names and values."""
    graph = tf.Graph()
    with graph.as_default():
        if copy_from is None:
            tf.set_random_seed(SEED)  # TF's initial values (copied into ours) are reproducible
        model = build(tf)
        inputs, outputs = model["inputs"], model["outputs"]
        flat = _flat(outputs)
        loss = tf.add_n([tf.reduce_sum(tf.square(o)) * (i + 1) for i, o in enumerate(flat)])
        variables = tf.global_variables()
        trainable = tf.trainable_variables()
        xs = [inputs[k] for k in sorted(inputs) if inputs[k].dtype.is_floating] + trainable
        grads = tf.gradients(loss, xs)
        with tf.Session(graph=graph) as sess:
            if copy_from is None:
                sess.run(tf.global_variables_initializer())
                values = sess.run({v.op.name: v for v in variables})
            else:  # loading every variable initializes it: no initializer run to compile
                values = copy_from["values"]
                for v in variables:
                    v.load(values[v.op.name], sess)
            fetched = [sess.run([flat, [g for g in grads if g is not None]],
                                {inputs[k]: v for k, v in feeds_np.items()})
                       for feeds_np in feed_list]
        return {
            "vars": [(v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name,
                      v in tf.trainable_variables()) for v in variables],
            "values": values,
            "structure": _structure(outputs),
            "shapes": [o.shape.as_list() for o in flat],
            "fetched": fetched,
            "grad_none": [g is None for g in grads],
            "extra": model.get("extra", lambda: None)(),
        }


def _compare(build, feeds):
    """Compares one model on TF and on tfvars_jax; `feeds` is a feed dict or a list of them."""
    feed_list = feeds if isinstance(feeds, list) else [feeds]
    ref = _run(tf1, build, feed_list)
    got = _run(tfj, build, feed_list, copy_from=ref)
    assert got["vars"] == ref["vars"]
    assert got["structure"] == ref["structure"]
    assert got["shapes"] == ref["shapes"]
    assert got["grad_none"] == ref["grad_none"]
    for (outs, grads), (ref_outs, ref_grads) in zip(got["fetched"], ref["fetched"]):
        assert len(outs) == len(ref_outs) and len(grads) == len(ref_grads)
        for a, b in zip(outs + grads, ref_outs + ref_grads):
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    return ref, got


def _feeds(seed=0, batch=B, depth=D, steps=T):
    rng = np.random.RandomState(seed)
    return {f"x{t}": rng.randn(batch, depth).astype(np.float32) for t in range(steps)}


def _inputs(tf, batch=B, depth=D, steps=T):
    return {f"x{t}": tf.placeholder(tf.float32, [batch, depth], name=f"x{t}")
            for t in range(steps)}


def _xs(inputs):
    return [inputs[f"x{t}"] for t in range(len(inputs))]


CELLS = {
    "basic_rnn": lambda tf: tf.nn.rnn_cell.BasicRNNCell(4),
    "basic_rnn_relu": lambda tf: tf.nn.rnn_cell.BasicRNNCell(4, activation=tf.nn.relu),
    "basic_lstm": lambda tf: tf.nn.rnn_cell.BasicLSTMCell(4, forget_bias=0.5),
    "basic_lstm_concat": lambda tf: tf.nn.rnn_cell.BasicLSTMCell(4, state_is_tuple=False),
    "lstm": lambda tf: tf.nn.rnn_cell.LSTMCell(4),
    "lstm_full": lambda tf: tf.nn.rnn_cell.LSTMCell(
        5, use_peepholes=True, cell_clip=0.3, num_proj=3, proj_clip=0.2, forget_bias=0.7,
        initializer=tf.random_uniform_initializer(-1.0, 1.0)),
    "lstm_proj_concat": lambda tf: tf.nn.rnn_cell.LSTMCell(4, num_proj=2, state_is_tuple=False),
    "lstm_shards": lambda tf: tf.nn.rnn_cell.LSTMCell(4, num_proj=3, num_unit_shards=2,
                                                      num_proj_shards=2),
    "gru": lambda tf: tf.nn.rnn_cell.GRUCell(4),
    "gru_init": lambda tf: tf.nn.rnn_cell.GRUCell(
        4, kernel_initializer=tf.ones_initializer(),
        bias_initializer=tf.constant_initializer(0.1), activation="sigmoid"),
    "multi_lstm": lambda tf: tf.nn.rnn_cell.MultiRNNCell(
        [tf.nn.rnn_cell.BasicLSTMCell(4), tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True)]),
    "multi_concat": lambda tf: tf.nn.rnn_cell.MultiRNNCell(
        [tf.nn.rnn_cell.GRUCell(4), tf.nn.rnn_cell.BasicRNNCell(2)], state_is_tuple=False),
    "dropout_const_1": lambda tf: tf.nn.rnn_cell.DropoutWrapper(
        tf.nn.rnn_cell.BasicLSTMCell(4), input_keep_prob=1.0, output_keep_prob=1.0),
    "residual": lambda tf: tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.GRUCell(D)),
    "device": lambda tf: tf.nn.rnn_cell.DeviceWrapper(tf.nn.rnn_cell.BasicLSTMCell(4),
                                                      "/cpu:0"),
    "multi_wrapped": lambda tf: tf.nn.rnn_cell.MultiRNNCell([
        tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.BasicRNNCell(D)),
        tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(4), state_keep_prob=1.0)]),
}


GROUPS = [sorted(CELLS)[i::3] for i in range(3)]  # a few graphs: each compile costs ~1 s


@pytest.mark.parametrize("kinds", GROUPS, ids=lambda kinds: "+".join(kinds))
def test_static_rnn_matches_tf(kinds):
    def build(tf):
        inputs = _inputs(tf)
        results = []
        for kind in kinds:
            results.append(tf.nn.static_rnn(CELLS[kind](tf), _xs(inputs), dtype=tf.float32,
                                            scope=kind))
        return {"inputs": inputs, "outputs": results}
    _compare(build, _feeds())


def test_static_rnn_sequence_length_matches_tf():
    def build(tf):
        inputs = _inputs(tf)
        seq = tf.placeholder(tf.int32, [B], name="seq")
        results = []
        for kind in ["basic_lstm", "lstm_full", "gru", "multi_lstm", "multi_concat",
                     "basic_lstm_concat"]:
            results.append(tf.nn.static_rnn(CELLS[kind](tf), _xs(inputs), dtype=tf.float32,
                                            sequence_length=seq, scope=kind))
        inputs["seq"] = seq
        return {"inputs": inputs, "outputs": results}
    feeds = [dict(_feeds(1), seq=np.array(lengths, np.int32))
             for lengths in ([1, 3], [2, 2], [0, 3], [3, 3], [5, 1])]
    _compare(build, feeds)


def test_static_rnn_initial_state_dynamic_batch_and_constant_lengths():
    def build(tf):
        inputs = {f"x{t}": tf.placeholder(tf.float32, [None, D], name=f"x{t}")
                  for t in range(T)}
        h0 = tf.placeholder(tf.float32, [None, 4], name="h0")
        c0 = tf.placeholder(tf.float32, [None, 4], name="c0")
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        init = tf.nn.rnn_cell.LSTMStateTuple(c0, h0)
        outputs, state = tf.nn.static_rnn(cell, _xs(inputs), initial_state=init,
                                          sequence_length=tf.constant([2, 1, 3], tf.int64))
        inputs.update(h0=h0, c0=c0)
        return {"inputs": inputs, "outputs": [outputs, state]}
    feeds = _feeds(2, batch=3)
    rng = np.random.RandomState(5)
    feeds.update(h0=rng.randn(3, 4).astype(np.float32), c0=rng.randn(3, 4).astype(np.float32))
    _compare(build, feeds)


def test_zero_state_with_dynamic_batch_matches_tf():
    def build(tf):
        inputs = {f"x{t}": tf.placeholder(tf.float32, [None, D], name=f"x{t}")
                  for t in range(T)}
        cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3),
                                            tf.nn.rnn_cell.BasicLSTMCell(2)])
        outputs, state = tf.nn.static_rnn(cell, _xs(inputs), dtype=tf.float32)
        return {"inputs": inputs, "outputs": [outputs, state]}
    _compare(build, _feeds(3, batch=4))


def test_static_bidirectional_rnn_matches_tf():
    def build(tf):
        inputs = _inputs(tf)
        seq = tf.placeholder(tf.int32, [B], name="seq")
        results = []
        for lengths in (None, seq):
            results.append(tf.nn.static_bidirectional_rnn(
                tf.nn.rnn_cell.BasicLSTMCell(4), tf.nn.rnn_cell.LSTMCell(3, num_proj=2),
                _xs(inputs), dtype=tf.float32, sequence_length=lengths,
                scope=None if lengths is None else "lstm_birnn"))
            results.append(tf.nn.static_bidirectional_rnn(
                tf.nn.rnn_cell.GRUCell(4), tf.nn.rnn_cell.BasicRNNCell(2), _xs(inputs),
                dtype=tf.float32, sequence_length=lengths, scope=f"gru_birnn_{len(results)}"))
        inputs["seq"] = seq
        return {"inputs": inputs, "outputs": results}
    _compare(build, [dict(_feeds(4), seq=np.array(lengths, np.int32))
                     for lengths in ([2, 3], [0, 1], [3, 3])])


def test_direct_cell_calls_share_variables_as_tf():
    def build(tf):
        inputs = _inputs(tf)
        x0, x1, x2 = _xs(inputs)
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        state = cell.zero_state(B, tf.float32)
        o1, state = cell(x0, state)
        o2, state = cell(x1, state)
        gru = tf.nn.rnn_cell.GRUCell(2)
        o3, s3 = gru(x2, tf.zeros([B, 2]), scope="my_gru")
        with tf.variable_scope("outer"):
            multi = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicRNNCell(2)])
            o4, s4 = multi(x0, multi.zero_state(B, tf.float32))
        extra = lambda: ([v.op.name for v in cell.trainable_weights],  # noqa: E731
                         [v.op.name for v in multi.trainable_weights],
                         [v.op.name for v in gru.variables])
        return {"inputs": inputs, "outputs": [o1, o2, state, o3, s3, o4, s4], "extra": extra}
    ref, got = _compare(build, _feeds(6))
    assert got["extra"] == ref["extra"]


def test_dropout_wrapper_with_keep_prob_tensors_matches_tf_when_fed_one():
    def build(tf):
        inputs = _inputs(tf)
        keep = tf.placeholder_with_default(1.0, [], name="keep")
        cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(4),
                                             input_keep_prob=keep, output_keep_prob=keep,
                                             state_keep_prob=keep, seed=3)
        outputs, state = tf.nn.static_rnn(cell, _xs(inputs), dtype=tf.float32)
        return {"inputs": inputs, "outputs": [outputs, state]}
    _compare(build, _feeds(7))


def test_two_layer_lstm_gradient_descent_matches_tf():
    def train(tf, copy_from=None):
        graph = tf.Graph()
        with graph.as_default():
            inputs = _inputs(tf)
            target = tf.placeholder(tf.float32, [B, 3], name="target")
            cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(5),
                                                tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True)])
            outputs, _ = tf.nn.static_rnn(cell, _xs(inputs), dtype=tf.float32)
            loss = tf.reduce_mean(tf.square(outputs[-1] - target)) + \
                tf.reduce_mean(tf.square(outputs[0]))
            step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
            with tf.Session(graph=graph) as sess:
                sess.run(tf.global_variables_initializer())
                if copy_from is not None:
                    for v in tf.global_variables():
                        v.load(copy_from[v.op.name], sess)
                start = {v.op.name: sess.run(v) for v in tf.global_variables()}
                feed = {inputs[k]: v for k, v in _feeds(8).items()}
                feed[target] = np.random.RandomState(9).randn(B, 3).astype(np.float32)
                for _ in range(3):
                    sess.run(step, feed)
                return start, {v.op.name: sess.run(v) for v in tf.global_variables()}
    start, ref = train(tf1)
    _, got = train(tfj, copy_from=start)
    assert sorted(got) == sorted(ref)
    assert "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel" in ref
    for name in ref:
        assert not np.allclose(ref[name], start[name]) or name.endswith("bias"), name
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-5, atol=1e-5, err_msg=name)


# ----- dynamic_rnn: one tf.while_loop over time -------------------------------------------------
def _seq_feeds(seed=0, batch=B, steps=4, lengths=None):
    rng = np.random.RandomState(seed)
    feeds = {"x": rng.randn(batch, steps, D).astype(np.float32)}
    if lengths is not None:
        feeds["seq"] = np.asarray(lengths, np.int32)
    return feeds


@pytest.mark.parametrize("kinds", [["basic_lstm", "gru", "multi_lstm"],
                                   ["lstm_full", "basic_rnn", "multi_concat"]],
                         ids=lambda kinds: "+".join(kinds))
def test_dynamic_rnn_matches_tf(kinds):
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 4, D], name="x")
        seq = tf.placeholder(tf.int32, [None], name="seq")
        outputs = []
        for k, kind in enumerate(kinds):
            out, state = tf.nn.dynamic_rnn(CELLS[kind](tf), x, dtype=tf.float32,
                                           sequence_length=seq if k % 2 else None,
                                           scope=f"rnn_{kind}")
            outputs.append([out, state])
        return {"inputs": {"x": x, "seq": seq}, "outputs": outputs}
    _compare(build, [_seq_feeds(0, lengths=[4, 2]), _seq_feeds(1, batch=3, lengths=[0, 3, 1])])


def test_time_major_and_bidirectional_dynamic_rnn_match_tf():
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 4, D], name="x")
        seq = tf.placeholder(tf.int32, [None], name="seq")
        tm, tm_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), tf.transpose(x, [1, 0, 2]),
                                         dtype=tf.float32, time_major=True)
        (fw, bw), (sfw, sbw) = tf.nn.bidirectional_dynamic_rnn(
            tf.nn.rnn_cell.BasicLSTMCell(3), tf.nn.rnn_cell.GRUCell(2), x, sequence_length=seq,
            dtype=tf.float32)
        (fw2, bw2), _ = tf.nn.bidirectional_dynamic_rnn(
            tf.nn.rnn_cell.BasicRNNCell(2), tf.nn.rnn_cell.BasicRNNCell(2), x, dtype=tf.float32,
            scope="plain")
        return {"inputs": {"x": x, "seq": seq},
                "outputs": [tm, tm_state, fw, bw, sfw, sbw, fw2, bw2]}
    _compare(build, _seq_feeds(2, batch=3, lengths=[4, 1, 3]))


def test_dynamic_lstm_gradient_descent_matches_tf():
    def train(tf, copy_from=None):
        graph = tf.Graph()
        with graph.as_default():
            x = tf.placeholder(tf.float32, [None, 4, D], name="x")
            cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4),
                                                tf.nn.rnn_cell.BasicLSTMCell(3)])
            out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
            step = tf.train.GradientDescentOptimizer(0.5).minimize(
                tf.reduce_mean(tf.square(out - 0.5)))
            with tf.Session(graph=graph) as sess:
                sess.run(tf.global_variables_initializer())
                if copy_from is not None:
                    for v in tf.global_variables():
                        v.load(copy_from[v.op.name], sess)
                start = {v.op.name: sess.run(v) for v in tf.global_variables()}
                for _ in range(3):
                    sess.run(step, {x: _seq_feeds(3)["x"]})
                return start, {v.op.name: sess.run(v) for v in tf.global_variables()}
    start, ref = train(tf1)
    _, got = train(tfj, copy_from=start)
    assert sorted(got) == sorted(ref)
    assert "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel" in ref
    for name in ref:
        assert not np.allclose(ref[name], start[name]), name
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-5, atol=1e-5, err_msg=name)
