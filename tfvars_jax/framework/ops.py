"""Graph, Operation and Tensor: the symbolic program TF1 code builds.

The Graph is the only mutable object at build time. It holds operations in creation order
(which is also the order their effects take in a run, see ARCHITECTURE.md), the name-scope,
control-dependency and device stacks, the collections, the variable store and the seed.
"""
import contextlib
import random
import re
import sys
import threading
import zlib


from typing import Optional

from tfvars_jax.framework import context
from tfvars_jax.framework import device as device_lib
from tfvars_jax.framework import display
from tfvars_jax.framework import provenance
from tfvars_jax.framework.op_kind import OpKind, RunCheck
from tfvars_jax.framework.provenance import user_location
from tfvars_jax.framework.tensor_shape import as_shape

_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


class Tensor:
    """A symbolic value: output `value_index` of an Operation.

    As in TF1 graph mode, `==` is identity (tensors hash by identity) and using a Tensor as a
    Python bool raises TypeError. The op library installs the arithmetic, comparison and
    indexing operators and iteration (`ops/tensor_operators.py`).
    """

    __array_priority__ = 100

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._static_value = None  # a small NumPy value known at graph time, or None

    @property
    def op(self):
        return self._op

    @property
    def graph(self):
        return self._op.graph

    @property
    def name(self):
        return f"{self._op.name}:{self._value_index}"

    @property
    def value_index(self):
        return self._value_index

    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        return self._shape

    @property
    def device(self):
        return self._op.device

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Refines the static shape; raises ValueError if incompatible, as TF1."""
        self._shape = self._shape.merge_with(as_shape(shape))

    def consumers(self):
        return [op for op in self.graph.get_operations() if self in op.inputs]

    def eval(self, feed_dict=None, session=None):
        """Runs the default (or given) session to compute this tensor."""
        return context.session_for(session, self.graph, "Tensor.eval()").run(self, feed_dict)

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    def __bool__(self):
        raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not "
                        "None:` instead of `if t:` to test if a tensor is defined, and use "
                        "TensorFlow ops such as tf.cond to execute subgraphs conditioned on the "
                        "value of a tensor.")

    def __len__(self):
        raise TypeError(f"len is not well defined for symbolic Tensors ({self.name}). Use "
                        "tf.shape(x) or x.shape instead.")

    # `==` and hashing stay object identity (TF1 graph mode), at C speed: tensors key many dicts.

    def _as_graph_element(self):
        return self


class Operation:
    """A node: a JAX kernel with inputs, control inputs, a name, a device and attrs.

    `kind` (an `OpKind`, see `framework/op_kind.py`) says how a run treats it. The fields
    below are declared here and set when the op is made (`op_builder.make_op`).
    """

    def __init__(self, graph, name: str, op_type: str, inputs, control_inputs, device: str, kernel,
                 kind: OpKind, attrs: dict, var: Optional[str] = None,
                 check: Optional[RunCheck] = None, needs_old: bool = True):
        self._graph = graph
        self._name = name
        self._type = op_type
        self._inputs = tuple(inputs)
        # Tuples: an op's empty control inputs are the shared `()`, not a list per op that
        # the cyclic GC would track (see ARCHITECTURE.md, graph-building cost).
        self._control_inputs = tuple(control_inputs)
        self._device = device
        self.kernel = kernel
        self.kind = kind
        self.attrs = attrs
        self._outputs: tuple = ()
        self._id: Optional[int] = None
        self.var = var                # the variable's name, for ops that read or write one
        self.check = check            # a run-time check of a write op
        self.needs_old = needs_old    # whether a write op's kernel reads the variable's old value
        self.seed: Optional[tuple] = None  # (graph seed, op seed, salted) of a random op
        self.host = False             # string-valued ops run host-side, outside jit
        self.gradient_override = None  # the gradient op type `Graph.gradient_override_map` gave
        self._defined_at = user_location()  # (file, line, function) of the user's code

    @property
    def name(self):
        return self._name

    @property
    def type(self):
        return self._type

    @property
    def inputs(self):
        return self._inputs

    @property
    def control_inputs(self):
        return list(self._control_inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def device(self):
        return self._device

    @property
    def graph(self):
        return self._graph

    def values(self):
        return tuple(self._outputs)

    def get_attr(self, name):
        """The attr `name` (e.g. "dtype", "shape", "seed"), raising ValueError if absent, as TF1.
        `_gradient_op_type` is the gradient type `Graph.gradient_override_map` gave (bytes)."""
        if name == "_gradient_op_type" and self.gradient_override is not None:
            return self.gradient_override.encode()
        if name not in self.attrs:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.")
        return self.attrs[name]

    def _set_device(self, device):
        """TF1's `Operation._set_device`: records a device string (or a DeviceSpec's string)
        as given."""
        device = device.to_string() if hasattr(device, "to_string") else device
        self._device = device or ""

    def _add_control_input(self, op):
        if op not in self._control_inputs:
            self._control_inputs += (op,)

    def run(self, feed_dict=None, session=None):
        """Runs this operation in the default (or given) session."""
        context.session_for(session, self.graph, "Operation.run()").run(self, feed_dict)

    def __repr__(self):
        return f"<tf.Operation '{self._name}' type={self._type}>"

    @property
    def defined_at(self):
        """`file:line` of the user code that created this op (TF1 keeps its traceback)."""
        return provenance.short(self._defined_at)

    def _as_graph_element(self):
        return self


class GraphKeys:
    """Standard collection names, as TF1's `tf.GraphKeys`."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    VARIABLES = GLOBAL_VARIABLES


