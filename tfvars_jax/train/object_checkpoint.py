"""`tf.train.Checkpoint`: object-based checkpoints in TensorFlow's format, in graph mode.

A Checkpoint tracks objects by name: variables, optimizers (their slot and non-slot
variables), `tf.Module`s (their attributes), lists and dicts of those, and other Checkpoints.
Saving walks that object graph breadth-first from the Checkpoint, as TF does, and writes each
variable under the path of names that reaches it (`model/w/.ATTRIBUTES/VARIABLE_VALUE`; an
optimizer slot as `model/w/.OPTIMIZER_SLOT/opt/m/.ATTRIBUTES/VARIABLE_VALUE`) plus the graph
itself as a serialized `TrackableObjectGraph` under `_CHECKPOINTABLE_OBJECT_GRAPH`, in TF's V2
bundle (`bundle.py`): TF's `tf.train.Checkpoint` reads our files and we read its.

Restoring matches the checkpoint's object graph against the objects' current graph, again by
names from the root, each time a status method runs: objects created after `restore()` (an
optimizer's slots made by `minimize`) are restored by a later `run_restore_ops`, as TF's
deferred restorations are. Values move between a Session and the files only in
`_session_values` and `_restore_into` (through `Saver`'s checked reads and writes), the two
hooks a mode holding values in variables directly needs to replace.
"""
import collections
import os

import numpy as np

from tfvars_jax.framework import context
from tfvars_jax.framework import dtypes
from tfvars_jax.framework import eager
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.train import _object_graph
from tfvars_jax.train import bundle
from tfvars_jax.train import checkpoint_management as cm
from tfvars_jax.train import optimizer as optimizer_lib
from tfvars_jax.train import saver as saver_lib
from tfvars_jax.train._proto import DecodeError
from tfvars_jax.variables.module import Module
from tfvars_jax.variables.resource_variable import ResourceVariable
from tfvars_jax.variables.variable import Variable

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
_VALUE = "VARIABLE_VALUE"
_ATTRIBUTES = ".ATTRIBUTES"
_SLOT = ".OPTIMIZER_SLOT"


def _escape(name):
    """TF's `_escape_local_name`: '.' -> '..', '/' -> '.S' (so keys split unambiguously)."""
    return name.replace(".", "..").replace("/", ".S")


def _is_optimizer(obj):
    return hasattr(obj, "_non_slot_dependencies") and hasattr(obj, "get_slot")


def _children(obj, graph):
    """[(local name, child)] that `obj` tracks, in TF's order."""
    if isinstance(obj, (Checkpoint, Module)):
        return obj._checkpoint_dependencies()
    if _is_optimizer(obj):
        return obj._non_slot_dependencies(graph)
    if isinstance(obj, dict):
        for key in obj:
            if not isinstance(key, str):
                raise ValueError(f"tf.train.Checkpoint tracks dict entries by string keys; got "
                                 f"key {key!r} of type {type(key).__name__}.")
        return [(key, value) for key, value in obj.items() if _trackable(value)]
    if isinstance(obj, (list, tuple)):
        return [(str(i), value) for i, value in enumerate(obj) if _trackable(value)]
    return []


def _trackable(value):
    if hasattr(value, "_get_variable_list") and not isinstance(value, Variable):
        raise NotImplementedError(
            f"tf.train.Checkpoint cannot track PartitionedVariable '{value.name}' (TF cannot "
            "either: it is not trackable); track its parts (list(p)) or save it with "
            "tf.train.Saver.")
    if isinstance(value, Variable) and value._save_slice_info is not None:
        raise NotImplementedError(
            f"tf.train.Checkpoint cannot track '{value.name}', a part of a partitioned variable; "
            "save partitioned variables with tf.train.Saver.")
    return isinstance(value, (Variable, Checkpoint, Module, list, dict)) or \
        _is_optimizer(value) or (isinstance(value, tuple) and any(_trackable(v) for v in value))


def _check_trackable(name, value):
    if not _trackable(value) or isinstance(value, (list, dict, tuple)):
        raise ValueError(f"`Checkpoint` was expecting a trackable object (an object derived from "
                         f"`Trackable`), got {value!r} for '{name}'. tfvars_jax tracks "
                         "variables, optimizers, tf.Module and tf.train.Checkpoint objects.")


