"""`tf.nn.rnn_cell` (also `tf.contrib.rnn`): TF 1.15's RNN cells and cell wrappers.

A cell is a `tf.layers.Layer`: `cell(inputs, state)` returns `(output, new_state)`. As TF1's
`LayerRNNCell`, the cells with weights (`BasicRNNCell`, `BasicLSTMCell`, `LSTMCell`,
`GRUCell`) make them on their first call, in the layer's variable scope taken inside the
caller's (`rnn/basic_lstm_cell/kernel`, `gru_cell/gates/kernel`), and reuse them on every
later call. `MultiRNNCell` calls its cells in `cell_0`, `cell_1`, ... inside its own scope;
the wrappers (`DropoutWrapper`, `ResidualWrapper`, `DeviceWrapper`) call the wrapped cell
directly, so they add no scope of their own. Ops are ordered and named as TF1 builds them.
"""
import collections
import hashlib

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import constant, convert_to_tensor
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.framework import nest
from tfvars_jax.layers.base import InputSpec, Layer, unsupported_argument
from tfvars_jax.ops import array_ops, math_ops, nn_ops, random_ops
from tfvars_jax.variables import initializers as init_ops
from tfvars_jax.variables import variable_scope as vs
from tfvars_jax.variables.initialization import trainable_variables
from tfvars_jax.variables.partitioned import fixed_size_partitioner

_BIAS_VARIABLE_NAME = "bias"
_WEIGHTS_VARIABLE_NAME = "kernel"

_ACTIVATIONS = {
    "tanh": nn_ops.tanh, "sigmoid": nn_ops.sigmoid, "relu": nn_ops.relu, "relu6": nn_ops.relu6,
    "elu": nn_ops.elu, "selu": nn_ops.selu, "softplus": nn_ops.softplus,
    "softsign": nn_ops.softsign, "linear": lambda x: x,
}


def _get_activation(activation):
    """Keras's `activations.get` for the names we ship: a callable passes through."""
    if callable(activation):
        return activation
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"Unknown activation function: {activation!r} (tfvars_jax knows "
                             f"{sorted(_ACTIVATIONS)}).")
        return _ACTIVATIONS[activation]
    raise TypeError(f"Could not interpret activation function identifier: {activation!r}")


def _check_supported_dtypes(dtype):
    if dtype is None:
        return
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_complex):
        raise ValueError(f"RNN cell only supports floating point inputs, but saw dtype: {dtype}")


def _check_rnn_cell_input_dtypes(inputs):
    for t in nest.flatten(inputs):
        _check_supported_dtypes(convert_to_tensor(t).dtype)


def assert_like_rnncell(cell_name, cell):
    """TF1's check that `cell` looks like an RNNCell (TypeError naming what is missing)."""
    conditions = [hasattr(cell, "output_size"), hasattr(cell, "state_size"),
                  hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
                  callable(cell)]
    errors = ["'output_size' property is missing", "'state_size' property is missing",
              "either 'zero_state' or 'get_initial_state' method is required",
              "is not callable"]
    if not all(conditions):
        missing = [e for e, ok in zip(errors, conditions) if not ok]
        raise TypeError(f"The argument {cell_name!r} ({cell}) is not an RNNCell: "
                        f"{', '.join(missing)}.")


def _state_shape(batch_size, size, static):
    """`[batch_size] + size`: a list with None for what is unknown (static) or an int32 tensor."""
    size_shape = TensorShape(size)
    if static:
        batch = batch_size if isinstance(batch_size, int) else None
        return [batch] + size_shape.as_list()
    if not size_shape.is_fully_defined():
        raise ValueError(f"Prefix or suffix can't be None. Received prefix = {batch_size} and "
                         f"suffix = {size}")
    if isinstance(batch_size, int):
        return [batch_size] + size_shape.as_list()
    batch = convert_to_tensor(batch_size)
    if batch.shape.ndims == 0:
        batch = array_ops.expand_dims(batch, 0)
    return array_ops.concat([batch, constant(size_shape.as_list(), dtype=dtypes.int32)], 0)