class _ScopeStacks(threading.local):
    """A graph's per-thread name-scope, control-dependency and device stacks (as TF1)."""

    def __init__(self):
        self.name_stack = ""
        self.control_stack = []
        self.device_stack = []
        self.colocation_stack = []  # ops to colocate new ops with (Graph._colocate_with)
        self.programs = []  # lists collecting the ops of the inner programs being built


class Graph:
    """A TF1 graph. Build ops into it with `with g.as_default():`.

    Holds ops in creation order, name/control/device scope stacks (per thread, as TF1), the
    collections, the variable store used by `get_variable`, and the graph-level seed.
    """

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._collections = {}
        self._finalized = False
        self._seed = None
        self._last_id = 0
        self._thread_local = _ScopeStacks()
        self._lock = threading.RLock()
        self._version = 0  # bumps when ops are added; sessions use it to invalidate plans
        self.variables_by_name = {}     # full name -> Variable (every variable, for state lookups)
        self._gradient_override_map = {}  # op type -> gradient op type (gradient_override_map)

    # ----- per-thread scope stacks --------------------------------------------------------
    @property
    def _tls(self):
        return self._thread_local

    @property
    def _name_stack(self):
        return self._tls.name_stack

    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, value):
        self._seed = value

    @property
    def finalized(self):
        return self._finalized

    @property
    def version(self):
        return self._version

    def finalize(self):
        """Makes the graph read-only: adding an op then raises RuntimeError."""
        self._finalized = True

    def _unsafe_unfinalize(self):
        self._finalized = False

    def _repr_html_(self):
        """Jupyter's rich display: the variables by scope with parameter counts, the op count."""
        return display.graph_html(self)

    def as_default(self):
        """Makes this the default graph of the current thread inside the `with` block."""
        return context.Entered(self, context.GRAPHS)

    # ----- names --------------------------------------------------------------------------
    def unique_name(self, name, mark_as_used=True):
        """TF1's `Graph.unique_name`: prefixes the name scope and appends `_1`, `_2` on reuse."""
        stack = self._thread_local.name_stack
        if stack:
            name = stack + "/" + name
        if context.EAGER.enabled and context.executing_eagerly():
            return name  # eager mode does not uniquify names, as TF
        name_key = name.lower()
        i = self._names_in_use.get(name_key, 0)
        if mark_as_used:
            self._names_in_use[name_key] = i + 1
        if i > 0:
            base = name_key
            while name_key in self._names_in_use:
                name_key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[name_key] = 1
            name = f"{name}_{i - 1}"
        return name

    def get_name_scope(self):
        return self._name_stack

    def name_scope(self, name):
        """TF1's `Graph.name_scope`: a new unique scope, `None`/"" resets to the top, and a name
        ending in "/" re-enters that exact scope. The `with` value is the scope with a "/"."""
        return _NameScope(self, name)

    # ----- control dependencies and devices ---------------------------------------------------
    def control_dependencies(self, control_inputs):
        """Ops created inside depend on `control_inputs`; `None` clears outer dependencies.

        As TF1, an op one of whose inputs was created inside the same block gets no control
        inputs from that block (it is dominated by that input)."""
        return _ControlDependencies(self, control_inputs)

    def _control_ops(self, control_inputs):
        """The distinct ops that `control_dependencies(control_inputs)` adds, in order."""
        ops = {}
        for c in control_inputs:
            if callable(c) and not hasattr(c, "_as_graph_element"):
                c = c()
            if hasattr(c, "handle") and hasattr(c, "op") and not isinstance(c, Tensor):
                c = c.op  # as TF1: a resource variable's op (its handle, or a write it reads after)
            op = self.as_graph_element(c, allow_tensor=True, allow_operation=True)
            ops[op if isinstance(op, Operation) else op.op] = None
        return list(ops)

    @contextlib.contextmanager
    def inner_program(self):
        """Collects the ops created inside (not those of nested inner programs, nor those made
        under `control_dependencies(None)`) into the yielded list: the program of a cond
        branch or loop body, which runs only inside its op."""
        ops = []
        self._tls.programs.append(ops)
        try:
            yield ops
        finally:
            self._tls.programs.pop()

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """TF1's `Graph.gradient_override_map`: ops of a mapped type created inside get the
        mapped name as their gradient type (`op.gradient_override`), which `tf.gradients` looks
        up among `tf.RegisterGradient` functions. Per graph, not per thread, as in TF1."""
        if not isinstance(op_type_map, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in op_type_map.items()):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        saved = {k: self._gradient_override_map[k] for k in op_type_map
                 if k in self._gradient_override_map}
        self._gradient_override_map.update(op_type_map)
        try:
            yield
        finally:
            for k in op_type_map:
                if k in saved:
                    self._gradient_override_map[k] = saved[k]
                else:
                    self._gradient_override_map.pop(k, None)

    def _current_control_inputs(self, inputs):
        tls = self._thread_local
        if not tls.control_stack:
            return []
        input_ops = {t.op for t in inputs}
        out = {}
        for ops, seen in tls.control_stack:
            if input_ops.isdisjoint(seen):
                out.update((op, None) for op in ops if op not in input_ops)
        return list(out)

    def device(self, device_name_or_function):
        """TF1's `Graph.device`: ops created inside get a device from a string or DeviceSpec
        (merged with inner scopes' fields, which win), a function of the op (returning a
        string or DeviceSpec), or None (no device; outer scopes ignored). A string is parsed
        here, so a bad one raises ValueError at the `with`, as TF1."""
        entry = device_name_or_function
        if isinstance(entry, str):
            device_lib.parse(entry)
        elif entry is not None and not callable(entry) and not hasattr(entry, "to_string"):
            raise TypeError("tf.device expects a device string, a DeviceSpec, a function of the "
                            f"op or None, got {type(entry).__name__}: {entry!r}")
        return _DeviceScope(self, entry)

    def _colocate_with(self, op):
        """TF1's `Graph.colocate_with(op)` as far as devices go: ops created inside get `op`'s
        device (the innermost colocation op with a device wins) and the device stack is
        cleared inside, so device functions (a replica_device_setter) are not called for
        them. Colocation groups (`_class` attrs) are not recorded."""
        return _Colocation(self, getattr(op, "op", op))  # a Variable or Tensor: its op

    def _device_for(self, op):
        """The device of a new op, as TF1's `_apply_device_functions`: the device scopes are
        applied innermost first, each seeing the device the inner ones gave (`op.device`); a
        string or DeviceSpec fills the fields still unset, a function's result replaces the
        device (recorded as returned: `"/gpu:0"` stays `"/gpu:0"`), `tf.device(None)` stops
        the walk and `tf.device("")` is skipped. Then colocation: an op that writes a
        variable through its ref input (TF1's ref-input ops: Assign, AssignAdd, Scatter*,
        CountUpTo, IsVariableInitialized) is colocated with the variable, without the device
        functions, as TF1's op builder does; inside `_colocate_with` the innermost
        colocation op with a device gives its device."""
        tls = self._thread_local
        colocation = tls.colocation_stack
        stack = tls.device_stack
        if op._type in device_lib.REF_INPUT_OP_TYPES:
            ref_var = self._ref_input_variable(op)
            if ref_var is not None:  # the innermost colocation op: its device, if it has one
                if ref_var.device:
                    return ref_var.device
                stack = ()
        if not colocation and not stack:
            return ""  # no device scope, no colocation: most ops
        device = ""
        for entry in reversed(stack):
            if entry is None:
                break
            if callable(entry) and not hasattr(entry, "to_string"):
                op._device = device
                result = entry(op)
                if hasattr(result, "to_string"):
                    result = result.to_string()
                if not isinstance(result, str):
                    raise TypeError(f"The device function {entry!r} returned "
                                    f"{type(result).__name__} ({result!r}) for op '{op.name}'; "
                                    "TF1 needs a device string or DeviceSpec (\"\" for none).")
                device = result
                continue
            spec = entry.to_string() if hasattr(entry, "to_string") else entry
            if spec:  # tf.device("") is a null merge: skipped
                device = device_lib.merge(spec, device)
        for colocated in reversed(colocation):
            if colocated.device:
                return colocated.device
        return device

    def _ref_input_variable(self, op):
        """The variable op whose ref input `op` takes (TF1 colocates such ops with it)."""
        if op._type not in device_lib.REF_INPUT_OP_TYPES or op.var is None:
            return None
        variable = self.variables_by_name.get(op.var)
        if variable is not None and getattr(variable, "_is_resource", False):
            return None  # TF1's AssignVariableOp & co. take a resource handle, not a ref
        for t in op._inputs:
            if t.dtype._is_ref:
                return t.op
        return self._ops_by_name.get(op.var)

    # ----- operations ---------------------------------------------------------------------
    def _check_not_finalized(self):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")

    def _add_op(self, op):
        name = op._name
        with self._lock:
            if self._finalized:
                raise RuntimeError("Graph is finalized and cannot be modified.")
            if name in self._ops_by_name:
                raise ValueError(f"Duplicate node name in graph: '{name}'")
            op._id = self._last_id
            self._last_id += 1
            if self._gradient_override_map:
                op.gradient_override = self._gradient_override_map.get(op.type)
            tls = self._thread_local
            for _, seen in tls.control_stack:
                seen.add(op)
            self._ops.append(op)
            if tls.programs:
                tls.programs[-1].append(op)
            self._ops_by_name[name] = op
            self._version += 1

    def get_operations(self):
        """All operations, in creation order."""
        return list(self._ops)

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        if ":" in name:
            raise ValueError(f"Name '{name}' appears to refer to a Tensor, not a Operation.")
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolves a Tensor, Operation, Variable or name to a graph element of this graph."""
        if hasattr(obj, "_as_graph_element") and not isinstance(obj, (Tensor, Operation)):
            obj = obj._as_graph_element()
        if isinstance(obj, str):
            if ":" in obj:
                if not allow_tensor:
                    raise ValueError(f"Name '{obj}' appears to refer to a Tensor, not an Operation.")
                op_name, idx = obj.rsplit(":", 1)
                op = self._ops_by_name.get(op_name)
                if op is None:
                    raise KeyError(f"The name '{obj}' refers to a Tensor which does not exist. The "
                                   f"operation, '{op_name}', does not exist in the graph.")
                try:
                    return op._outputs[int(idx)]
                except (ValueError, IndexError):
                    raise KeyError(f"The name '{obj}' refers to a Tensor which does not exist. The "
                                   f"operation, '{op_name}', exists but only has "
                                   f"{len(op._outputs)} outputs.") from None
            if not allow_operation:
                raise ValueError(f"The name '{obj}' looks like an (invalid) Operation name, not a "
                                 "Tensor. Tensor names must be of the form "
                                 "\"<op_name>:<output_index>\".")
            op = self._ops_by_name.get(obj)
            if op is None:
                raise KeyError(f"The name '{obj}' refers to an Operation not in the graph.")
            return op
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError(f"Tensor {obj.name} is not an element of this graph.")
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError(f"Operation {obj.name} is not an element of this graph.")
            return obj
        kinds = " or ".join(k for k,
                            ok in (("Tensor", allow_tensor), ("Operation", allow_operation)) if ok)
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {kinds}.")

    # ----- collections --------------------------------------------------------------------
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        """A copy of collection `name`; with `scope`, only items whose `.name` matches the regex
        `scope` at its start (items without a name are left out), as TF1."""
        items = self._collections.get(name)
        if items is None:
            return []
        if scope is None:
            return list(items)
        regex = re.compile(scope)
        return [item for item in items if getattr(item, "name",
                                                  None) is not None and regex.match(item.name)]

    def get_all_collection_keys(self):
        return [k for k in self._collections if isinstance(k, str)]

    def clear_collection(self, name):
        self._collections.pop(name, None)

    # ----- seeds --------------------------------------------------------------------------
    def _op_seeds(self, op_seed, name=None):
        """TF1's `get_seed`: (graph seed, op seed, salted) for a random op created now.

        An op without a graph or op seed gets `salted=True`: a run also folds in its
        Session's salt (drawn per Session), so it draws fresh values in every Session and
        process, as TF1 does; with either seed set, every Session draws the same sequence.
        A salted op's seeds only tell it apart from the graph's other ops: they come from its
        `name` (unique in the graph), so the compiled program is the same in every process
        and the compilation caches apply (drawn here when no name is given).
        """
        if self._seed is not None:
            return self._seed, (op_seed if op_seed is not None else self._last_id), False
        if op_seed is not None:
            return 87654321, op_seed, False
        if name is not None:
            data = name.encode()
            return zlib.crc32(data) & 0x7FFFFFFF, zlib.crc32(b"op seed:" + data), True
        return _unseeded.getrandbits(31), _unseeded.getrandbits(31), True


class _ControlDependencies:
    """The context of `Graph.control_dependencies` (a plain class: variables enter it twice)."""

    __slots__ = ("_graph", "_inputs", "_saved")

    def __init__(self, graph, control_inputs):
        self._graph, self._inputs, self._saved = graph, control_inputs, None

    def __enter__(self):
        if context.EAGER.enabled and context.executing_eagerly():
            return None  # eager ops run in program order: nothing to add, as TF
        tls = self._graph._thread_local
        if self._inputs is None:
            # As TF1, this also leaves the control-flow context: ops made here (a variable
            # and its initializer inside a loop body or cond branch) are outside the program.
            if tls.control_stack or tls.programs:
                self._saved = (tls.control_stack, tls.programs)
                tls.control_stack, tls.programs = [], []
            return None
        ops = self._graph._control_ops(self._inputs)
        tls.control_stack.append((ops, set()))  # (control inputs, ops created in the block)
        self._saved = True
        return None

    def __exit__(self, *exc):
        saved = self._saved
        if saved is None:
            return False
        tls = self._graph._thread_local
        if saved is True:
            tls.control_stack.pop()
        else:
            tls.control_stack, tls.programs = saved
        return False


class _DeviceScope(contextlib.ContextDecorator):
    """The context of `Graph.device`: the entry is on the thread's device stack inside. As
    TF1's, it also decorates a function (`@tf.device("/cpu:0")`)."""

    def __init__(self, graph, entry):
        self._graph, self._entry = graph, entry

    def _recreate_cm(self):
        return _DeviceScope(self._graph, self._entry)

    def __enter__(self):
        self._graph._thread_local.device_stack.append(self._entry)

    def __exit__(self, *exc):
        self._graph._thread_local.device_stack.pop()
        return False