class _ObjectGraph:
    """The objects reachable from a root, breadth-first as TF numbers them: node ids, the path
    of names to each, and each optimizer's slot variables (numbered after all the others)."""

    def __init__(self, root, graph):
        self.objects, self.paths, self.children = [root], [()], [[]]
        ids = {id(root): 0}
        i = 0
        while i < len(self.objects):
            for name, child in _children(self.objects[i], graph):
                if id(child) not in ids:
                    ids[id(child)] = len(self.objects)
                    self.objects.append(child)
                    self.paths.append(self.paths[i] + (name,))
                    self.children.append([])
                self.children[i].append((ids[id(child)], name))
            i += 1
        self.slots = [[] for _ in self.objects]  # [(original node, slot name, slot node)]
        self.slot_paths = {}                     # slot node -> (original node, optimizer, name)
        n_plain = len(self.objects)
        for opt_id in range(n_plain):
            opt = self.objects[opt_id]
            if not _is_optimizer(opt):
                continue
            for slot_name in opt.get_slot_names():
                for orig_id in range(n_plain):
                    original = self.objects[orig_id]
                    if not isinstance(original, Variable):
                        continue
                    slot = opt.get_slot(original, slot_name)
                    if slot is None:
                        continue
                    slot_id = len(self.objects)
                    self.objects.append(slot)
                    self.paths.append(None)
                    self.children.append([])
                    self.slots.append([])
                    self.slots[opt_id].append((orig_id, slot_name, slot_id))
                    self.slot_paths[slot_id] = (orig_id, opt_id, slot_name)
        self.ids = ids

    def key(self, node_id):
        """The checkpoint key of variable node `node_id`."""
        if node_id in self.slot_paths:
            orig_id, opt_id, slot_name = self.slot_paths[node_id]
            return "/".join([self._path(orig_id), _SLOT, self._path(opt_id),
                             _escape(slot_name), _ATTRIBUTES, _VALUE])
        return "/".join([self._path(node_id), _ATTRIBUTES, _VALUE])

    def _path(self, node_id):
        return "/".join(_escape(name) for name in self.paths[node_id])

    def variables(self):
        """[(node id, variable)] in node order."""
        return [(i, obj) for i, obj in enumerate(self.objects) if isinstance(obj, Variable)]

    def proto_nodes(self):
        nodes = []
        for i, obj in enumerate(self.objects):
            node = _object_graph.TrackableObject(children=list(self.children[i]))
            if isinstance(obj, Variable):
                node.attributes.append(_object_graph.SerializedTensor(
                    _VALUE, _full_name(obj), self.key(i)))
            node.slot_variables = [_object_graph.SlotVariableReference(*s) for s in self.slots[i]]
            nodes.append(node)
        _mark_checkpoint_values(nodes)
        return nodes


def _mark_checkpoint_values(nodes):
    """TF's `has_checkpoint_values`: the node, or something below it, holds values."""
    parents = collections.defaultdict(set)
    for node_id, node in enumerate(nodes):
        for child, _ in node.children:
            parents[child].add(node_id)
    marked = {i for i, n in enumerate(nodes) if n.attributes or n.slot_variables}
    todo = list(marked)
    while todo:
        for parent in parents.pop(todo.pop(), ()):
            if parent not in marked:
                marked.add(parent)
                todo.append(parent)
    for node_id, node in enumerate(nodes):
        node.has_checkpoint_values = node_id in marked


# ----- the two places values move ------------------------------------------------------------
def _full_name(var):
    """The variable's name without ":0" (its op's name; an eager variable's own name)."""
    handle = getattr(var, "_eager_handle", None)
    return handle.var_name if handle is not None else var.op.name


class _EagerValues:
    """Where values live in eager mode (the variables' handles): what `_session` gives instead
    of a Session when executing eagerly."""

    @property
    def graph(self):
        return ops_lib.get_default_graph()


EAGER_VALUES = _EagerValues()


def _eager_handles(key_to_var):
    """{checkpoint key: VariableHandle}; ValueError for a graph variable in eager mode."""
    out = {}
    for key, var in key_to_var.items():
        handle = getattr(var, "_eager_handle", None)
        if handle is None:
            raise ValueError(f"tf.train.Checkpoint in eager mode tracks graph variable "
                             f"{var.name}: save or restore it with a Session in graph mode.")
        out[key] = handle
    return out