def _zero_state_tensors(state_size, batch_size, dtype):
    """Zeros of shape `[batch_size] + s` for each `s` in the structure `state_size`."""
    def zeros(s):
        out = array_ops.zeros(_state_shape(batch_size, s, static=False), dtype=dtype)
        out.set_shape(_state_shape(batch_size, s, static=True))
        return out
    return nest.map_structure(zeros, state_size)


class RNNCell(Layer):
    """TF1's abstract `tf.nn.rnn_cell.RNNCell`: a layer with `state_size`, `output_size`,
    `zero_state(batch_size, dtype)` and `__call__(inputs, state, scope=None) -> (output,
    new_state)`.

    A subclass that makes its variables with `tf.get_variable` inside `call` (the pre-layer
    style) gets them tracked in its weights, as TF1's custom getter tracks them.
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._is_tf_rnn_cell = True

    def __call__(self, inputs, state, scope=None):
        """Runs the cell on `inputs` from `state`: `(output, new_state)`.

        Without `scope`, the cell's scope is taken (once) inside the variable scope of the
        first call; with `scope` (a name or VariableScope), inside that scope.
        """
        if scope is not None:
            with vs.variable_scope(scope, custom_getter=self._rnn_get_variable) as scope:
                return super().__call__(inputs, state, scope=scope)
        cell_scope = getattr(self, "_rnncell_scope", None)
        if cell_scope is None:
            cell_scope = vs.variable_scope(vs.get_variable_scope(),
                                           custom_getter=self._rnn_get_variable)
            self._rnncell_scope = cell_scope
        with cell_scope:
            return super().__call__(inputs, state)

    def _rnn_get_variable(self, getter, *args, **kwargs):
        variable = getter(*args, **kwargs)
        parts = list(variable) if hasattr(variable, "_get_variable_list") else [variable]
        trainable = any(parts[0] is v for v in trainable_variables())
        weights = self._trainable_weights if trainable else self._non_trainable_weights
        if all(variable is not v for v in weights):
            weights.append(variable)
        return variable

    @property
    def state_size(self):
        """The size(s) of the state: an int, a TensorShape, or a (nested) tuple of them."""
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        """The size of the output: an int or a TensorShape."""
        raise NotImplementedError("Abstract method")

    def build(self, _):
        pass  # a plain RNNCell makes its variables in `call`

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """`zero_state` for `inputs`' batch size and dtype, or for `batch_size` and `dtype`."""
        if inputs is not None:
            inputs = convert_to_tensor(inputs, name="inputs")
            if batch_size is not None:
                static = batch_size._static_value if isinstance(batch_size, ops_lib.Tensor) \
                    else batch_size
                if inputs.shape[0].value != static:
                    raise ValueError("batch size from input tensor is different from the input "
                                     f"param. Input tensor batch: {inputs.shape[0].value}, "
                                     f"batch_size: {batch_size}")
            if dtype is not None and inputs.dtype != dtypes.as_dtype(dtype):
                raise ValueError("dtype from input tensor is different from the input param. "
                                 f"Input tensor dtype: {inputs.dtype}, dtype: {dtype}")
            batch_size = inputs.shape[0].value or array_ops.shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError("batch_size and dtype cannot be None while constructing initial "
                             f"state: batch_size={batch_size}, dtype={dtype}")
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """Zero-filled state: `[batch_size, s]` for each size `s` in `state_size`, in the name
        scope `<ClassName>ZeroState`."""
        with ops_lib.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return _zero_state_tensors(self.state_size, batch_size, dtype)


class LayerRNNCell(RNNCell):
    """TF1's `LayerRNNCell`: an RNNCell that makes its variables in `build`, as any layer."""

    def __call__(self, inputs, state, scope=None, *args, **kwargs):
        return Layer.__call__(self, inputs, state, *args, scope=scope, **kwargs)