class _Colocation:
    """The context of `Graph._colocate_with`: `op` on the colocation stack, no device stack."""

    __slots__ = ("_graph", "_op", "_saved")

    def __init__(self, graph, op):
        self._graph, self._op = graph, op

    def __enter__(self):
        tls = self._graph._thread_local
        self._saved = tls.device_stack
        tls.device_stack = []
        tls.colocation_stack.append(self._op)

    def __exit__(self, *exc):
        tls = self._graph._thread_local
        tls.colocation_stack.pop()
        tls.device_stack = self._saved
        return False


class _NameScope:
    """The context of `Graph.name_scope(name)` (a plain class: it is entered many times per op)."""

    __slots__ = ("_graph", "_name", "_old")

    def __init__(self, graph, name):
        self._graph, self._name = graph, name

    def __enter__(self):
        graph, name = self._graph, self._name
        tls = graph._thread_local
        if name:
            if not isinstance(name, str):
                raise TypeError(f"name_scope name must be a string, got {name!r}")
            regex = _VALID_SCOPE_NAME if tls.name_stack else _VALID_OP_NAME
            if not regex.match(name):
                raise ValueError(f"'{name}' is not a valid scope name")
        self._old = tls.name_stack
        if not name:
            new = ""
        elif name[-1] == "/":
            new = name[:-1]
        else:
            new = graph.unique_name(name)
        tls.name_stack = new
        return new + "/" if new else ""

    def __exit__(self, *exc):
        self._graph._thread_local.name_stack = self._old
        return False


