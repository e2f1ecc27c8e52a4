"""`tf.nn.dynamic_rnn` and `tf.nn.bidirectional_dynamic_rnn`: an RNN cell run over time by one
`tf.while_loop`, as TF 1.15 builds it.

The loop (`rnn/while`) has `maximum_iterations` = the number of time steps, so it runs as one
`jax.lax.while_loop` (a `lax.scan` when a gradient replays it) and each time step's output is
stacked by the loop itself (TF1 writes it to a TensorArray). The cell is called inside the
loop body in variable scope `rnn`, so its variables are TF1's (`rnn/basic_lstm_cell/kernel`)
and are created once, outside the loop. With `sequence_length`, rows past their length output
zeros and keep their state (TF1's `_rnn_step` with `skip_conditionals=True`).
"""
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import nest
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.layers.rnn import _infer_state_dtype
from tfvars_jax.layers.rnn_cell import _state_shape, assert_like_rnncell
from tfvars_jax.ops import array_ops, check_ops, math_ops
from tfvars_jax.ops.loop_ops import build_loop
from tfvars_jax.variables import variable_scope as vs


def _transpose_batch_time(x):
    """Swaps the first two axes (batch-major <-> time-major), keeping the static shape."""
    rank = x.shape.ndims
    if rank is not None and rank < 2:
        raise ValueError(f"Expected input tensor {x} to have rank at least 2")
    if rank is None:
        raise NotImplementedError(f"dynamic_rnn: the rank of {x} must be known.")
    out = array_ops.transpose(x, [1, 0] + list(range(2, rank)))
    dims = x.shape.as_list()
    out.set_shape([dims[1], dims[0]] + dims[2:])
    return out


def _batch_size(flat_input):
    """The batch size: a static int when some input knows it, else a scalar tensor."""
    for x in flat_input:
        if x.shape.ndims is None:
            continue
        if x.shape.ndims < 2:
            raise ValueError(f"Input size (depth of inputs) must be accessible via shape "
                             f"inference, but saw value None (input {x}).")
        if x.shape[1].value is not None:
            return x.shape[1].value
    return array_ops.shape(flat_input[0])[1]


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """TF1's `tf.nn.dynamic_rnn`: `cell` applied over the time axis of `inputs`.

    Args:
      cell: an RNNCell.
      inputs: [batch, time, ...] (or [time, batch, ...] with `time_major`), or a nested
        structure of such tensors.
      sequence_length: optional int32/int64 [batch]: past a row's length its outputs are zeros
        and its state is copied through.
      initial_state: the cell's initial state (default: `cell.zero_state`, needing `dtype`).
      parallel_iterations, swap_memory: TF1 scheduling hints; they do not change results.
    Returns:
      (outputs shaped as `inputs` with the cell's output size last, the final state).
    """
    assert_like_rnncell("cell", cell)
    del parallel_iterations, swap_memory
    with vs.variable_scope(scope or "rnn"):
        flat_input = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        if not time_major:
            flat_input = [_transpose_batch_time(x) for x in flat_input]
        if sequence_length is not None:
            sequence_length = convert_to_tensor(sequence_length)
            if sequence_length.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
                raise TypeError(f"sequence_length must be int32 or int64, got "
                                f"{sequence_length.dtype.base_dtype.name}")
            sequence_length = math_ops.cast(sequence_length, dtypes.int32)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError(f"sequence_length must be a vector of length batch_size, but "
                                 f"saw shape: {sequence_length.shape}")
            sequence_length = array_ops.identity(sequence_length, name="sequence_length")
        batch_size = _batch_size(flat_input)
        if initial_state is not None:
            state = initial_state
        else:
            if dtype is None:
                raise ValueError("If there is no initial_state, you must give a dtype.")
            state = cell.zero_state(batch_size, dtype)
        if sequence_length is not None:
            check = check_ops.assert_equal(array_ops.shape(sequence_length),
                                           array_ops.reshape(batch_size, [1]),
                                           message="Expected shape for Tensor sequence_length "
                                                   "is batch_size")
            with ops_lib.get_default_graph().control_dependencies([check]):
                sequence_length = array_ops.identity(sequence_length, name="CheckSeqLen")
        inputs_tm = nest.pack_sequence_as(inputs, flat_input)
        outputs, final_state = _dynamic_rnn_loop(cell, inputs_tm, state, sequence_length,
                                                 _infer_state_dtype(dtype, state), batch_size)
        if not time_major:
            outputs = nest.map_structure(_transpose_batch_time, outputs)
        return outputs, final_state