def _input_depth(cell, input_shape):
    depth = TensorShape(input_shape)[-1].value
    if depth is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: "
                         f"{TensorShape(input_shape)}")
    _check_supported_dtypes(cell.dtype)
    return depth


class BasicRNNCell(LayerRNNCell):
    """TF1's `tf.nn.rnn_cell.BasicRNNCell`: `output = new_state = activation([inputs, state]
    @ kernel + bias)`; variables `<scope>/kernel` [input + units, units], `<scope>/bias`."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._activation = _get_activation(activation) if activation else math_ops.tanh

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        input_depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME,
                                       shape=[input_depth + self._num_units, self._num_units])
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[self._num_units],
                                     initializer=init_ops.zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        _check_rnn_cell_input_dtypes([inputs, state])
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        output = self._activation(gate_inputs)
        return output, output


class GRUCell(LayerRNNCell):
    """TF1's `tf.nn.rnn_cell.GRUCell`: variables `<scope>/gates/kernel` [input + units,
    2 units], `gates/bias` (default initial value 1.0), `candidate/kernel`, `candidate/bias`
    (default 0.0)."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._activation = _get_activation(activation) if activation else math_ops.tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        input_depth = _input_depth(self, inputs_shape)
        n = self._num_units
        self._gate_kernel = self.add_weight(f"gates/{_WEIGHTS_VARIABLE_NAME}",
                                            shape=[input_depth + n, 2 * n],
                                            initializer=self._kernel_initializer)
        self._gate_bias = self.add_weight(
            f"gates/{_BIAS_VARIABLE_NAME}", shape=[2 * n],
            initializer=(self._bias_initializer if self._bias_initializer is not None
                         else init_ops.constant_initializer(1.0, dtype=self.dtype)))
        self._candidate_kernel = self.add_weight(f"candidate/{_WEIGHTS_VARIABLE_NAME}",
                                                 shape=[input_depth + n, n],
                                                 initializer=self._kernel_initializer)
        self._candidate_bias = self.add_weight(
            f"candidate/{_BIAS_VARIABLE_NAME}", shape=[n],
            initializer=(self._bias_initializer if self._bias_initializer is not None
                         else init_ops.zeros_initializer(dtype=self.dtype)))
        self.built = True

    def call(self, inputs, state):
        _check_rnn_cell_input_dtypes([inputs, state])
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._gate_kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._gate_bias)
        value = math_ops.sigmoid(gate_inputs)
        r, u = array_ops.split(value=value, num_or_size_splits=2, axis=1)
        r_state = r * state
        candidate = math_ops.matmul(array_ops.concat([inputs, r_state], 1),
                                    self._candidate_kernel)
        candidate = nn_ops.bias_add(candidate, self._candidate_bias)
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


_LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))


class LSTMStateTuple(_LSTMStateTuple):
    """TF1's `LSTMStateTuple(c, h)`: an LSTM's state (memory `c`, output `h`); `dtype` is
    the dtype both share (TypeError if they differ)."""
    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


class BasicLSTMCell(LayerRNNCell):
    """TF1's `tf.nn.rnn_cell.BasicLSTMCell`: gates i, j, f, o from one matmul of `[inputs,
    h]` with `<scope>/kernel` [input + units, 4 units] plus `<scope>/bias`; `forget_bias` is
    added to f. The state is `LSTMStateTuple(c, h)`, or `[c, h]` concatenated when
    `state_is_tuple=False`."""

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _get_activation(activation) if activation else math_ops.tanh

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        input_depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME,
                                       shape=[input_depth + self._num_units, 4 * self._num_units])
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[4 * self._num_units],
                                     initializer=init_ops.zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        _check_rnn_cell_input_dtypes([inputs, state])
        one = constant(1, dtype=dtypes.int32)
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = array_ops.split(value=state, num_or_size_splits=2, axis=one)
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, h], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        i, j, f, o = array_ops.split(value=gate_inputs, num_or_size_splits=4, axis=one)
        forget_bias_tensor = constant(self._forget_bias, dtype=f.dtype)
        sigmoid, add, multiply = math_ops.sigmoid, math_ops.add, math_ops.multiply
        new_c = add(multiply(c, sigmoid(add(f, forget_bias_tensor))),
                    multiply(sigmoid(i), self._activation(j)))
        new_h = multiply(self._activation(new_c), sigmoid(o))
        if self._state_is_tuple:
            new_state = LSTMStateTuple(new_c, new_h)
        else:
            new_state = array_ops.concat([new_c, new_h], 1)
        return new_h, new_state