# Seeds for unseeded random ops: a private generator, so user code seeding `random` or NumPy
# does not make unseeded graphs repeat.
_unseeded = random.Random()

# ----- default graph (per thread, as TF1) ----------------------------------------------------
_global_default_graph = None


def get_default_graph():
    """The innermost `as_default()` graph of this thread, else the global default graph."""
    global _global_default_graph
    graph = context.GRAPHS.current()
    if graph is not None:
        return graph
    if _global_default_graph is None:
        _global_default_graph = context.EAGER.graph = Graph()
    return _global_default_graph


def reset_default_graph():
    """Replaces the global default graph with a new empty one.

    As TF1, it raises AssertionError when called inside a `with g.as_default():` block.
    """
    global _global_default_graph
    if context.GRAPHS.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _global_default_graph = context.EAGER.graph = Graph()


def display_name(tensor):
    """A tensor's name for a message: its name, or "eager tensor" in eager mode, where tensors
    have none (TF raises AttributeError for `t.name` there)."""
    return "eager tensor" if getattr(tensor, "_is_eager", False) else tensor.name


def graph_of(values):
    """The graph that `values` (tensors, ops, variables, or plain values) belong to (in eager
    mode the global default graph, which holds eager code's name scopes)."""
    if context.EAGER.enabled and context.executing_eagerly():
        return get_default_graph()
    for v in values:
        g = getattr(v, "graph", None)
        if isinstance(g, Graph):
            return g
    return get_default_graph()