def _dynamic_rnn_loop(cell, inputs, state, sequence_length, dtype, batch_size):
    flat_input = nest.flatten(inputs)
    steps = flat_input[0].shape[0].value
    for x in flat_input:
        if x.shape[2:].ndims is not None and not TensorShape(x.shape[2:]).is_fully_defined():
            raise ValueError(f"Input size (depth of inputs) must be accessible via shape "
                             f"inference, but saw value None (input {x}).")
    time_steps = steps if steps is not None else array_ops.shape(flat_input[0])[0]
    with ops_lib.name_scope("dynamic_rnn"):
        zero_output = None
        if sequence_length is not None:
            zero_output = nest.map_structure(
                lambda size: array_ops.zeros(_state_shape(batch_size, size, static=False),
                                             dtype), cell.output_size)
        time = convert_to_tensor(0, dtype=dtypes.int32, name="time")

    def body(t, state):
        input_t = nest.pack_sequence_as(inputs, [array_ops.gather(x, t) for x in flat_input])
        for x, x_t in zip(flat_input, nest.flatten(input_t)):
            x_t.set_shape(x.shape[1:])
        output, new_state = cell(input_t, state)
        nest.assert_same_structure(state, new_state, "structures (the state and the cell's "
                                                     "new state)")
        if sequence_length is not None:
            past = t >= sequence_length  # [batch] bool: rows whose sequence has ended

            def keep(old, new):
                if new.shape.ndims == 0:
                    return new
                return array_ops.where(past, old, new)
            output = nest.map_structure(keep, zero_output, output)
            new_state = nest.map_structure(keep, state, new_state)
        return (t + 1, new_state), output

    with ops_lib.name_scope("while"):
        (_, final_state), outputs = build_loop(lambda t, s: t < time_steps, body, (time, state),
                                               maximum_iterations=time_steps)
    for out, size in zip(nest.flatten(outputs), nest.flatten(cell.output_size)):
        out.set_shape([steps, batch_size if isinstance(batch_size, int) else None] +
                      TensorShape(size).as_list())
    return outputs, final_state


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """TF1's `tf.nn.bidirectional_dynamic_rnn`: a forward `dynamic_rnn` (scope
    `bidirectional_rnn/fw`) and one over the reversed sequences (`.../bw`, each row reversed
    within its `sequence_length`), whose outputs are reversed back.

    Returns:
      ((output_fw, output_bw), (output_state_fw, output_state_bw)).
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                              dtype, parallel_iterations, swap_memory,
                                              time_major, scope=fw_scope)
        time_axis, batch_axis = (0, 1) if time_major else (1, 0)

        def reverse(x):
            if sequence_length is None:
                return array_ops.reverse(x, [time_axis])
            return array_ops.reverse_sequence(x, sequence_length, seq_axis=time_axis,
                                              batch_axis=batch_axis)
        with vs.variable_scope("bw") as bw_scope:
            with ops_lib.name_scope("ReverseV2" if sequence_length is None else
                                    "ReverseSequence"):
                inputs_reversed = nest.map_structure(reverse, inputs)
            tmp, state_bw = dynamic_rnn(cell_bw, inputs_reversed, sequence_length,
                                        initial_state_bw, dtype, parallel_iterations,
                                        swap_memory, time_major, scope=bw_scope)
    output_bw = nest.map_structure(reverse, tmp)
    return (output_fw, output_bw), (state_fw, state_bw)