class LSTMCell(LayerRNNCell):
    """TF1's `tf.nn.rnn_cell.LSTMCell`: an LSTM with optional peepholes (`w_f_diag`,
    `w_i_diag`, `w_o_diag`), cell clipping, and a projection (`projection/kernel` [units,
    num_proj], optionally clipped). `initializer` initializes the kernel, the peepholes and
    the projection. `num_unit_shards`/`num_proj_shards` split the kernel/projection with a
    fixed-size partitioner, as TF1."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._num_unit_shards = num_unit_shards
        self._num_proj_shards = num_proj_shards
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _get_activation(activation) if activation else math_ops.tanh
        if num_proj:
            self._state_size = (LSTMStateTuple(num_units, num_proj) if state_is_tuple
                                else num_units + num_proj)
            self._output_size = num_proj
        else:
            self._state_size = (LSTMStateTuple(num_units, num_units) if state_is_tuple
                                else 2 * num_units)
            self._output_size = num_units

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def build(self, inputs_shape):
        input_depth = _input_depth(self, inputs_shape)
        h_depth = self._num_units if self._num_proj is None else self._num_proj
        partitioner = (fixed_size_partitioner(self._num_unit_shards)
                       if self._num_unit_shards is not None else None)
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME,
                                       shape=[input_depth + h_depth, 4 * self._num_units],
                                       initializer=self._initializer, partitioner=partitioner)
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[4 * self._num_units],
                                     initializer=init_ops.zeros_initializer(dtype=self.dtype))
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", shape=[self._num_units],
                                             initializer=self._initializer)
            self._w_i_diag = self.add_weight("w_i_diag", shape=[self._num_units],
                                             initializer=self._initializer)
            self._w_o_diag = self.add_weight("w_o_diag", shape=[self._num_units],
                                             initializer=self._initializer)
        if self._num_proj is not None:
            proj_partitioner = (fixed_size_partitioner(self._num_proj_shards)
                                if self._num_proj_shards is not None else None)
            self._proj_kernel = self.add_weight(f"projection/{_WEIGHTS_VARIABLE_NAME}",
                                                shape=[self._num_units, self._num_proj],
                                                initializer=self._initializer,
                                                partitioner=proj_partitioner)
        self.built = True

    def call(self, inputs, state):
        _check_rnn_cell_input_dtypes([inputs, state])
        num_proj = self._num_units if self._num_proj is None else self._num_proj
        sigmoid = math_ops.sigmoid
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = array_ops.slice(state, [0, 0], [-1, self._num_units])
            m_prev = array_ops.slice(state, [0, self._num_units], [-1, num_proj])
        shape = inputs.shape.with_rank(2)
        if shape[1].value is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        lstm_matrix = math_ops.matmul(array_ops.concat([inputs, m_prev], 1), self._kernel)
        lstm_matrix = nn_ops.bias_add(lstm_matrix, self._bias)
        i, j, f, o = array_ops.split(value=lstm_matrix, num_or_size_splits=4, axis=1)
        if self._use_peepholes:
            c = (sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev +
                 sigmoid(i + self._w_i_diag * c_prev) * self._activation(j))
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = math_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = math_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = (LSTMStateTuple(c, m) if self._state_is_tuple
                     else array_ops.concat([c, m], 1))
        return m, new_state


class MultiRNNCell(RNNCell):
    """TF1's `tf.nn.rnn_cell.MultiRNNCell(cells)`: the cells applied in order, cell `i` in the
    variable scope `multi_rnn_cell/cell_<i>`; the state is the tuple of the cells' states (or
    their concatenation when `state_is_tuple=False`)."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_nested(cells):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells}.")
        self._cells = cells
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple:
            if any(nest.is_nested(c.state_size) for c in self._cells):
                raise ValueError("Some cells return tuples of states, but the flag "
                                 "state_is_tuple is not set.  State sizes are: "
                                 f"{[c.state_size for c in self._cells]}")

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        with ops_lib.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return super().zero_state(batch_size, dtype)

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for cell in self._cells if isinstance(cell, Layer)
                for w in cell.trainable_weights]

    @property
    def non_trainable_weights(self):
        weights = [w for cell in self._cells if isinstance(cell, Layer)
                   for w in cell.non_trainable_weights]
        if not self.trainable:
            return [w for cell in self._cells if isinstance(cell, Layer)
                    for w in cell.trainable_weights] + weights
        return weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def call(self, inputs, state):
        cur_state_pos = 0
        cur_inp = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with vs.variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not nest.is_nested(state):
                        raise ValueError(f"Expected state to be a tuple of length "
                                         f"{len(self.state_size)}, but received: {state}")
                    cur_state = state[i]
                else:
                    cur_state = array_ops.slice(state, [0, cur_state_pos],
                                                [-1, cell.state_size])
                    cur_state_pos += cell.state_size
                cur_inp, new_state = cell(cur_inp, cur_state)
                new_states.append(new_state)
        new_states = (tuple(new_states) if self._state_is_tuple
                      else array_ops.concat(new_states, 1))
        return cur_inp, new_states