# ----- module-level scope functions -----------------------------------------------------
def name_scope(name, default_name=None, values=None):
    """TF1's `tf.name_scope(name, default_name=None, values=None)`.

    `name=None` with a `default_name` opens a uniquified default scope; `name=None` alone
    resets to the top-level scope.
    """
    return _ModuleNameScope(name, default_name, values)


class _ModuleNameScope:
    """`name_scope`'s context: the values' graph made the default, then its name scope (a
    class rather than a generator: several are entered per variable made)."""

    __slots__ = ("_args", "_graph_ctx", "_scope_ctx")

    def __init__(self, name, default_name, values):
        self._args = (name, default_name, values)

    def __enter__(self):
        name, default_name, values = self._args
        g = graph_of(values or [])
        if name is None and default_name is not None:
            name = default_name
        graph_ctx, scope_ctx = g.as_default(), g.name_scope(name)
        graph_ctx.__enter__()
        try:
            scope = scope_ctx.__enter__()
        except BaseException:
            graph_ctx.__exit__(*sys.exc_info())
            raise
        self._graph_ctx, self._scope_ctx = graph_ctx, scope_ctx
        return scope

    def __exit__(self, *exc):
        try:
            self._scope_ctx.__exit__(*exc)
        finally:
            self._graph_ctx.__exit__(*exc)
        return False


