"""RNN cells and static RNNs: the names, shapes, state structures and errors a TF1 user sees."""
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.framework import errors

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def _names(variables=None):
    return [v.op.name for v in (tf.global_variables() if variables is None else variables)]


def test_namespaces_export_the_cells_and_static_rnns():
    for name in ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
                 "MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper",
                 "LSTMStateTuple"]:
        assert getattr(tf.nn.rnn_cell, name) is getattr(tf.contrib.rnn, name)
    assert tf.nn.static_rnn is tf.contrib.rnn.static_rnn
    assert tf.nn.static_bidirectional_rnn is tf.contrib.rnn.static_bidirectional_rnn
    assert callable(tf.nn.dynamic_rnn) and callable(tf.nn.bidirectional_dynamic_rnn)
    for missing in ["raw_rnn",
                    "static_state_saving_rnn"]:
        with pytest.raises(AttributeError, match=f"tfvars_jax.nn.{missing} is not supported"):
            getattr(tf.nn, missing)
    with pytest.raises(AttributeError, match="tfvars_jax.contrib.rnn.LayerNormBasicLSTMCell"):
        tf.contrib.rnn.LayerNormBasicLSTMCell  # noqa: B018


def test_static_rnn_variable_names_and_reuse_across_steps():
    xs = [tf.placeholder(tf.float32, [2, 3]) for _ in range(4)]
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(5),
                                        tf.nn.rnn_cell.GRUCell(2)])
    outputs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
    assert _names() == [
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias"]
    assert [v.shape.as_list() for v in tf.global_variables()] == [
        [8, 20], [20], [7, 4], [4], [7, 2], [2]]
    assert _names(cell.trainable_weights) == _names()
    assert len(outputs) == 4 and outputs[-1].shape.as_list() == [2, 2]
    assert isinstance(state, tuple) and isinstance(state[0], tf.nn.rnn_cell.LSTMStateTuple)
    assert state[0].c.shape.as_list() == [2, 5] and state[1].shape.as_list() == [2, 2]
    assert state[0].dtype == tf.float32


def test_lstm_cell_peepholes_and_projection_names():
    x = tf.placeholder(tf.float32, [None, 3])
    cell = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=2)
    assert cell.state_size == (4, 2) and cell.output_size == 2
    out, state = cell(x, cell.zero_state(tf.shape(x)[0], tf.float32))
    assert _names() == ["lstm_cell/kernel", "lstm_cell/bias", "lstm_cell/w_f_diag",
                        "lstm_cell/w_i_diag", "lstm_cell/w_o_diag", "lstm_cell/projection/kernel"]
    assert tf.global_variables()[0].shape.as_list() == [5, 16]
    assert out.shape.as_list() == [None, 2] and state.c.shape.as_list() == [None, 4]


def test_lstm_cell_shards_make_partitioned_variables():
    x = tf.placeholder(tf.float32, [2, 3])
    cell = tf.nn.rnn_cell.LSTMCell(4, num_proj=3, num_unit_shards=2, num_proj_shards=3)
    cell(x, cell.zero_state(2, tf.float32))
    assert _names() == ["lstm_cell/kernel/part_0", "lstm_cell/kernel/part_1", "lstm_cell/bias",
                        "lstm_cell/projection/kernel/part_0",
                        "lstm_cell/projection/kernel/part_1",
                        "lstm_cell/projection/kernel/part_2"]


def test_calling_a_cell_again_reuses_its_variables_and_scope_names_it():
    x = tf.ones([2, 3])
    cell = tf.nn.rnn_cell.BasicRNNCell(4)
    h = cell.zero_state(2, tf.float32)
    assert h.op.name == "BasicRNNCellZeroState/zeros" and h.shape.as_list() == [2, 4]
    o1, h = cell(x, h)
    o2, h = cell(x, h)
    assert _names() == ["basic_rnn_cell/kernel", "basic_rnn_cell/bias"]
    assert o1.op.name.startswith("basic_rnn_cell/") and o2.op.name.startswith("basic_rnn_cell/")
    gru = tf.nn.rnn_cell.GRUCell(2)
    gru(x, tf.zeros([2, 2]), scope="enc")
    assert _names()[2:] == ["enc/gates/kernel", "enc/gates/bias", "enc/candidate/kernel",
                            "enc/candidate/bias"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(tf.global_variables()[3]), np.ones(4))  # gates bias


def test_two_static_rnns_in_the_default_scope_collide_as_in_tf1():
    xs = [tf.placeholder(tf.float32, [2, 3])]
    tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), xs, dtype=tf.float32)
    with pytest.raises(ValueError, match="rnn/basic_lstm_cell/kernel already exists"):
        tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), xs, dtype=tf.float32)


def test_bidirectional_names():
    xs = [tf.placeholder(tf.float32, [2, 3]) for _ in range(2)]
    outputs, fw, bw = tf.nn.static_bidirectional_rnn(
        tf.nn.rnn_cell.GRUCell(4), tf.nn.rnn_cell.BasicLSTMCell(2), xs, dtype=tf.float32)
    assert _names() == [
        "bidirectional_rnn/fw/gru_cell/gates/kernel", "bidirectional_rnn/fw/gru_cell/gates/bias",
        "bidirectional_rnn/fw/gru_cell/candidate/kernel",
        "bidirectional_rnn/fw/gru_cell/candidate/bias",
        "bidirectional_rnn/bw/basic_lstm_cell/kernel", "bidirectional_rnn/bw/basic_lstm_cell/bias"]
    assert outputs[0].shape.as_list() == [2, 6] and isinstance(bw, tf.nn.rnn_cell.LSTMStateTuple)