def _session_values(session, key_to_var):
    """{checkpoint key: host value} of the variables in `session` (FailedPreconditionError,
    naming them, if some are not initialized there); in eager mode their handles' values."""
    if session is EAGER_VALUES:
        return {key: saver_lib._host_value(h.value)
                for key, h in _eager_handles(key_to_var).items()}
    saver = saver_lib.Saver(var_list=key_to_var, allow_empty=True)
    with session.held_state() as values:
        tensors, _ = saver._collect(values)
    return tensors


def _restore_into(session, prefix, key_to_var):
    """Sets the variables in `session` from checkpoint `prefix`, every key, dtype and shape
    checked before any value is set (tf.train.Saver's restore); in eager mode into their
    handles, with the same checks first."""
    if session is EAGER_VALUES:
        _restore_eagerly(prefix, _eager_handles(key_to_var))
    elif key_to_var:
        saver_lib.Saver(var_list=key_to_var).restore(session, prefix)


def _restore_eagerly(prefix, handles):
    """Reads every key (dtype and shape checked against the variable, checksums verified by
    the reader), then sets all handles: a failure sets nothing."""
    reader = cm.open_reader(prefix)
    values = {}
    for key, h in handles.items():
        if not reader.has(key):
            raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint {prefix} "
                                                   f"(variable '{h.var_name}').")
        dtype = dtypes.as_dtype(reader.dtype(key))
        if dtype.base_dtype != h.dtype.base_dtype:
            raise errors.InvalidArgumentError(
                None, None, f"tensor_name = {key}; expected dtype {h.dtype.name} does not equal "
                            f"original dtype {dtype.name} (variable '{h.var_name}')")
        shape = tuple(reader.shape(key))
        if h.shape.is_fully_defined() and shape != tuple(h.shape.as_list()):
            raise errors.InvalidArgumentError(
                None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
                            f"{h.shape.as_list()} rhs shape= {list(shape)} (variable "
                            f"'{h.var_name}', checkpoint key '{key}')")
        values[key] = reader.read(key)
    for key, h in handles.items():
        value = values[key]
        h.value = value if h.dtype.base_dtype == dtypes.string else eager.as_device_value(value)


def graph_of(session):
    """The graph whose objects a status or save looks at: the session's, else the default."""
    return session.graph if session is not None else ops_lib.get_default_graph()



def _session(session, what):
    if session is None and context.executing_eagerly():
        return EAGER_VALUES
    session = session or context.default_session()
    if session is None:
        raise ValueError(f"tf.train.Checkpoint.{what} in graph mode needs a Session: pass "
                         f"session=sess or call it inside `with sess.as_default():`.")
    return session