@contextlib.contextmanager
def init_scope():
    """TF1's `tf.init_scope()`: where variables and their initial values are made. In eager
    mode (also inside a function being traced by `defun`) it lifts into eager execution; in
    graph mode it clears the control dependencies."""
    if context.EAGER.enabled:
        scope = get_default_graph().get_name_scope()
        if context.EAGER.graph is None:
            with context.Entered(None, context.GRAPHS):  # hide user graphs: make the global one
                get_default_graph()
        graph = context.EAGER.graph
        with graph.as_default(), graph.control_dependencies(None), \
                _NameScope(graph, scope + "/" if scope else None):
            yield
        return
    graph = get_default_graph()
    with graph.control_dependencies(None):
        yield


def control_dependencies(control_inputs):
    """`tf.control_dependencies`: ops created inside run after `control_inputs`; `None` clears."""
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    """`tf.device`: records a device for ops created inside (see `device.py`)."""
    return get_default_graph().device(device_name_or_function)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def set_random_seed(seed):
    """Sets the default graph's seed (random ops then draw reproducible sequences); in eager
    mode the global eager seed, which also restarts every seeded op's sequence, as TF1."""
    if context.executing_eagerly():
        from tfvars_jax.framework import eager  # eager imports this module
        eager.SEEDS.set_global_seed(seed)
        return
    get_default_graph().seed = seed


def get_seed(op_seed):
    """TF1's `tf.get_seed`: the (graph seed, op seed) pair a random op created now would use."""
    if context.executing_eagerly():
        from tfvars_jax.framework import eager  # eager imports this module
        return eager.SEEDS.op_seeds(op_seed)
    graph_seed, op_seed, salted = get_default_graph()._op_seeds(op_seed)
    return (None, None) if salted else (graph_seed, op_seed)
