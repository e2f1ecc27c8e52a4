"""`tf.nn.static_rnn` and `tf.nn.static_bidirectional_rnn` (also in `tf.contrib.rnn`): RNNs
unrolled in Python over a list of time steps, as TF 1.15 builds them.

Each step calls the cell in the variable scope `rnn` (`bidirectional_rnn/fw`, `/bw`), reusing
its variables after the first step. With `sequence_length`, each step is TF1's `_rnn_step`:
`tf.cond`s that, for a batch row past its length, output zeros and copy the state through, so
the final state is each row's state at its last step.
"""
from tfvars_jax.framework import dtypes
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.framework import nest
from tfvars_jax.layers.rnn_cell import _state_shape, assert_like_rnncell
from tfvars_jax.ops import array_ops, control_flow_ops, math_ops
from tfvars_jax.variables import variable_scope as vs


def _infer_state_dtype(explicit_dtype, state):
    if explicit_dtype is not None:
        return explicit_dtype
    if nest.is_nested(state):
        inferred = [element.dtype for element in nest.flatten(state)]
        if not inferred:
            raise ValueError(f"Unable to infer dtype from empty state: {state}.")
        if not all(x == inferred[0] for x in inferred):
            raise ValueError(f"State has tensors of different inferred dtypes. Unable to infer "
                             f"a single representative dtype: {inferred}")
        return inferred[0]
    return state.dtype


def _rnn_step(time, sequence_length, min_sequence_length, max_sequence_length, zero_output,
              state, call_cell):
    """One step of TF1's `_rnn_step` (without `skip_conditionals`): past the longest sequence,
    zeros and the old state; before the shortest, the cell; otherwise the cell's output and
    state for the rows still running, zeros and the old state for the others."""
    flat_state = nest.flatten(state)
    flat_zero_output = nest.flatten(zero_output)
    copy_cond = time >= sequence_length

    def copy_one_through(output, new_output):
        if output.shape.ndims == 0:
            return new_output
        return array_ops.where(copy_cond, output, new_output)

    def copy_some_through(flat_new_output, flat_new_state):
        return ([copy_one_through(z, o) for z, o in zip(flat_zero_output, flat_new_output)] +
                [copy_one_through(s, n) for s, n in zip(flat_state, flat_new_state)])

    def maybe_copy_some_through():
        new_output, new_state = call_cell()
        nest.assert_same_structure(zero_output, new_output, check_types=True)
        nest.assert_same_structure(state, new_state, check_types=True)
        flat_new_state = nest.flatten(new_state)
        flat_new_output = nest.flatten(new_output)
        return control_flow_ops.cond(
            time < min_sequence_length, lambda: flat_new_output + flat_new_state,
            lambda: copy_some_through(flat_new_output, flat_new_state))

    final = control_flow_ops.cond(time >= max_sequence_length,
                                  lambda: flat_zero_output + flat_state, maybe_copy_some_through)
    final = list(final)
    final_output = final[:len(flat_zero_output)]
    final_state = final[len(flat_zero_output):]
    for output, flat_output in zip(final_output, flat_zero_output):
        output.set_shape(flat_output.shape)
    for substate, flat_substate in zip(final_state, flat_state):
        substate.set_shape(flat_substate.shape)
    return (nest.pack_sequence_as(zero_output, final_output),
            nest.pack_sequence_as(state, final_state))


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """TF1's `tf.nn.static_rnn`: `cell` applied to each of the T `inputs` ([batch, depth]
    tensors, or nested tuples of them) in turn, in the variable scope `scope` or `rnn`.

    Returns `(outputs, state)`: the T outputs and the final state. The initial state is
    `initial_state` or the cell's zero state of `dtype`. With `sequence_length` ([batch]
    int32/int64), row `b` at step `t >= sequence_length[b]` outputs zeros and keeps its state.
    We do not set TF1's caching device on the `rnn` scope (it only places variable reads,
    and devices are recorded, not used, here).

    Raises:
      TypeError: `cell` is not an RNNCell or `inputs` not a sequence.
      ValueError: `inputs` is empty, an input's depth is unknown, the batch sizes disagree,
        neither `initial_state` nor `dtype` is given, or `sequence_length` is not a vector.
    """
    assert_like_rnncell("cell", cell)
    if not nest.is_nested(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with vs.variable_scope(scope or "rnn") as varscope:
        first_input = inputs
        while nest.is_nested(first_input):
            first_input = first_input[0]
        first_input = convert_to_tensor(first_input)
        if first_input.shape.ndims != 1:
            fixed_batch_size = _with_rank_at_least_2(first_input)[0]
            for flat_input in nest.flatten(inputs):
                input_shape = _with_rank_at_least_2(convert_to_tensor(flat_input))
                if not fixed_batch_size.is_compatible_with(input_shape[0]):
                    raise ValueError(f"Dimensions {fixed_batch_size} and {input_shape[0]} are "
                                     f"not compatible (batch size of {flat_input.name})")
                fixed_batch_size = fixed_batch_size.merge_with(input_shape[0])
                for i, size in enumerate(input_shape[1:].dims):
                    if size.value is None:
                        raise ValueError(f"Input size (dimension {i} of inputs) must be "
                                         "accessible via shape inference, but saw value None.")
        else:
            fixed_batch_size = first_input.shape[0]
        if fixed_batch_size.value:
            batch_size = fixed_batch_size.value
        else:
            batch_size = array_ops.shape(first_input)[0]
        if initial_state is not None:
            state = initial_state
        else:
            if not dtype:
                raise ValueError("If no initial_state is provided, dtype must be specified")
            if getattr(cell, "get_initial_state", None) is not None:
                state = cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)
            else:
                state = cell.zero_state(batch_size, dtype)

        if sequence_length is not None:
            sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError("sequence_length must be a vector of length batch_size")
            state_dtype = _infer_state_dtype(dtype, state)

            def create_zero_output(output_size):
                output = array_ops.zeros(_state_shape(batch_size, output_size, static=False),
                                         state_dtype)
                output.set_shape(_state_shape(fixed_batch_size.value, output_size,
                                              static=True))
                return output
            output_size = cell.output_size
            zero_output = nest.pack_sequence_as(
                output_size, [create_zero_output(s) for s in nest.flatten(output_size)])
            sequence_length = math_ops.cast(sequence_length, dtypes.int32)
            min_sequence_length = math_ops.reduce_min(sequence_length)
            max_sequence_length = math_ops.reduce_max(sequence_length)

        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()

            def call_cell(input_=input_, state=state):
                return cell(input_, state)
            if sequence_length is not None:
                output, state = _rnn_step(time, sequence_length, min_sequence_length,
                                          max_sequence_length, zero_output, state, call_cell)
            else:
                output, state = call_cell()
            outputs.append(output)
        return outputs, state


