"""`tf.train.Optimizer` and the TF1 optimizers, as a bridge to optax.

Every optimizer is an optax GradientTransformation (TF1's exact rules are in `tf1_optax.py`;
`OptaxOptimizer` wraps any other). Its state lives in variables: each leaf of the optax state
that mirrors a parameter becomes a slot variable named as TF1 names it (`w/Adam`, `w/Adam_1`),
each other leaf a non-slot variable (`beta1_power`). All are in GLOBAL_VARIABLES, so the global
initializer and checkpoints include them. `apply_gradients` adds one op that reads the
gradients, parameters and state and writes the new parameters and state in one update.
"""
import contextlib
import functools
import inspect

import jax
import jax.numpy as jnp
import numpy as np
import optax

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import eager
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.indexed_slices import IndexedSlices
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.op_kind import OpKind
from tfvars_jax.framework.precision import tf_precision
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import backprop, control_flow_ops, gradients as gradients_lib, state_ops
from tfvars_jax.train import tf1_optax
from tfvars_jax.variables.variable import Variable
from tfvars_jax.variables import slot_creator


# Functions called after an optimizer created state variables in eager mode (an eager
# tf.train.Checkpoint's deferred restorations of slots register here).
STATE_CREATED_HOOKS = []


def _leaf_field(path):
    """The state field (NamedTuple attribute, or path string) and the param key of a leaf path."""
    field, param = None, None
    for entry in path:
        if isinstance(entry, jax.tree_util.GetAttrKey) and field is None:
            field = entry.name
        elif isinstance(entry, jax.tree_util.DictKey) and param is None:
            param = entry.key
    if field is None:
        field = "/".join(str(getattr(e, "key",
                                     getattr(e, "idx", getattr(e, "name", e)))) for e in path
                         if not isinstance(e, jax.tree_util.DictKey) or e.key != param) or "state"
    return field, param


def _apply_kernel(old, *inputs, factory, static_hyper, hyper_names, param_names, leaf_names,
                  treedef, sparse_params, slots_of, rows_only):
    hyper = dict(static_hyper)
    hyper.update(zip(hyper_names, inputs[:len(hyper_names)]))
    grads, touched = {}, {}
    given = iter(inputs[len(hyper_names):])
    for n in param_names:
        if n in sparse_params:  # an IndexedSlices: its rows summed, and which rows it has
            values, indices = next(given), next(given)
            shape = old[n].shape
            indices = jnp.reshape(indices, -1)
            grads[n] = jax.ops.segment_sum(jnp.reshape(values, (-1,) + shape[1:]), indices,
                                           num_segments=shape[0]).astype(old[n].dtype)
            touched[n] = jax.ops.segment_sum(jnp.ones(indices.shape, jnp.int32), indices,
                                             num_segments=shape[0]) > 0  # drops index -1
        else:
            grads[n] = next(given)
    tx = factory(**hyper)
    params = {n: old[n] for n in param_names}
    state = jax.tree_util.tree_unflatten(treedef, [old[n] for n in leaf_names])
    updates, new_state = tx.update(grads, state, params)
    out = dict(optax.apply_updates(params, updates))
    out.update(zip(leaf_names, jax.tree_util.tree_leaves(new_state)))
    if rows_only:  # TF1's sparse kernels: rows without a gradient keep variable and slots
        for n, rows in touched.items():
            mask = jnp.reshape(rows, (-1,) + (1,) * (old[n].ndim - 1))
            for name in (n,) + slots_of.get(n, ()):
                out[name] = jnp.where(mask, out[name], old[name])
    return out


class _ApplyUpdates(OpKind):
    """One optimizer step: `kernel({name: value} of attrs["vars"], *inputs)` returns the new
    values of the parameters and their slots, all written at once."""
    name = "apply_updates"
    differentiable = False

    def var_reads(self, op, resolved=None, fed=frozenset()):
        return op.attrs["vars"]

    def var_writes(self, op):
        return op.attrs["vars"]

    def run(self, op, ctx):
        if context.REPLICA_AXES.current() is not None and \
                not getattr(op, "_synchronous", False):
            raise NotImplementedError(
                f"Optimizer update '{op.name}' runs in a cluster of processes without "
                "tf.train.SyncReplicasOptimizer: TF1's asynchronous parameter-server updates "
                "(each worker applying its own gradients) are not reproduced; tfvars_jax "
                "trains a cluster synchronously. Wrap the optimizer: "
                "tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=<workers>).")
        args = [ctx.env[t] for t in op._inputs]
        ctx.vars.update(op.kernel({n: ctx.vars[n] for n in op.attrs["vars"]}, *args))