class Checkpoint:
    """TF's `tf.train.Checkpoint` (graph mode): groups trackable objects and saves/restores
    them in TF's object-based format.

    `Checkpoint(**objects)` tracks each keyword argument under its name (sorted by name, as
    TF); assigning an attribute later tracks it too. `save(prefix, session)` increments
    `save_counter` (a variable created on first use) and writes `prefix-<counter>`, recording
    it in the directory's `checkpoint` file; `write(prefix, session)` writes exactly `prefix`.
    `restore(path)` returns a status whose `run_restore_ops(session)` or
    `initialize_or_restore(session)` sets the values, and whose `assert_consumed()`,
    `assert_existing_objects_matched()`, `assert_nontrivial_match()` check the match (as TF:
    AssertionError). A checkpoint written by `tf.train.Saver` (no object graph) is restored by
    variable names (TF's name-based fallback).

    Differences from TF: no ops are added to the graph for saving or restoring (values move
    between the Session and the files directly); trackable objects are variables,
    optimizers, `tf.Module`s, lists/dicts of them and Checkpoints (Keras models and layers are
    not; partitioned variables raise NotImplementedError, as TF cannot track them either).

    Examples:
      >>> import os, tempfile
      >>> import tfvars_jax as tf
      >>> prefix = os.path.join(tempfile.mkdtemp(), "ckpt")
      >>> with tf.Graph().as_default():
      ...     w = tf.Variable([1.0, 2.0], name="w")
      ...     ckpt = tf.train.Checkpoint(w=w)
      ...     with tf.Session() as sess:
      ...         sess.run(w.initializer)
      ...         path = ckpt.save(prefix, session=sess)
      ...     with tf.Session() as sess:
      ...         status = ckpt.restore(path)
      ...         status.assert_consumed().run_restore_ops(sess)
      ...         print(os.path.basename(path), sess.run(w))
      ckpt-1 [1. 2.]
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_deps", [])
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_save_assign", None)
        for name, value in sorted(kwargs.items()):
            setattr(self, name, value)

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        if name == "save_counter":
            raise ValueError("'save_counter' is reserved: tf.train.Checkpoint tracks its own "
                             "save counter under that name.")
        _check_trackable(name, value)
        for i, (n, _) in enumerate(self._deps):  # re-set: keeps its place, as TF
            if n == name:
                self._deps[i] = (name, value)
                break
        else:
            self._deps.append((name, value))
        object.__setattr__(self, name, value)

    def _checkpoint_dependencies(self):
        deps = list(self._deps)
        if self._save_counter is not None:
            deps.append(("save_counter", self._save_counter))
        return deps

    # ----- the save counter ---------------------------------------------------------------
    def _maybe_create_save_counter(self):
        """Creates `save_counter` (int64, 0, not trainable, on the CPU) once; True if new."""
        if self._save_counter is not None:
            return False
        graph = ops_lib.get_default_graph()
        with graph.as_default(), graph.control_dependencies(None), \
                ops_lib.name_scope(None), graph.device("/cpu:0"):
            counter = ResourceVariable(0, name="save_counter", dtype=dtypes.int64,
                                       trainable=False)
        object.__setattr__(self, "_save_counter", counter)
        return True

    @property
    def save_counter(self):
        """The number of `save()` calls (a variable, created on first use)."""
        self._maybe_create_save_counter()
        return self._save_counter

    # ----- saving ------------------------------------------------------------------------
    def write(self, file_prefix, session=None):
        """Writes the tracked objects' values in `session` to `file_prefix` (its `.index` and
        `.data-00000-of-00001`), without touching the save counter or the `checkpoint` file;
        returns `file_prefix`."""
        session = _session(session, "write")
        file_prefix = os.fspath(file_prefix)
        graph = _ObjectGraph(self, session.graph)
        key_to_var = {graph.key(i): v for i, v in graph.variables()}
        tensors = _session_values(session, key_to_var)
        tensors[OBJECT_GRAPH_KEY] = np.array(_object_graph.encode(graph.proto_nodes()),
                                             dtype=object)
        bundle.write_bundle(file_prefix, tensors)
        return file_prefix

    def save(self, file_prefix, session=None):
        """Increments `save_counter`, writes `file_prefix-<counter>` and records it in the
        directory's `checkpoint` file (as the only checkpoint listed, as TF); returns the
        path."""
        session = _session(session, "save")
        if session is EAGER_VALUES:
            self._maybe_create_save_counter()
            number = int(self._save_counter.assign_add(1))
            path = self.write(f"{os.fspath(file_prefix)}-{number}")
            bundle.write_checkpoint_state(os.path.dirname(path), path, [path],
                                          save_relative_paths=True)
            return path
        with session.graph.as_default():
            if self._maybe_create_save_counter():
                session.run(self._save_counter.initializer)
            if self._save_assign is None:
                with session.graph._colocate_with(self._save_counter.op):
                    object.__setattr__(self, "_save_assign",
                                       self._save_counter.assign_add(1, read_value=True))
        number = int(session.run(self._save_assign))
        path = self.write(f"{os.fspath(file_prefix)}-{number}", session=session)
        bundle.write_checkpoint_state(os.path.dirname(path), path, [path],
                                      save_relative_paths=True)
        return path

    # ----- restoring ---------------------------------------------------------------------
    def restore(self, save_path):
        """A status for restoring from `save_path` (None: nothing to restore, an
        initialization-only status). Nothing is set until its `run_restore_ops(session)` or
        `initialize_or_restore(session)`.

        Raises:
          errors.NotFoundError: no checkpoint at `save_path`.
          errors.DataLossError: the object graph cannot be decoded.
        """
        if save_path is None:
            return InitializationOnlyStatus(self)
        prefix = os.fspath(save_path)
        reader = cm.open_reader(prefix)
        self._maybe_create_save_counter()  # as TF: restored from the checkpoint
        if not reader.has(OBJECT_GRAPH_KEY):
            return NameBasedSaverStatus(self, prefix, reader)
        raw = reader.read(OBJECT_GRAPH_KEY)
        raw = raw.item() if isinstance(raw, np.ndarray) else raw
        try:
            nodes = _object_graph.decode(raw)
        except DecodeError as e:
            raise errors.DataLossError(None, None, f"Checkpoint {prefix}: the object graph "
                                                   f"({OBJECT_GRAPH_KEY}) is malformed: {e}") from None
        return CheckpointLoadStatus(self, prefix, nodes)


class _Status:
    """What every restore status shares: the root and the objects reachable from it now."""

    def __init__(self, root):
        self._root = root

    def _graph(self, session=None):
        return _ObjectGraph(self._root, graph_of(None if session is EAGER_VALUES else session))

    def expect_partial(self):
        """Silences warnings about values not restored (we issue none); returns self."""
        return self


class CheckpointLoadStatus(_Status):
    """TF's status of `Checkpoint.restore(path)`: the object graph in the file is matched to
    the objects' current graph by names from the root (and slots through their optimizer and
    original variable) whenever a method runs."""

    def __init__(self, root, prefix, nodes):
        super().__init__(root)
        self._prefix = prefix
        self._nodes = nodes
        self._restored = set()  # ids of the variables restored (eager mode)
        if context.executing_eagerly():
            self._restore_eagerly()

    def _restore_eagerly(self):
        """Eager mode, as TF: matched variables are restored at once, and the slots an
        optimizer creates later when it creates them (`optimizer.STATE_CREATED_HOOKS`)."""
        _, bound, unresolved = self._match(EAGER_VALUES)
        todo = {k: v for k, v in self._restorations(bound).items()
                if id(v) not in self._restored}
        _restore_into(EAGER_VALUES, self._prefix, todo)
        self._restored.update(id(v) for v in todo.values())
        hooks = optimizer_lib.STATE_CREATED_HOOKS
        if unresolved and self._restore_eagerly not in hooks:
            hooks.append(self._restore_eagerly)
        elif not unresolved and self._restore_eagerly in hooks:
            hooks.remove(self._restore_eagerly)

    def _match(self, session=None):
        """(object graph now, {checkpoint node: object}, unresolved slot references)."""
        graph = self._graph(session)
        bound = {0: self._root}
        queue = [0]
        while queue:
            node_id = queue.pop(0)
            children = dict(_children(bound[node_id], graph_of(session)))
            for child_id, name in self._nodes[node_id].children:
                child = children.get(name)
                if child is not None and child_id not in bound:
                    bound[child_id] = child
                    queue.append(child_id)
        unresolved = []
        for node_id, obj in list(bound.items()):
            if not _is_optimizer(obj):
                continue
            for ref in self._nodes[node_id].slot_variables:
                original = bound.get(ref.original_variable_node_id)
                slot = obj.get_slot(original, ref.slot_name) \
                    if isinstance(original, Variable) else None
                if slot is None:
                    unresolved.append(ref)
                else:
                    bound[ref.slot_variable_node_id] = slot
        return graph, bound, unresolved

    def _restorations(self, bound):
        """{checkpoint key: variable} for the bound variables whose node holds a value."""
        out = {}
        for node_id, obj in bound.items():
            if not isinstance(obj, Variable):
                continue
            for attribute in self._nodes[node_id].attributes:
                if attribute.name == _VALUE:
                    out[attribute.checkpoint_key] = obj
        return out

    def run_restore_ops(self, session=None):
        """Sets every matched variable in `session` (default: the default session) from the
        checkpoint (all keys, dtypes and shapes checked before any value is set)."""
        session = _session(session, "restore")
        if session is EAGER_VALUES:
            self._restore_eagerly()
            return
        _, bound, _ = self._match(session)
        _restore_into(session, self._prefix, self._restorations(bound))

    def initialize_or_restore(self, session=None):
        """Restores the matched variables and runs the initializers of the others that the
        objects track."""
        session = _session(session, "restore")
        if session is EAGER_VALUES:
            self._restore_eagerly()
            return
        graph, bound, _ = self._match(session)
        restored = {id(v) for v in self._restorations(bound).values()}
        initializers = [v.initializer for _, v in graph.variables() if id(v) not in restored]
        _restore_into(session, self._prefix, self._restorations(bound))
        if initializers and session is not EAGER_VALUES:  # eager variables start initialized
            session.run(initializers)

    def assert_existing_objects_matched(self):
        """AssertionError unless every variable the objects track now has a value in the
        checkpoint; returns self."""
        graph, bound, _ = self._match()
        matched = {id(v) for v in self._restorations(bound).values()}
        unused = [v for _, v in graph.variables() if id(v) not in matched]
        if unused:
            shown = unused[:10]
            raise AssertionError(
                f"Found {len(unused)} Python objects that were not bound to checkpointed "
                f"values, likely due to changes in the Python program. Showing {len(shown)} of "
                f"{len(unused)} unmatched objects: {shown}")
        return self

    def assert_consumed(self):
        """AssertionError unless every value in the checkpoint has an object and every
        tracked variable a value (slots included); returns self."""
        self.assert_existing_objects_matched()
        _, bound, unresolved = self._match()
        for node_id, node in enumerate(self._nodes):
            if node.attributes and node_id not in bound:
                raise AssertionError(f"Unresolved object in checkpoint {node_id} "
                                     f"({node.attributes[0].checkpoint_key}): nothing in the "
                                     "Python program matches it.")
        if unresolved:
            names = [(self._nodes[r.original_variable_node_id].attributes[0].full_name
                      if self._nodes[r.original_variable_node_id].attributes else
                      r.original_variable_node_id, r.slot_name) for r in unresolved]
            raise AssertionError(f"Unresolved slot restorations: {names} (the optimizer has not "
                                 "created these slots yet).")
        return self

    def assert_nontrivial_match(self):
        """AssertionError if nothing but the root matched; returns self."""
        graph, bound, _ = self._match()
        if len(bound) <= 1:
            unused = [v for _, v in graph.variables()]
            if unused:
                raise AssertionError(
                    "Nothing except the root object matched a checkpointed value. Typically "
                    "this means that the checkpoint does not match the Python program. The "
                    f"following objects have no matching checkpointed value: {unused}")
            raise AssertionError(f"Nothing to load. No dependencies have been added to "
                                 f"{self._root} yet.")
        return self


class InitializationOnlyStatus(_Status):
    """TF's status of `Checkpoint.restore(None)`: nothing to restore; `initialize_or_restore`
    runs the tracked variables' initializers."""

    def _nothing(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    def assert_consumed(self):
        self._nothing()

    def assert_existing_objects_matched(self):
        self._nothing()

    def assert_nontrivial_match(self):
        self._nothing()

    def run_restore_ops(self, session=None):
        """Nothing to restore."""

    def initialize_or_restore(self, session=None):
        session = _session(session, "restore")
        if session is EAGER_VALUES:
            return  # eager variables start initialized
        initializers = [v.initializer for _, v in self._graph(session).variables()]
        if initializers:
            session.run(initializers)


class NameBasedSaverStatus(_Status):
    """TF's status for a checkpoint written by `tf.train.Saver` (no object graph): the
    tracked variables are restored by their names, as a Saver of them would."""

    def __init__(self, root, prefix, reader):
        super().__init__(root)
        self._prefix = prefix
        self._reader = reader

    def _by_name(self, session=None):
        """{name: variable} of the tracked variables (not the save counter, which a Saver
        checkpoint does not hold; TF restores it optionally)."""
        counter = self._root._save_counter
        return {_full_name(v): v for _, v in self._graph(session).variables() if v is not counter}

    def run_restore_ops(self, session=None):
        session = _session(session, "restore")
        _restore_into(session, self._prefix, self._by_name(session))

    def initialize_or_restore(self, session=None):
        self.run_restore_ops(session)

    def assert_consumed(self):
        missing = [name for name in self._by_name() if not self._reader.has(name)]
        if missing:
            raise AssertionError(f"Some objects had attributes which were not restored: "
                                 f"{missing} (restoring a name-based tf.train.Saver checkpoint "
                                 "by variable names)")
        return self

    def assert_existing_objects_matched(self):
        return self.assert_consumed()

    def assert_nontrivial_match(self):
        return self.assert_consumed()