def _with_rank_at_least_2(t):
    shape = t.shape
    if shape.ndims is not None and shape.ndims < 2:
        raise ValueError(f"Shape {shape} must have rank at least 2 (input {t.name})")
    return shape if shape.ndims is not None else TensorShape([None, None])


def _reverse_seq(input_seq, lengths):
    """The time steps reversed; with `lengths`, each row only up to its length."""
    if lengths is None:
        return list(reversed(input_seq))
    flat_input_seq = tuple(nest.flatten(input_) for input_ in input_seq)
    flat_results = [[] for _ in range(len(input_seq))]
    for sequence in zip(*flat_input_seq):
        sequence = [convert_to_tensor(s) for s in sequence]
        input_shape = TensorShape(None if sequence[0].shape.ndims is None
                                  else [None] * sequence[0].shape.ndims)
        for input_ in sequence:
            input_shape.assert_is_compatible_with(input_.shape)
            input_.set_shape(input_shape)
        s_joined = array_ops.stack(sequence)
        s_reversed = array_ops.reverse_sequence(s_joined, lengths, 0, 1)
        result = array_ops.unstack(s_reversed)
        for r, flat_result in zip(result, flat_results):
            r.set_shape(input_shape)
            flat_result.append(r)
    return [nest.pack_sequence_as(input_, flat_result)
            for input_, flat_result in zip(input_seq, flat_results)]


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """TF1's `tf.nn.static_bidirectional_rnn`: a forward `static_rnn` (scope
    `bidirectional_rnn/fw`) and one over the reversed inputs (`bidirectional_rnn/bw`; with
    `sequence_length`, each row reversed within its length); the outputs are the forward and
    re-reversed backward outputs concatenated on the last axis.

    Returns `(outputs, output_state_fw, output_state_bw)`.

    Raises:
      TypeError: a cell is not an RNNCell or `inputs` is not a sequence.
      ValueError: `inputs` is empty (and what `static_rnn` raises).
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not nest.is_nested(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                                    sequence_length, scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_seq(inputs, sequence_length)
            tmp, output_state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype,
                                              sequence_length, scope=bw_scope)
    output_bw = _reverse_seq(tmp, sequence_length)
    flat_outputs = tuple(array_ops.concat([fw, bw], 1) for fw, bw in
                         zip(nest.flatten(output_fw), nest.flatten(output_bw)))
    return nest.pack_sequence_as(output_fw, flat_outputs), output_state_fw, output_state_bw