APPLY_UPDATES = _ApplyUpdates()

class Optimizer:
    """TF1's `tf.train.Optimizer`: `minimize`, `compute_gradients`, `apply_gradients`,
    `get_slot`, `get_slot_names`, `variables`. Subclasses give `_factory` (a function returning
    an optax transformation) and `_hyper` (its arguments; tensors and callables allowed)."""

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2
    _default_name = None
    # An IndexedSlices gradient (from tf.gather / embedding_lookup) updates only its rows, as
    # TF1's sparse kernels do (`_apply_sparse`): the other rows keep their values and slots.
    # Adam's TF1 sparse path decays every row's moments and moves every row: dense. (Gradient
    # descent moves no row without a gradient, so it skips the masking.)
    _sparse_rows_only = True

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}       # field -> {var op name: slot Variable}
        self._non_slots = {}   # (graph, field) -> Variable
        self._non_slot_names = {}  # (graph, field) -> its dependency name ("beta1_power")
        self._leaf_vars = {}   # id(graph) -> {var op name or None: {leaf path: Variable}}

    def get_name(self):
        return self._name

    # ----- gradients --------------------------------------------------------------------
    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """Adds the gradients of `loss` for the variables; returns (gradient, variable) pairs.

        As TF1's `Optimizer.compute_gradients`: the first half of `minimize`, for changing the
        gradients (clipping, noise) before `apply_gradients`. A variable that `loss` does not
        depend on gets None. A `PartitionedVariable` in `var_list` stands for its parts.
        `gate_gradients` and `colocate_gradients_with_ops` are accepted and have no effect: a run
        computes every gradient in one compiled step.

        Args:
          loss: the Tensor to minimize (in eager mode a function returning it; in graph mode
            a function is called once).
          var_list: the variables to differentiate (default: TRAINABLE_VARIABLES).
          gate_gradients: GATE_NONE, GATE_OP or GATE_GRAPH; no effect.
          aggregation_method: as `tf.gradients`'s.
          colocate_gradients_with_ops: no effect.
          grad_loss: the gradient to start from instead of ones (a Tensor shaped as `loss`).

        Returns:
          A list of (gradient Tensor or None, Variable) pairs, in `var_list` order.

        Raises:
          ValueError: there are no variables to differentiate.

        Examples:
          >>> import tfvars_jax as tf
          >>> with tf.Graph().as_default():
          ...     w = tf.Variable(3.0, name="w")
          ...     b = tf.Variable(0.0, name="b")
          ...     opt = tf.train.GradientDescentOptimizer(0.1)
          ...     grads_and_vars = opt.compute_gradients(tf.square(w))
          ...     print([(v.op.name, g is None) for g, v in grads_and_vars])
          ...     with tf.Session() as sess:
          ...         sess.run(tf.global_variables_initializer())
          ...         print(sess.run(grads_and_vars[0][0]))
          [('w', False), ('b', True)]
          6.0
        """
        if context.executing_eagerly():
            return self._compute_gradients_eagerly(loss, var_list, grad_loss)
        if callable(loss):
            loss = loss()  # as TF1, a loss function is called (in graph mode, once)
        loss = convert_to_tensor(loss)
        if var_list is None:
            var_list = (ops_lib.get_collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES) +
                        ops_lib.get_collection(ops_lib.GraphKeys.TRAINABLE_RESOURCE_VARIABLES))
            captures = getattr(ops_lib.get_default_graph(), "eager_captures", None)
            if captures:  # a function traced by defun: the eager variables it uses
                graph = ops_lib.get_default_graph()
                var_list += [graph.variables_by_name[n] for n in captures
                             if graph.variables_by_name[n].trainable]
        var_list = [p for v in var_list for p in getattr(v, "_get_variable_list",
                                                         lambda v=v: [v])()]
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients_lib.gradients(loss, var_list,
                                        grad_ys=None if grad_loss is None else [grad_loss],
                                        aggregation_method=aggregation_method)
        return list(zip(grads, var_list))

    def _compute_gradients_eagerly(self, loss, var_list, grad_loss):
        """TF1's eager `compute_gradients`: `loss` is a function, run under a GradientTape
        (watching `var_list`, else every trainable variable it reads)."""
        if not callable(loss):
            raise RuntimeError("`loss` passed to Optimizer.compute_gradients should be a "
                               "function when eager execution is enabled.")
        if var_list is not None:
            var_list = [p for v in var_list for p in getattr(v, "_get_variable_list",
                                                             lambda v=v: [v])()]
        with backprop.GradientTape() as tape:
            if var_list is not None:
                tape.watch(var_list)
            loss_value = loss()
        if var_list is None:
            var_list = list(tape.watched_variables())
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = tape.gradient(loss_value, var_list,
                              output_gradients=None if grad_loss is None else [grad_loss])
        return list(zip(grads, var_list))

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Adds an op that takes one optimization step on `loss`, and returns it.

        As TF1's `Optimizer.minimize`: `compute_gradients` then `apply_gradients`. The
        optimizer's state (Adam's moments, Momentum's accumulator) lives in variables it creates
        here, named as TF1 names them (`w/Adam`, `beta1_power`), in GLOBAL_VARIABLES: run
        `tf.global_variables_initializer()` after `minimize`, and checkpoints include them.

        Args:
          loss: the Tensor to minimize.
          global_step: a variable to increment by one after each step, or None.
          var_list: the variables to update (default: TRAINABLE_VARIABLES).
          gate_gradients, aggregation_method, colocate_gradients_with_ops, grad_loss: as in
            `compute_gradients`.
          name: the name of the returned op (default: the optimizer's name).

        Returns:
          An Operation that updates the variables (and `global_step`); running it returns None.

        Raises:
          ValueError: no variable to optimize, or `loss` depends on none of them.
          NotImplementedError: `loss` is a callable.

        Examples:
          >>> import tfvars_jax as tf
          >>> with tf.Graph().as_default():
          ...     w = tf.Variable(1.0, name="w")
          ...     loss = tf.square(w)  # d(loss)/dw = 2w
          ...     train_op = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
          ...     with tf.Session() as sess:
          ...         sess.run(tf.global_variables_initializer())
          ...         for _ in range(2):
          ...             _ = sess.run(train_op)
          ...         print(sess.run(w))
          0.25
        """
        grads_and_vars = self.compute_gradients(loss, var_list=var_list,
                                                gate_gradients=gate_gradients,
                                                aggregation_method=aggregation_method,
                                                grad_loss=grad_loss)
        if not [v for g, v in grads_and_vars if g is not None]:
            raise ValueError("No gradients provided for any variable, check your graph for ops "
                             "that do not support gradients, between variables "
                             f"{[v.name for _, v in grads_and_vars]} and loss {loss}.")
        # In eager mode `loss` is a function and the step runs now (returning None), as TF1.
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    # ----- applying -----------------------------------------------------------------------
    def _hyper(self):
        raise NotImplementedError

    def _factory(self):
        raise NotImplementedError

    def _split_hyper(self):
        """(static Python hyperparameters, {name: Tensor} for tensor/callable ones)."""
        static, dynamic = {}, {}
        for key, value in self._hyper().items():
            if callable(value) and not isinstance(value, ops_lib.Tensor):
                value = value()
            if isinstance(value, ops_lib.Tensor) or hasattr(value, "_as_tensor"):
                dynamic[key] = convert_to_tensor(value)
            else:
                static[key] = value
        return static, dynamic

    def _state_variables(self, graph, var_list, static):
        """Creates (once per variable) the slot and non-slot variables; returns the leaf names in
        the optax state's flattening order and its treedef. For eager variables used in a
        function being traced (`defun`) they are made eagerly (TF's `init_scope`) and used
        there through the function's captures."""
        if not context.executing_eagerly() and any(v._eager_handle is not None
                                                   for v in var_list):
            with ops_lib.init_scope():
                out = self._state_variables(context.EAGER.graph, var_list, static)
            for var in self._leaf_vars[id(context.EAGER.graph)].values():
                var._variable_op  # noqa: B018 - captures it into the function's graph
            return out
        factory = self._factory()
        shapes = tuple((v._variable_op.name,
                        (tuple(v.shape.as_list()), np.dtype(v.dtype.base_dtype.as_numpy_dtype).str))
                       for v in var_list)
        template = {n: jax.ShapeDtypeStruct(s, np.dtype(d)) for n, (s, d) in shapes}
        # The state's structure (not values) is all we need here.
        with tf_precision():
            abstract = jax.eval_shape(lambda: factory(**_placeholder_hyper(static,
                                                                           self._hyper())).init(
                {n: jnp.zeros(t.shape, t.dtype) for n, t in template.items()}))
        paths, treedef = jax.tree_util.tree_flatten_with_path(abstract)
        state_cls = type(abstract)
        store = self._leaf_vars.setdefault(id(graph), {})
        hyper_key = tuple(sorted(_placeholder_hyper(static, self._hyper()).items()))
        by_param = {v._variable_op.name: v for v in var_list}
        leaves = {}
        for path, leaf in paths:
            leaves[_leaf_field(path)] = leaf
        fields = list(dict.fromkeys(field for field, _ in leaves))
        # Create in TF1's order: non-slot variables first, then each variable's slots.
        order = [(f, None) for f in fields if (f, None) in leaves]
        order += [(f, v._variable_op.name) for v in var_list for f in fields
                  if (f, v._variable_op.name) in leaves]
        created = False
        for field, param in order:
            if (field, param) in store:
                continue
            created = True
            leaf = leaves[(field, param)]
            # A slot's initial value is computed from its own parameter alone; a non-slot's
            # from the first parameter (its value does not depend on the parameters).
            template = ((param, dict(shapes)[param]),) if param is not None else shapes[:1]
            init = functools.partial(_state_init_tensor, factory, hyper_key, template, field, param,
                                     leaf)
            if param is not None:
                # TF1's slot creator: `w/Adam`, `w/Adam_1` (a second Adam: `w/Adam_2`, ...),
                # inside the caller's variable scope and registered in its variable store.
                var = slot_creator.create_slot(by_param[param], init, self._name)
                self._slots.setdefault(field, {})[param] = var
            else:
                # A plain variable in the caller's name scope (`outer/beta1_power`), as TF1.
                # Colocated with the first variable by name (TF1's Adam: `beta1_power`).
                names_map = getattr(state_cls, "NON_SLOT_NAMES", {})
                first = min(var_list, key=lambda v: v.name)
                with graph.as_default(), graph.control_dependencies(None), \
                        graph._colocate_with(first.op) if first._eager_handle is None else \
                        contextlib.nullcontext():
                    var = Variable(init, trainable=False,
                                   name=names_map.get(field, f"{self._name}/{field}"),
                                   use_resource=first._is_resource)
                self._non_slots[(id(graph), field)] = var
                # the name tf.train.Checkpoint tracks it by (TF1's `_create_non_slot_variable`)
                self._non_slot_names[(id(graph), field)] = names_map.get(field, field)
            store[(field, param)] = var
        names = [store[_leaf_field(path)]._variable_op.name for path, _ in paths]
        slots_of = {}
        for path, _ in paths:
            field, param = _leaf_field(path)
            if param is not None:
                slots_of.setdefault(param, []).append(store[(field, param)]._variable_op.name)
        if created and context.executing_eagerly():
            for hook in list(STATE_CREATED_HOOKS):
                hook()
        return names, treedef, {p: tuple(n) for p, n in slots_of.items()}

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Adds an op that applies the gradients to their variables, and returns it.

        As TF1's `Optimizer.apply_gradients`: the second half of `minimize`. Pairs whose
        gradient is None are skipped. The update of every variable and of the optimizer's state
        is one op; then each variable's `constraint` is applied, then `global_step` is
        incremented. The first call creates the optimizer's state variables (initialize them
        after it).

        Args:
          grads_and_vars: (gradient, Variable) pairs, as `compute_gradients` returns them;
            a gradient may be a Tensor or a value convertible to one.
          global_step: a variable to increment by one after the update, or None.
          name: the name of the returned op (default: the optimizer's name).

        Returns:
          An Operation that applies the update; running it returns None.

        Raises:
          ValueError: `grads_and_vars` is empty, or every gradient is None.
          TypeError: a second element is not a Variable, or a gradient's dtype is not its
            variable's.

        Examples:
          >>> import tfvars_jax as tf
          >>> with tf.Graph().as_default():
          ...     w = tf.Variable(3.0, name="w")
          ...     step = tf.train.get_or_create_global_step()
          ...     opt = tf.train.GradientDescentOptimizer(0.5)
          ...     grads_and_vars = opt.compute_gradients(tf.square(w))
          ...     clipped = [(tf.clip_by_value(g, -1.0, 1.0), v) for g, v in grads_and_vars]
          ...     train_op = opt.apply_gradients(clipped, global_step=step)
          ...     with tf.Session() as sess:
          ...         sess.run(tf.global_variables_initializer())
          ...         _ = sess.run(train_op)
          ...         print(sess.run(w), sess.run(step))
          2.5 1
        """
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        for g, v in grads_and_vars:
            if not hasattr(v, "_variable_op"):
                raise TypeError(f"Gradient pair ({g}, {v}): the second element must be a "
                                "tf.Variable.")
        pairs = [(g if isinstance(g, IndexedSlices) else convert_to_tensor(g), v)
                 for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable: "
                             f"{[str(v.name) for _, v in grads_and_vars]}.")
        for g, v in pairs:
            if g.dtype.base_dtype != v.dtype.base_dtype:
                raise TypeError(f"Gradient for {v.name} has dtype {g.dtype.name}, the variable "
                                f"{v.dtype.base_dtype.name}.")
        var_list = [v for _, v in pairs]
        eager_mode = context.executing_eagerly()
        graph = ops_lib.get_default_graph() if eager_mode or var_list[0]._eager_handle is not \
            None else var_list[0].graph
        static, dynamic = self._split_hyper()
        leaf_names, treedef, slots_of = self._state_variables(graph, var_list, static)
        param_names = tuple(v._variable_op.name for v in var_list)
        hyper_names = tuple(dynamic)
        if eager_mode:
            return self._apply_eagerly(pairs, static, dynamic, hyper_names, param_names,
                                       tuple(leaf_names), treedef, slots_of, global_step)
        sparse = frozenset(v._variable_op.name for g, v in pairs if isinstance(g, IndexedSlices))
        with graph.as_default(), ops_lib.name_scope(name, self._name) as scope:
            inputs = [dynamic[k] for k in hyper_names]
            for g, _ in pairs:
                inputs += [convert_to_tensor(g.values), convert_to_tensor(g.indices)] \
                    if isinstance(g, IndexedSlices) else [g]
            kernel = functools.partial(_apply_kernel, factory=self._factory(),
                                       static_hyper=tuple(static.items()), hyper_names=hyper_names,
                                       param_names=param_names, leaf_names=tuple(leaf_names),
                                       treedef=treedef, sparse_params=sparse, slots_of=slots_of,
                                       rows_only=self._sparse_rows_only)
            apply_name = "update" if global_step is not None or any(v.constraint for v in var_list) else scope
            # TF1 groups the per-variable updates (each colocated with its variable): on the
            # variables' device when they share one, else on the surrounding device.
            devices = {v.device for v in var_list}
            common = devices.pop() if len(devices) == 1 else ""
            with graph.device(common) if common else contextlib.nullcontext():
                op = make_op("ApplyOptax", kernel, inputs, name=apply_name,
                             kind=APPLY_UPDATES, out_specs=[])
            op.attrs["vars"] = param_names + tuple(leaf_names)
            finals = [op]
            constrained = [v for v in var_list if v.constraint is not None]
            if constrained:
                with graph.control_dependencies([op]):
                    finals = [state_ops.assign(v, v.constraint(v.read_value())).op for v in constrained]
            if global_step is not None:
                # As TF1: the increment (and its constant) is colocated with the global step.
                with graph.control_dependencies(finals), graph._colocate_with(global_step.op):
                    return state_ops.assign_add(global_step, convert_to_tensor(1, dtype=global_step.dtype.base_dtype),
                                                name=scope[:-1] + "/").op
            if finals == [op]:
                return op
            return control_flow_ops.group(*finals, name=scope[:-1] + "/")

    def _apply_eagerly(self, pairs, static, dynamic, hyper_names, param_names, leaf_names,
                       treedef, slots_of, global_step):
        """One optimizer step at once: the parameters' and state's new values from one jitted
        call (cached per optimizer, variable set and which gradients are IndexedSlices),
        written to their handles; then the constraints and the global step's increment, as in
        graph mode. An IndexedSlices gradient updates as TF1's sparse kernels do. Returns None
        (TF's eager `apply_gradients` returns no op)."""
        sparse = frozenset(v._variable_op.name for g, v in pairs if isinstance(g, IndexedSlices))
        kernel = eager.jitted(_apply_kernel, {
            "factory": self._factory(), "static_hyper": tuple(static.items()),
            "hyper_names": hyper_names, "param_names": param_names, "leaf_names": leaf_names,
            "treedef": treedef, "sparse_params": sparse, "slots_of": slots_of,
            "rows_only": self._sparse_rows_only})
        handles = [eager._handles[n] for n in param_names + leaf_names]
        inputs = [dynamic[k]._value for k in hyper_names]
        for g, _ in pairs:
            inputs += [convert_to_tensor(g.values)._value, convert_to_tensor(g.indices)._value] \
                if isinstance(g, IndexedSlices) else [g._value]
        with tf_precision():
            new = kernel({h.name: h.value for h in handles}, *inputs)
        for h in handles:
            h.value = new[h.name]
        for _, v in pairs:
            if v.constraint is not None:
                v.assign(v.constraint(v.read_value()))
        if global_step is not None:
            global_step.assign_add(convert_to_tensor(1, dtype=global_step.dtype.base_dtype))
        return None

    # ----- slots --------------------------------------------------------------------------
    def get_slot_names(self):
        return sorted(self._slots)

    def get_slot(self, var, name):
        """The slot variable `name` (e.g. "m" for Adam) of `var`, or None."""
        return self._slots.get(name, {}).get(var._variable_op.name)

    def _non_slot_dependencies(self, graph):
        """[(name, variable)] of the non-slot variables made in `graph`, in creation order
        (what `tf.train.Checkpoint` tracks an optimizer's `beta1_power` by)."""
        return [(self._non_slot_names[key], var) for key, var in self._non_slots.items()
                if key[0] == id(graph)]

    def variables(self):
        """All slot and non-slot variables this optimizer created, sorted by name as TF1."""
        out = [v for store in self._leaf_vars.values() for v in store.values()]
        return sorted(out, key=lambda v: v.name)


def _state_init_tensor(factory, hyper, template, field, param, leaf):
    """A graph op computing the initial value of one optimizer-state leaf."""
    return make_op("OptimizerStateInit", _leaf_init, [], name="initial_value",
                   attrs={"factory": factory, "hyper": hyper, "shapes": template, "field": field,
                          "param": param, "dtype": np.dtype(leaf.dtype).str},
                   out_specs=[(dtypes.as_dtype(np.dtype(leaf.dtype)),
                               TensorShape(leaf.shape))]).outputs[0]


def _leaf_init(factory, hyper, shapes, field, param, dtype):
    """The initial value of the state leaf (field, param) of `factory(**hyper).init(params)`."""
    params = {n: jnp.zeros(s, np.dtype(d)) for n, (s, d) in shapes}
    for path, value in jax.tree_util.tree_flatten_with_path(factory(**dict(hyper)).init(params))[0]:
        if _leaf_field(path) == (field, param):
            return jnp.asarray(value, np.dtype(dtype))
    raise KeyError(f"optimizer state has no leaf {field!r} for {param!r}")


def _placeholder_hyper(static, hyper):
    """Hyperparameters for building the state structure: tensors replaced by Python floats."""
    out = dict(static)
    for k in hyper:
        if k not in out:
            out[k] = 0.0
    return out


def _tf1(factory, default_name, doc, sparse_rows_only=True):
    """Builds a TF1 optimizer class over a `tf1_optax` factory."""
    sig = inspect.signature(factory)
    hyper_names = list(sig.parameters)

    def __init__(self, *args, use_locking=False, name=default_name, **kwargs):  # noqa: N807 - the class's
        bound = sig.bind_partial(*args[:len(hyper_names)],
                                 **{k: v for k, v in kwargs.items() if k in hyper_names})
        bound.apply_defaults()
        unknown = set(kwargs) - set(hyper_names)
        if unknown:
            raise TypeError(f"{default_name}Optimizer got unexpected arguments {sorted(unknown)}")
        if len(args) > len(hyper_names):
            use_locking = args[len(hyper_names)]
            if len(args) > len(hyper_names) + 1:
                name = args[len(hyper_names) + 1]
        missing = [p for p, v in bound.arguments.items() if v is inspect.Parameter.empty]
        if missing:
            raise TypeError(f"{default_name}Optimizer missing required argument(s) {missing}")
        Optimizer.__init__(self, use_locking, name)
        self._hyper_values = dict(bound.arguments)

    # What `help()` and `inspect.signature` show: the hyperparameters, then use_locking and name,
    # which is how the positional arguments above are read.
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", positional)]
        + [p.replace(kind=positional) for p in sig.parameters.values()]
        + [inspect.Parameter("use_locking", positional, default=False),
           inspect.Parameter("name", positional, default=default_name)])
    cls = type(f"{default_name}Optimizer", (Optimizer,), {
        "__init__": __init__, "__doc__": doc, "_default_name": default_name,
        "_hyper": lambda self: dict(self._hyper_values),
        "_factory": lambda self: factory, "_sparse_rows_only": sparse_rows_only,
    })
    return cls


GradientDescentOptimizer = _tf1(tf1_optax.gradient_descent, "GradientDescent", """Gradient descent.

    TF1's `tf.train.GradientDescentOptimizer`: `var -= learning_rate * grad`, with the learning
    rate cast to each variable's dtype as TF1 does (`tf1_optax.gradient_descent`). It keeps no
    state variables.

    Args:
      learning_rate: a float, a scalar Tensor, or a callable returning one.
      use_locking: accepted; no effect (runs are serialised).
      name: the name of the update ops (default "GradientDescent").

    Raises:
      TypeError: a missing or unknown argument.

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     w = tf.Variable([1.0, 2.0], name="w")
      ...     train_op = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(w))
      ...     with tf.Session() as sess:
      ...         sess.run(tf.global_variables_initializer())
      ...         _ = sess.run(train_op)
      ...         print(sess.run(w))
      [0.5 1.5]
    """, sparse_rows_only=False)  # a row without gradient does not move anyway
MomentumOptimizer = _tf1(tf1_optax.momentum, "Momentum", """Gradient descent with momentum.

    TF1's `tf.train.MomentumOptimizer` (its `ApplyMomentum` kernel, `tf1_optax.momentum`):
    `accum = momentum * accum + grad`, then `var -= learning_rate * accum`; with
    `use_nesterov`, `var -= learning_rate * (grad + momentum * accum)`. The accumulator is the
    slot variable `<var>/Momentum` (`get_slot(var, "momentum")`), starting at zeros.

    Args:
      learning_rate: a float, a scalar Tensor, or a callable returning one.
      momentum: the same.
      use_nesterov: use Nesterov momentum.
      use_locking: accepted; no effect (runs are serialised).
      name: the name of the update ops and the slot suffix (default "Momentum").

    Raises:
      TypeError: a missing or unknown argument.

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     w = tf.Variable(1.0, name="w")
      ...     opt = tf.train.MomentumOptimizer(learning_rate=0.5, momentum=0.5)
      ...     train_op = opt.minimize(w)  # the gradient is 1
      ...     print(opt.get_slot(w, "momentum").op.name)
      ...     with tf.Session() as sess:
      ...         sess.run(tf.global_variables_initializer())
      ...         for _ in range(2):
      ...             _ = sess.run(train_op)
      ...             print(sess.run(w))
      w/Momentum
      0.5
      -0.25
    """)
AdamOptimizer = _tf1(tf1_optax.adam, "Adam", """Adam, with TF1's epsilon placement.

    TF1's `tf.train.AdamOptimizer` (its `ApplyAdam` kernel, `tf1_optax.adam`):
    `m += (1 - beta1) * (g - m)`, `v += (1 - beta2) * (g * g - v)`,
    `var -= lr * sqrt(1 - beta2_power) / (1 - beta1_power) * m / (sqrt(v) + epsilon)`, then
    `beta1_power *= beta1` and `beta2_power *= beta2`. This differs from `optax.adam`, which
    adds epsilon to the bias-corrected `sqrt(v)`. The state is TF1's: slots `<var>/Adam` (m)
    and `<var>/Adam_1` (v), and the non-slot variables `beta1_power` and `beta2_power`, which
    start at `beta1` and `beta2`.

    Args:
      learning_rate: a float, a scalar Tensor, or a callable returning one.
      beta1: the decay of the first moment (the same types).
      beta2: the decay of the second moment (the same types).
      epsilon: added to `sqrt(v)` (the same types).
      use_locking: accepted; no effect (runs are serialised).
      name: the name of the update ops and the slot suffix (default "Adam").

    Raises:
      TypeError: an unknown argument.

    Examples:
      >>> import tfvars_jax as tf
      >>> with tf.Graph().as_default():
      ...     w = tf.Variable([1.0, -1.0], name="w")
      ...     opt = tf.train.AdamOptimizer(learning_rate=0.1)
      ...     train_op = opt.minimize(tf.reduce_sum(w))
      ...     print([v.op.name for v in opt.variables()])
      ...     with tf.Session() as sess:
      ...         sess.run(tf.global_variables_initializer())
      ...         _ = sess.run(train_op)
      ...         print([round(float(x), 4) for x in sess.run(w)])  # a first step moves each by ~lr
      ['beta1_power', 'beta2_power', 'w/Adam', 'w/Adam_1']
      [0.9, -1.1]
    """, sparse_rows_only=False)
AdagradOptimizer = _tf1(tf1_optax.adagrad, "Adagrad",
                        "TF1's `tf.train.AdagradOptimizer(learning_rate, initial_accumulator_value=0.1)`.")
RMSPropOptimizer = _tf1(tf1_optax.rmsprop, "RMSProp",
                        "TF1's `tf.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, "
                        "centered=False)`; the mean square starts at ones, as TF1.")
AdadeltaOptimizer = _tf1(tf1_optax.adadelta, "Adadelta",
                         "TF1's `tf.train.AdadeltaOptimizer(learning_rate=0.001, rho=0.95, epsilon=1e-8)`.")
FtrlOptimizer = _tf1(tf1_optax.ftrl, "Ftrl", "TF1's `tf.train.FtrlOptimizer`.")
ProximalGradientDescentOptimizer = _tf1(tf1_optax.proximal_gradient_descent,
                                        "ProximalGradientDescent",
                                        "TF1's `tf.train.ProximalGradientDescentOptimizer`.")
ProximalAdagradOptimizer = _tf1(tf1_optax.proximal_adagrad, "ProximalAdagrad",
                                "TF1's `tf.train.ProximalAdagradOptimizer`.")


class OptaxOptimizer(Optimizer):
    """Any optax GradientTransformation as a TF1 optimizer: `OptaxOptimizer(optax.lion(1e-4))`.

    State leaves mirroring a parameter become slots `w/<name>`, `w/<name>_1`, ...; other leaves
    non-slot variables `<name>/<field>`.
    """

    _sparse_rows_only = False  # no TF1 sparse kernel to follow: IndexedSlices apply densely

    def __init__(self, transformation, use_locking=False, name="Optax"):
        if not isinstance(transformation, optax.GradientTransformation):
            raise TypeError("OptaxOptimizer needs an optax.GradientTransformation, got "
                            f"{type(transformation)}")
        super().__init__(use_locking, name)
        self._tx = transformation

    def _hyper(self):
        return {}

    def _factory(self):
        return _constant_factory(self._tx)


@functools.lru_cache(maxsize=None)
def _constant_factory(tx):
    def factory():
        return tx
    return factory
