"""`tf.layers.Layer`: TF 1.15's graph-mode layer base class (`tensorflow/python/layers/base.py`).

A layer owns a variable scope, captured the first time it is needed: `variable_scope(None,
default_name=<snake_case class name>)` for an unnamed layer (so `dense`, `dense_1`, ...), or
`variable_scope(name)` for a named one. Its variables are `tf.get_variable`s made in that scope
(`dense/kernel`), its ops live in the scope's original name scope (`dense/MatMul`, and
`dense/MatMul_1` on a second call), and the first call builds it; later calls reuse its
variables. Weight regularization losses go to REGULARIZATION_LOSSES and the layer's update ops
to UPDATE_OPS when it is called, as TF1.
"""
import re

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops, control_flow_ops, math_ops
from tfvars_jax.variables import cell_reruns
from tfvars_jax.variables import variable_scope as vs
from tfvars_jax.variables.initialization import global_variables, trainable_variables
from tfvars_jax.variables.variable import VariableAggregation, VariableSynchronization

_LAYER_NAME_UIDS = ("__layer_name_uids",)
# Keras layer keyword arguments that tf.layers accepts and we do not implement.
_UNSUPPORTED_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "weights", "dynamic",
                       "input_dim")


def to_snake_case(name):
    """Keras's class-name-to-layer-name rule: `Conv2DTranspose` -> `conv2d_transpose`."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def _unique_layer_name(base_name):
    """Keras's per-graph `unique_object_name`: `dense`, `dense_1`, `dense_2`, ..."""
    store = ops_lib.get_default_graph().get_collection_ref(_LAYER_NAME_UIDS)
    if not store:
        store.append({})
    uids = store[0]

    def fresh():
        uids[base_name] = uids.get(base_name, 0) + 1
        count = uids[base_name]
        return base_name if count == 1 else f"{base_name}_{count - 1}"
    # A re-run notebook cell gets the names its last run got (variables/cell_reruns.py).
    return cell_reruns.replay_name(ops_lib.get_default_graph(), "layer", base_name, fresh)


def unsupported_argument(owner, arg):
    """The NotImplementedError for an argument of a TF1 layer that we do not implement."""
    return NotImplementedError(f"{owner} argument {arg!r} is not supported by tfvars_jax.")


class InputSpec:
    """TF1's `tf.layers.InputSpec`: the rank, dtype and axis sizes a layer accepts."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})

    def __repr__(self):
        spec = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape),
                                        ("ndim", self.ndim), ("max_ndim", self.max_ndim),
                                        ("min_ndim", self.min_ndim),
                                        ("axes", self.axes or None)) if v is not None]
        return f"InputSpec({', '.join(spec)})"


def _check_input(spec, x, layer_name):
    """Keras's `assert_input_compatibility` for one input (ValueError with its message)."""
    if spec is None:
        return
    shape = x.shape
    prefix = f"Input 0 of layer {layer_name} is incompatible with the layer: "
    ndim = shape.ndims
    if spec.ndim is not None and ndim is not None and ndim != spec.ndim:
        raise ValueError(f"{prefix}expected ndim={spec.ndim}, found ndim={ndim}. Full shape "
                         f"received: {shape.as_list()}")
    if spec.max_ndim is not None and ndim is not None and ndim > spec.max_ndim:
        raise ValueError(f"{prefix}expected max_ndim={spec.max_ndim}, found ndim={ndim}")
    if spec.min_ndim is not None and ndim is not None and ndim < spec.min_ndim:
        raise ValueError(f"{prefix}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full "
                         f"shape received: {shape.as_list()}")
    if spec.dtype is not None and x.dtype.base_dtype.name != dtypes.as_dtype(spec.dtype).name:
        raise ValueError(f"{prefix}expected dtype={spec.dtype}, found dtype={x.dtype.name}")
    if spec.axes and ndim is not None:
        for axis, value in spec.axes.items():
            dim = shape[int(axis)].value
            if value is not None and dim not in (value, None):
                raise ValueError(f"{prefix}expected axis {axis} of input shape to have value "
                                 f"{value} but received input with shape {shape.as_list()}")


def smart_cond(pred, true_fn, false_fn, name=None):
    """`true_fn()` or `false_fn()` when `pred` is a Python bool or a tensor known at graph time,
    else `tf.cond(pred, true_fn, false_fn)` (Keras's `tf_utils.smart_cond`)."""
    value = constant_value(pred)
    if value is not None:
        return true_fn() if value else false_fn()
    return control_flow_ops.cond(pred, true_fn, false_fn, name=name)


def constant_value(pred):
    """True/False for a Python bool or a tensor whose value is known at graph time, else None."""
    if isinstance(pred, bool):
        return pred
    if isinstance(pred, int) and pred in (0, 1):
        return bool(pred)
    if isinstance(pred, ops_lib.Tensor):
        if pred._static_value is not None:
            return bool(pred._static_value)
        return None
    raise TypeError(f"`training` must be a bool or a bool Tensor, got {pred!r}")