def test_sequence_length_zeroes_outputs_and_copies_state_through():
    xs = [tf.constant(np.full([2, 1], t + 1.0, np.float32)) for t in range(3)]
    cell = tf.nn.rnn_cell.BasicRNNCell(1, activation=lambda v: v)
    outputs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float32, sequence_length=[1, 3])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(tf.global_variables()[0], [[1.0], [1.0]]))  # h' = x + h
        outs, final = sess.run([outputs, state])
    np.testing.assert_allclose(np.concatenate(outs, 1), [[1, 0, 0], [1, 3, 6]])
    np.testing.assert_allclose(final, [[1], [6]])


def test_dropout_wrapper_keeps_lstm_memory_and_scales_kept_values():
    x = tf.ones([200, 4])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(4), input_keep_prob=0.5,
                                         state_keep_prob=0.5, seed=1)
    assert cell.state_size == (4, 4) and cell.wrapped_cell.output_size == 4
    dropped_inputs = cell._dropout(x, "input", cell._input_keep_prob)
    out, state = cell(x, cell.zero_state(200, tf.float32))
    assert _names() == ["basic_lstm_cell/kernel", "basic_lstm_cell/bias"]
    assert _names(cell.trainable_weights) == _names()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        d, c, h = sess.run([dropped_inputs, state.c, state.h])
    assert set(np.unique(d)) <= {0.0, 2.0} and 0.3 < (d == 0).mean() < 0.7
    # the memory `c` is never dropped (TF1's default filter): zero only in rows whose inputs
    # were all dropped (1 in 16)
    assert (c == 0).mean() < 0.2
    assert 0.3 < (h == 0).mean() < 0.7


def test_constant_keep_prob_of_one_adds_no_dropout_op():
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(2), output_keep_prob=1.0)
    cell(tf.ones([1, 2]), tf.zeros([1, 2]))
    assert not [op for op in tf.get_default_graph().get_operations() if "dropout" in op.name]


def test_residual_and_device_wrappers():
    x = tf.ones([2, 3])
    res = tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.BasicRNNCell(3))
    out, _ = res(x, res.zero_state(2, tf.float32))
    dev = tf.nn.rnn_cell.DeviceWrapper(tf.nn.rnn_cell.GRUCell(2), "/cpu:0")
    out2, _ = dev(x, dev.zero_state(2, tf.float32))
    assert out2.op.device.lower().endswith("cpu:0")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o, cell_out = sess.run([out, res.cell(x, tf.zeros([2, 3]))[0]])
    np.testing.assert_allclose(o, cell_out + 1.0, rtol=1e-6)
    bad = tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.BasicRNNCell(4))
    with pytest.raises(ValueError):
        bad(x, bad.zero_state(2, tf.float32))


def test_reverse_sequence_values_and_run_time_length_check():
    x = tf.constant(np.arange(8, dtype=np.float32).reshape(2, 4))
    lengths = tf.placeholder(tf.int32, [2])
    y = tf.reverse_sequence(x, lengths, seq_axis=1, batch_axis=0)
    assert y.op.type == "ReverseSequence" and y.shape.as_list() == [2, 4]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {lengths: [3, 0]}),
                                      [[2, 1, 0, 3], [4, 5, 6, 7]])
        with pytest.raises(errors.InvalidArgumentError, match="seq_lengths"):
            sess.run(y, {lengths: [5, 1]})


@pytest.mark.parametrize("make, error, match", [
    (lambda: tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(2),
                                           variational_recurrent=True, dtype=tf.float32),
     NotImplementedError, "variational_recurrent"),
    (lambda: tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(2), input_keep_prob=1.5),
     ValueError, "input_keep_prob must be between 0 and 1"),
    (lambda: tf.nn.rnn_cell.MultiRNNCell([]), ValueError, "at least one cell"),
    (lambda: tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(2)],
                                         state_is_tuple=False), ValueError, "state_is_tuple"),
    (lambda: tf.nn.rnn_cell.BasicRNNCell(2, dtype=tf.int32), ValueError, "floating point"),
    (lambda: tf.nn.rnn_cell.GRUCell(2, activation="no_such"), ValueError, "no_such"),
    (lambda: tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2), [tf.ones([1, 2])]), ValueError,
     "dtype must be specified"),
    (lambda: tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2), []), ValueError, "must not be empty"),
    (lambda: tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2), tf.ones([1, 2])), TypeError,
     "must be a sequence"),
    (lambda: tf.nn.static_rnn("cell", [tf.ones([1, 2])]), TypeError, "is not an RNNCell"),
    (lambda: tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2),
                              [tf.placeholder(tf.float32, [1, None])], dtype=tf.float32),
     ValueError, "must be accessible via shape inference"),
    (lambda: tf.nn.rnn_cell.GRUCell(2)(tf.ones([1, 2, 3]), tf.zeros([1, 2])), ValueError,
     "expected ndim=2"),
    (lambda: tf.nn.rnn_cell.GRUCell(2)(tf.ones([1, 2], tf.int32), tf.zeros([1, 2])),
     ValueError, "floating point"),
])
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()
