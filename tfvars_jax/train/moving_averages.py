"""`tf.train.ExponentialMovingAverage`: shadow variables updated by `apply()`, as TF1."""
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor
from tfvars_jax.ops import array_ops, control_flow_ops, math_ops, state_ops
from tfvars_jax.variables import initializers as init_ops, slot_creator, variable_scope


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """variable -= (1 - decay) * (variable - value); returns the new value (no debiasing for
    variables, as TF1 applies it only to the averages of tensors)."""
    with ops_lib.name_scope(name, "AssignMovingAvg", [variable, value, decay]):
        decay = convert_to_tensor(decay, dtype=variable.dtype.base_dtype)
        update_delta = (variable.read_value() - value) * (1.0 - decay)
        return state_ops.assign_sub(variable, update_delta)


def _zero_debias_variables(avg):
    """The `biased` and `local_step` variables of a debiased average, as TF1 makes them:
    `get_variable` inside `variable_scope(<average's name>)`, names uniquified."""
    with ops_lib.get_default_graph().control_dependencies(None), \
            variable_scope.variable_scope(avg.op.name):
        biased = variable_scope.get_variable(
            slot_creator.get_unique_variable_name("biased"), shape=avg.shape,
            dtype=avg.dtype.base_dtype, initializer=init_ops.zeros_initializer(), trainable=False)
        step = variable_scope.get_variable(
            slot_creator.get_unique_variable_name("local_step"), shape=[],
            dtype=avg.dtype.base_dtype, initializer=init_ops.zeros_initializer(), trainable=False)
    return biased, step


class ExponentialMovingAverage:
    """TF1's `tf.train.ExponentialMovingAverage(decay, num_updates=None, zero_debias=False,
    name="ExponentialMovingAverage")`.

    `apply(var_list)` creates a shadow variable `<var>/ExponentialMovingAverage` per variable
    (initialized to the variable's value; zeros, debiased, for tensors) and returns the update op;
    the variables join MOVING_AVERAGE_VARIABLES. With `num_updates`, the decay used is
    min(decay, (1 + num_updates) / (10 + num_updates)). Variables (and a `num_updates` Variable)
    are read when the update runs, so under `control_dependencies([train_op])` the averages see
    the values after the train op, as in TF1.
    """

    def __init__(self, decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        if var_list is None:
            var_list = ops_lib.get_collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES)
        var_list = list(var_list)
        for v in var_list:
            dtype = v.dtype.base_dtype
            if not (dtype.is_floating or dtype.is_complex):
                raise TypeError(f"The variables must be half, float, or double: {v.name}")
            if v in self._averages:
                raise ValueError(f"Moving average already computed for: {v.name}")
        graph = ops_lib.graph_of(var_list)
        with graph.as_default():
            for v in var_list:
                # TF1's slot creator names the shadow `<var>/<name>` inside the caller's
                # variable scope, uniquified (`_1`) and registered in the variable store.
                if hasattr(v, "_variable_op"):
                    avg = slot_creator.create_slot(v, v.initialized_value, self._name)
                    ops_lib.add_to_collection(ops_lib.GraphKeys.MOVING_AVERAGE_VARIABLES, v)
                else:
                    avg = slot_creator.create_slot(
                        v, lambda v=v: array_ops.zeros(v.shape, v.dtype.base_dtype), self._name,
                        colocate_with_primary=False)
                self._averages[v] = avg
            with ops_lib.name_scope(self._name) as scope:
                decay = convert_to_tensor(self._decay, name="decay")
                if self._num_updates is not None:
                    num_updates = self._num_updates
                    if hasattr(num_updates, "_variable_op"):
                        # A fresh read under the caller's control dependencies: in TF1's documented
                        # `with control_dependencies([train_op]): ema.apply(...)` pattern the decay
                        # uses the global step *after* the train op incremented it.
                        num_updates = num_updates.read_value()
                    n = math_ops.cast(convert_to_tensor(num_updates), decay.dtype,
                                      name="num_updates")
                    decay = math_ops.minimum(decay, (1.0 + n) / (10.0 + n))
                updates = [self._update(v, decay) for v in var_list]
                return control_flow_ops.group(*updates, name=scope[:-1] + "/")

    def _update(self, v, decay):
        avg = self._averages[v]
        is_var = hasattr(v, "_variable_op")
        value = v.read_value() if is_var else v
        d = math_ops.cast(decay, avg.dtype.base_dtype)
        if is_var or not self._zero_debias:
            return assign_moving_average(avg, value, d, zero_debias=False)
        biased, step = _zero_debias_variables(avg)
        update_biased = assign_moving_average(biased, value, d)
        update_step = step.assign_add(1.0)
        with ops_lib.get_default_graph().control_dependencies([update_biased, update_step]):
            debiased = biased.read_value() / (1.0 - math_ops.pow(d, math_ops.cast(
                step.read_value(), d.dtype)))
            return state_ops.assign(avg, debiased)

    def average(self, var):
        """The shadow variable of `var` (None if `apply` did not cover it)."""
        return self._averages.get(var)

    def average_name(self, var):
        """The checkpoint name of `var`'s average: `<var op name>/<ema name>`."""
        return f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """{name: variable} restoring averages into the variables (for evaluation), other
        global variables under their own names, as TF1."""
        if moving_avg_variables is None:
            moving_avg_variables = (ops_lib.get_collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES) +
                                    ops_lib.get_collection(ops_lib.GraphKeys.MOVING_AVERAGE_VARIABLES))
        moving = set(moving_avg_variables)
        averages = set(self._averages.values())
        out = {}
        for v in moving:
            out[self.average_name(v)] = v
        for v in ops_lib.get_collection(ops_lib.GraphKeys.GLOBAL_VARIABLES):
            if v not in moving and v not in averages and v.op.name not in out:
                out[v.op.name] = v
        return out