def _add_elements_to_collection(elements, collection_name):
    collection = ops_lib.get_collection_ref(collection_name)
    present = set(id(e) for e in collection)
    for element in elements:
        if id(element) not in present:
            collection.append(element)
            present.add(id(element))


class Layer:
    """TF1's `tf.layers.Layer` (graph mode).

    Args:
      trainable: whether the layer's weights go to TRAINABLE_VARIABLES.
      name: the layer's name, also its variable scope; unnamed layers get `<class name>`,
        `<class name>_1`, ... (snake case), uniquified by the variable-scope rules.
      dtype: the dtype of the weights; None takes the first input's dtype.
      activity_regularizer: `f(output) -> loss`, divided by the batch size and added to
        REGULARIZATION_LOSSES on each call.
      _scope, _reuse: as TF1's functional layers pass them (`name=`, `reuse=`).

    Raises:
      NotImplementedError: a Keras keyword argument we do not implement (`input_shape`, ...).
      TypeError: an unknown keyword argument.
    """

    _updates_collection = ops_lib.GraphKeys.UPDATE_OPS  # where a call puts the layer's updates

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        self._activity_regularizer = kwargs.pop("activity_regularizer", None)
        kwargs.pop("autocast", None)
        for kwarg in kwargs:
            if kwarg in _UNSUPPORTED_KWARGS:
                raise unsupported_argument(f"tf.layers.{type(self).__name__}", kwarg)
            raise TypeError(f"('Keyword argument not understood:', {kwarg!r})")
        self._trainable = bool(trainable)
        self.built = False
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._losses = []
        self._updates = []  # (op, inputs or None)
        self.input_spec = None
        self._init_set_name(name)
        self._graph = ops_lib.get_default_graph()
        if scope:
            with vs.variable_scope(scope) as captured_scope:
                self._scope = captured_scope
        else:
            self._scope = None
        self._current_scope = None

    # ----- naming -----------------------------------------------------------------------------
    def _init_set_name(self, name):
        base = to_snake_case(type(self).__name__)
        if isinstance(name, vs.VariableScope):
            self._base_name = name.name
            self._name = _unique_layer_name(base)
        elif name:
            self._base_name = name
            self._name = name
        else:
            self._name = _unique_layer_name(base)
            self._base_name = base

    @property
    def name(self):
        return self._name

    @property
    def scope_name(self):
        if not self._scope:
            raise ValueError(f'No name available for layer scope because the layer "{self._name}" has not been '
                             "used yet. The scope name  is determined the first time the layer instance is "
                             "called. You must therefore call the layer before querying `scope_name`.")
        return self._scope.name

    def _set_scope(self, scope=None):
        if self._scope is None:
            if self._reuse:
                with vs.variable_scope(scope if scope is not None else self._base_name) as captured_scope:
                    self._scope = captured_scope
            else:
                with vs.variable_scope(scope, default_name=self._base_name) as captured_scope:
                    self._scope = captured_scope

    def _name_scope(self):
        return self._current_scope.original_name_scope

    # ----- weights ----------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def graph(self):
        return self._graph

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self._trainable else []

    @property
    def non_trainable_weights(self):
        if self._trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer "
                             "isn't built.")
        return int(sum(v.shape.num_elements() for v in self.weights))

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, use_resource=None,
                   synchronization=VariableSynchronization.AUTO,
                   aggregation=VariableAggregation.NONE, partitioner=None, **kwargs):
        """TF1's `Layer.add_weight`: `tf.get_variable(name, ...)` in the layer's scope (reused
        once the layer is built); a regularizer's loss goes to REGULARIZATION_LOSSES unless the
        variable existed already."""
        for kwarg in kwargs:
            if kwarg != "experimental_autocast":
                raise TypeError(f"('Unknown keyword argument:', {kwarg!r})")
        if synchronization == VariableSynchronization.ON_READ:
            if trainable:
                raise ValueError("Synchronization value can be set to "
                                 "VariableSynchronization.ON_READ only for non-trainable "
                                 "variables. You have specified trainable=True and "
                                 "synchronization=VariableSynchronization.ON_READ.")
            trainable = False
        elif trainable is None:
            trainable = True
        existing = set(id(v) for v in global_variables())
        dtype = dtypes.as_dtype(dtype or self._dtype or dtypes.float32)
        self._set_scope(None)
        reuse = self.built or self._reuse
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with ops_lib.name_scope(self._name_scope()):
                if initializer is None:
                    initializer = scope.initializer
                variable = vs.get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                                           trainable=trainable and self._trainable,
                                           constraint=constraint, partitioner=partitioner,
                                           use_resource=use_resource,
                                           synchronization=synchronization, aggregation=aggregation)
                parts = list(variable) if hasattr(variable, "_get_variable_list") else [variable]
                if regularizer and not any(id(p) in existing for p in parts):
                    self._handle_weight_regularization(name, variable, regularizer)
                effective = trainable and self._trainable
                in_trainable = set(id(v) for v in trainable_variables())
                if effective and not all(id(p) in in_trainable for p in parts):
                    effective = False  # a custom getter or scope overrode `trainable`, as TF1 handles it
                (self._trainable_weights if effective else self._non_trainable_weights).extend(parts)
        return variable

    add_variable = add_weight

    def _handle_weight_regularization(self, name, variable, regularizer):
        parts = list(variable) if hasattr(variable, "_get_variable_list") else [variable]
        for part in parts:
            with ops_lib.name_scope(name + "/Regularizer"):
                loss = regularizer(part)
            if loss is not None:
                self.add_loss(loss)

    # ----- losses and updates -----------------------------------------------------------------
    @property
    def losses(self):
        return list(self._losses)

    def add_loss(self, losses, inputs=None):
        """Adds loss tensors to the layer and to REGULARIZATION_LOSSES (TF1's tf.layers rule)."""
        losses = list(losses) if isinstance(losses, (list, tuple)) else [losses]
        new = []
        for loss in losses:
            if callable(loss):
                loss = loss()
            if loss is None:
                continue
            new.append(convert_to_tensor(loss))
        self._losses.extend(new)
        _add_elements_to_collection(new, ops_lib.GraphKeys.REGULARIZATION_LOSSES)

    def get_losses_for(self, inputs):
        return list(self._losses) if inputs is None else []

    @property
    def updates(self):
        return [u for u, _ in self._updates]

    def add_update(self, updates, inputs=None):
        """Records update ops (callables are called); they join UPDATE_OPS when the layer is called."""
        updates = list(updates) if isinstance(updates, (list, tuple)) else [updates]
        for update in updates:
            if callable(update) and not isinstance(update, (ops_lib.Tensor, ops_lib.Operation)):
                update = update()
            if isinstance(update, ops_lib.Tensor):
                update = update.op
            elif hasattr(update, "_as_tensor") and not isinstance(update, ops_lib.Operation):
                update = update.op
            self._updates.append((update, inputs))

    def get_updates_for(self, inputs):
        """The updates made for `inputs` (None: the unconditional ones), as TF1."""
        if inputs is None:
            return [u for u, i in self._updates if i is None]
        inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        ids = set(id(t) for t in inputs)
        return [u for u, i in self._updates if i is not None and
                any(id(t) in ids for t in (i if isinstance(i, (list, tuple)) else [i]))]

    # ----- calling ----------------------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        raise NotImplementedError(f"{type(self).__name__}.compute_output_shape is not implemented.")

    def apply(self, inputs, *args, **kwargs):
        """Same as calling the layer."""
        return self.__call__(inputs, *args, **kwargs)

    def __call__(self, inputs, *args, **kwargs):
        scope = kwargs.pop("scope", None)
        self._set_scope(scope)
        reuse = True if self.built else self._reuse
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with ops_lib.name_scope(self._name_scope()):
                inputs = self._convert_inputs(inputs)
                first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
                if not self.built:
                    _check_input(self.input_spec, first, self._name)
                    if self._dtype is None:
                        self._dtype = first.dtype.base_dtype
                    self.build(first.shape if not isinstance(inputs, (list, tuple)) else [t.shape for t in inputs])
                    self.built = True
                _check_input(self.input_spec, first, self._name)
                outputs = self.call(inputs, *args, **kwargs)
                if self._activity_regularizer is not None:
                    self._handle_activity_regularization(inputs, outputs)
        if self._updates_collection:
            _add_elements_to_collection(self.updates, self._updates_collection)
        return outputs

    @staticmethod
    def _convert_inputs(inputs):
        if isinstance(inputs, (list, tuple)):
            return type(inputs)(convert_to_tensor(t) for t in inputs)
        return convert_to_tensor(inputs)

    def _handle_activity_regularization(self, inputs, outputs):
        outs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        with ops_lib.name_scope("ActivityRegularizer"):
            for output in outs:
                activity_loss = convert_to_tensor(self._activity_regularizer(output))
                batch_size = math_ops.cast(array_ops.shape(output)[0], activity_loss.dtype)
                self.add_loss(math_ops.truediv(activity_loss, batch_size), inputs=inputs)

    @property
    def activity_regularizer(self):
        return self._activity_regularizer


def normalize_tuple(value, n, name):
    """Keras's `conv_utils.normalize_tuple`: an int or an n-sequence of ints -> an n-tuple."""
    if isinstance(value, int):
        return (value,) * n
    try:
        value_tuple = tuple(value)
    except TypeError:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value}") from None
    if len(value_tuple) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value}")
    for v in value_tuple:
        if not isinstance(v, int):
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: "
                             f"{value} including element {v} of type {type(v)}")
    return value_tuple


def normalize_data_format(value):
    data_format = "channels_last" if value is None else value.lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of \"channels_first\", "
                         f"\"channels_last\". Received: {value}")
    return data_format


def normalize_padding(value, allow_causal=False):
    padding = value.lower()
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if padding not in allowed:
        raise ValueError("The `padding` argument must be one of \"valid\", \"same\" (or "
                         f"\"causal\", only for `Conv1D`). Received: {value}")
    return padding


def as_shape(shape):
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)