class _RNNCellWrapper(RNNCell):
    """TF1's `_RNNCellWrapperV1`: calls the wrapped cell's `__call__` directly (no scope of
    its own), with `state_size`, `output_size` and `zero_state` of the wrapped cell."""

    def __init__(self, cell, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assert_like_rnncell("cell", cell)
        self.cell = cell

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        raise NotImplementedError

    def __call__(self, inputs, state, scope=None):
        return self._call_wrapped_cell(inputs, state, cell_call_fn=self.cell.__call__,
                                       scope=scope)

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return self.cell.output_size

    def zero_state(self, batch_size, dtype):
        with ops_lib.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self.cell.zero_state(batch_size, dtype)

    @property
    def trainable_weights(self):
        return self.cell.trainable_weights if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return self.cell.non_trainable_weights
        return self.cell.trainable_weights + self.cell.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights


def _default_dropout_state_filter_visitor(substate):
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


def _enumerated_map_structure_up_to(shallow_structure, map_fn, *args):
    ix = [0]

    def enumerated_fn(*inner_args):
        r = map_fn(ix[0], *inner_args)
        ix[0] += 1
        return r
    return nest.map_structure_up_to(shallow_structure, enumerated_fn, *args)


class DropoutWrapper(_RNNCellWrapper):
    """TF1's `tf.nn.rnn_cell.DropoutWrapper`: `tf.nn.dropout` on the cell's inputs, new state
    (not the `c` of an LSTMStateTuple, unless `dropout_state_filter_visitor` says so) and
    output, with a fresh mask at every step. A keep probability that is the constant 1.0 adds
    no op; a tensor keep probability always adds one. Each dropout's op seed is derived from
    `seed` as TF1 derives it (the masks themselves are drawn by JAX, so they differ from TF's).

    Raises:
      NotImplementedError: `variational_recurrent=True`.
      ValueError: a constant keep probability outside [0, 1].
    """

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        if variational_recurrent:
            raise unsupported_argument("tf.nn.rnn_cell.DropoutWrapper", "variational_recurrent")
        if input_size is not None:  # TF1 uses it only with variational_recurrent
            raise unsupported_argument("tf.nn.rnn_cell.DropoutWrapper", "input_size")
        super().__init__(cell, dtype=dtype, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable")
        self._dropout_state_filter = (dropout_state_filter_visitor or
                                      _default_dropout_state_filter_visitor)
        with ops_lib.name_scope("DropoutWrapperInit"):
            for prob, attr in [(input_keep_prob, "input_keep_prob"),
                               (state_keep_prob, "state_keep_prob"),
                               (output_keep_prob, "output_keep_prob")]:
                tensor_prob = convert_to_tensor(prob)
                const_prob = tensor_prob._static_value
                if const_prob is not None:
                    if const_prob < 0 or const_prob > 1:
                        raise ValueError(f"Parameter {attr} must be between 0 and 1: "
                                         f"{const_prob}")
                    setattr(self, f"_{attr}", float(const_prob))
                else:
                    setattr(self, f"_{attr}", tensor_prob)
        self._variational_recurrent = variational_recurrent
        self._input_size = input_size
        self._seed = seed

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        salt = "%s_%d" % (salt_prefix, index)
        string = (str(self._seed) + salt).encode("utf-8")
        return int(hashlib.md5(string).hexdigest()[:8], 16) & 0x7FFFFFFF

    @property
    def wrapped_cell(self):
        return self.cell

    def build(self, inputs_shape):
        self.cell.build(inputs_shape)
        self.built = True

    def _dropout(self, values, salt_prefix, keep_prob, shallow_filtered_substructure=None):
        if shallow_filtered_substructure is None:
            shallow_filtered_substructure = values

        def dropout(i, do_dropout, v):
            if not isinstance(do_dropout, bool) or do_dropout:
                return random_ops.dropout(v, rate=1. - keep_prob,
                                          seed=self._gen_seed(salt_prefix, i))
            return v
        return _enumerated_map_structure_up_to(shallow_filtered_substructure, dropout,
                                               shallow_filtered_substructure, values)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        def should_dropout(p):
            return (not isinstance(p, float)) or p < 1

        if should_dropout(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._input_keep_prob)
        output, new_state = cell_call_fn(inputs, state, **kwargs)
        if should_dropout(self._state_keep_prob):
            shallow = nest.get_traverse_shallow_structure(self._dropout_state_filter, new_state)
            new_state = self._dropout(new_state, "state", self._state_keep_prob, shallow)
        if should_dropout(self._output_keep_prob):
            output = self._dropout(output, "output", self._output_keep_prob)
        return output, new_state


class ResidualWrapper(_RNNCellWrapper):
    """TF1's `tf.nn.rnn_cell.ResidualWrapper`: the output is `inputs + cell output` (or
    `residual_fn(inputs, outputs)`); the state is the cell's."""

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        outputs, new_state = cell_call_fn(inputs, state, **kwargs)

        def assert_shape_match(inp, out):
            inp.shape.assert_is_compatible_with(out.shape)

        def default_residual_fn(inputs, outputs):
            nest.assert_same_structure(inputs, outputs, check_types=True)
            nest.map_structure(assert_shape_match, inputs, outputs)
            return nest.map_structure(lambda inp, out: inp + out, inputs, outputs)
        res_outputs = (self._residual_fn or default_residual_fn)(inputs, outputs)
        return res_outputs, new_state


class DeviceWrapper(_RNNCellWrapper):
    """TF1's `tf.nn.rnn_cell.DeviceWrapper`: builds the cell's ops (and zero state) under
    `tf.device(device)`. (Devices are recorded as TF1 records them; runs use JAX's default
    device, see ARCHITECTURE.md.)"""

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self._device = device

    def zero_state(self, batch_size, dtype):
        with ops_lib.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            with ops_lib.device(self._device):
                return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        with ops_lib.device(self._device):
            return cell_call_fn(inputs, state, **kwargs)
