"""Reading checkpoints and initializing variables from them, as TF1's `checkpoint_utils`.

  * `NewCheckpointReader` / `load_checkpoint`: a reader with TF1's `CheckpointReader` API
    (`get_tensor`, `has_tensor`, `get_variable_to_shape_map`, `get_variable_to_dtype_map`,
    `debug_string`); `list_variables`, `load_variable`.
  * `init_from_checkpoint`: TF1's mapping rules. As in TF1, it *replaces each mapped
    variable's initializer*: `var.initializer` becomes a new "Assign" op whose value is a new
    "RestoreV2" op named "checkpoint_initializer", and `var.initial_value` that op's output.
    The next run of the variable's initializer (or of a `global_variables_initializer()`
    created afterwards) loads the checkpoint value, read from the file when the initializer
    runs (through `jax.pure_callback`, so no copy of the value is kept in the graph or in the
    compiled step). Initializer ops created before the call are left as they were and still
    run the old initial value, exactly as in TF1: call `init_from_checkpoint` before
    `tf.global_variables_initializer()`.
  * `assign_from_checkpoint` / `assign_from_checkpoint_fn`: tf.contrib.framework's helpers.
"""

import collections.abc
import functools
import logging
import os

import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import make_op
from tfvars_jax.framework.op_kind import PURE
from tfvars_jax.framework.precision import pure_callback_exact
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops, control_flow_ops, state_ops
from tfvars_jax.train import bundle
from tfvars_jax.train import checkpoint_management as cm
from tfvars_jax.train import saver as saver_lib
from tfvars_jax.variables import variable_scope

_log = logging.getLogger("tfvars_jax.train")

__all__ = ["CheckpointReader", "NewCheckpointReader", "load_checkpoint", "load_variable",
           "list_variables", "init_from_checkpoint", "assign_from_checkpoint",
           "assign_from_checkpoint_fn"]

# DataType enum -> TF's DataType_Name, for debug_string.
_DT_NAMES = {1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16",
             6: "DT_INT8", 7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL",
             11: "DT_QINT8", 12: "DT_QUINT8", 13: "DT_QINT32", 14: "DT_BFLOAT16", 15: "DT_QINT16",
             16: "DT_QUINT16", 17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF",
             20: "DT_RESOURCE", 21: "DT_VARIANT", 22: "DT_UINT32", 23: "DT_UINT64",
             24: "DT_FLOAT8_E5M2", 25: "DT_FLOAT8_E4M3FN"}


def dtype_enum_name(enum):
    """TF's name of a DataType enum value, e.g. 1 -> "DT_FLOAT"."""
    return _DT_NAMES.get(int(enum), f"DT_INVALID({int(enum)})")


class CheckpointReader:
    """TF1's `CheckpointReader` (from `tf.train.NewCheckpointReader`) over a V2 checkpoint.

    The index is read (and checksummed) once; each `get_tensor` reads and checksums its data.
    Partitioned tensors appear once, under their full name, and are assembled on read.
    """

    def __init__(self, filepattern):
        """Opens the checkpoint with prefix `filepattern`.

        Raises:
          errors.NotFoundError: no such checkpoint.
          errors.DataLossError: the index is corrupt.
          errors.UnimplementedError: a V1 checkpoint.
        """
        self._reader = cm.open_reader(filepattern)

    @property
    def prefix(self):
        return self._reader.prefix

    def has_tensor(self, tensor_str):
        """Whether the checkpoint holds a tensor of that name."""
        return self._reader.has(tensor_str)

    def get_tensor(self, tensor_str):
        """The tensor's value as a NumPy array (a NumPy scalar / bytes for rank 0, as TF1).

        Raises:
          errors.NotFoundError: "Key NAME not found in checkpoint".
          errors.DataLossError: the data is truncated or corrupt.
        """
        if not self._reader.has(tensor_str):
            raise errors.NotFoundError(None, None, f"Key {tensor_str} not found in checkpoint")
        value = self._reader.read(tensor_str)
        return value[()] if value.ndim == 0 else value

    def get_variable_to_shape_map(self):
        """{name: shape as a list of ints}."""
        return {name: [int(d) for d in self._reader.shape(name)] for name in self._reader.keys()}

    def get_variable_to_dtype_map(self):
        """{name: tfvars_jax DType} (the NumPy dtype for a TF dtype we have no DType for)."""
        out = {}
        for name in self._reader.keys():
            enum = self._reader._entry(name)[1].dtype
            try:
                out[name] = dtypes.as_dtype(int(enum))
            except TypeError:
                out[name] = self._reader.dtype(name)
        return out

    def get_variable_to_num_bytes_map(self):
        """{name: bytes its data takes in the data files} (summed over slices)."""
        sizes = {}
        for key, entry in self._reader._entries.items():
            if key == b"":
                continue
            if key.startswith(b"\x00"):
                continue
            if entry.slices:
                total = 0
                for extents in entry.slices:
                    part = self._reader._entries.get(bundle._slices.encode_tensor_name_slice(key, extents))
                    total += part.size if part is not None else 0
                sizes[key.decode("utf-8", "surrogateescape")] = total
            else:
                sizes[key.decode("utf-8", "surrogateescape")] = entry.size
        return sizes

    def debug_string(self):
        """TF's `BundleReader::DebugString()`: "name (DT_FLOAT) [2,3]" per line, as bytes.

        Byte for byte what TensorFlow prints, including its quirk of listing the (binary) keys
        of the slices of partitioned tensors and not their full names.
        """
        lines = []
        for key, entry in self._reader._entries.items():
            if entry.slices:
                continue
            shape = "[" + ",".join(str(int(d)) for d in entry.shape) + "]"
            lines.append(key + f" ({dtype_enum_name(entry.dtype)}) {shape}\n".encode())
        return b"".join(lines)

    def __repr__(self):
        return f"<CheckpointReader {self.prefix!r}>"


def NewCheckpointReader(filepattern):  # noqa: N802 - TF1's name
    """TF1's `tf.train.NewCheckpointReader(prefix)`: a `CheckpointReader`."""
    return CheckpointReader(filepattern)


def _checkpoint_filename(ckpt_dir_or_file):
    path = cm._path(ckpt_dir_or_file, "ckpt_dir_or_file")
    if os.path.isdir(path):
        return cm.latest_checkpoint(path)
    return path


def load_checkpoint(ckpt_dir_or_file):
    """TF1's `tf.train.load_checkpoint`: a CheckpointReader for a prefix, or for the latest
    checkpoint of a directory.

    Raises:
      ValueError: a directory with no checkpoint.
      errors.NotFoundError: no such checkpoint.
    """
    filename = _checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given directory "
                         f"{ckpt_dir_or_file}")
    return CheckpointReader(filename)


def load_variable(ckpt_dir_or_file, name):
    """TF1's `tf.train.load_variable`: one tensor's value (a trailing ":0" is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file):
    """TF1's `tf.train.list_variables`: sorted [(name, shape as a list)] of a checkpoint."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


# ----- init_from_checkpoint -------------------------------------------------------------------
def _is_variable(x):
    return saver_lib._is_variable(x)


def _store(graph):
    return variable_scope._store(graph)


def _collect_partitioned_variable(name, all_vars):
    if name + "/part_0" in all_vars:
        parts = []
        i = 0
        while f"{name}/part_{i}" in all_vars:
            parts.append(all_vars[f"{name}/part_{i}"])
            i += 1
        return parts
    return None


def _read_for_initializer(prefix, tensor_name, shape_and_slice, shape, np_dtype):
    reader = bundle.BundleReader(prefix)
    value = reader.read_slice(tensor_name,
                              shape_and_slice) if shape_and_slice else reader.read(tensor_name)
    value = value.reshape(shape)
    if np_dtype is None:  # strings
        return value
    return np.asarray(value, dtype=np_dtype, order="C")


def _restore_v2_callback(prefix, tensor_name, shape_and_slice, shape, dtype):
    """Kernel of a numeric "RestoreV2" op: reads the tensor from the file when the run executes."""
    np_dtype = np.dtype(dtype)
    read = functools.partial(_read_for_initializer, prefix, tensor_name, shape_and_slice, shape,
                             np_dtype)
    return pure_callback_exact(read, shape, np_dtype)


def _restore_v2_host(prefix, tensor_name, shape_and_slice, shape, dtype):
    """Kernel of a string "RestoreV2" op (runs host-side, outside jit)."""
    return _read_for_initializer(prefix, tensor_name, shape_and_slice, shape, None)


def _set_checkpoint_initializer(variable, ckpt_file, tensor_name, slice_spec,
                                name="checkpoint_initializer"):
    """TF1's `_set_checkpoint_initializer`: a RestoreV2 op reading `tensor_name` (its slice
    `slice_spec` for a part), assigned by a new initializer op that replaces `variable`'s."""
    graph = variable.graph
    base = variable.dtype.base_dtype
    shape = variable.shape
    if not shape.is_fully_defined():
        raise ValueError(f"init_from_checkpoint: variable {variable.name} has a shape that is not "
                         f"fully defined ({shape}); it cannot be initialized from a checkpoint.")
    attrs = {"prefix": ckpt_file, "tensor_name": tensor_name, "shape_and_slice": slice_spec,
             "shape": tuple(shape.as_list()),
             "dtype": None if base == dtypes.string else np.dtype(base.as_numpy_dtype)}
    # A string op runs host-side (outside jit); a numeric one reads through jax.pure_callback
    # (kind CALLBACK: the interpreter never constant-folds it).
    kernel, kind = (_restore_v2_host, PURE) if base == dtypes.string else (_restore_v2_callback,
                                                                           control_flow_ops.CALLBACK)
    with graph.as_default(), graph.control_dependencies(None):
        op = make_op("RestoreV2", kernel, [], name=name, kind=kind, attrs=attrs,
                     out_specs=[(base, TensorShape(shape.as_list()))])
        restore = op.outputs[0]
        init = state_ops.assign(variable._variable_op, restore, validate_shape=True)
    # (a resource variable's AssignVariableOp is the op itself)
    variable._initializer_op = init if isinstance(init, ops_lib.Operation) else init.op
    variable._initial_value = restore


def _set_variable_or_list_initializer(variable_or_list, ckpt_file, tensor_name):
    if isinstance(variable_or_list, (list, tuple)):
        slice_name = None
        for v in variable_or_list:
            info = v._save_slice_info
            if info is None:
                raise ValueError(f"Slices must all be slices: {v}")
            if slice_name is None:
                slice_name = info.full_name
            elif slice_name != info.full_name:
                raise ValueError(f"Slices must all be from the same tensor: {slice_name} != "
                                 f"{info.full_name}")
            _set_checkpoint_initializer(v, ckpt_file, tensor_name, saver_lib._slice_spec(info))
    else:
        _set_checkpoint_initializer(variable_or_list, ckpt_file, tensor_name, "")


def _check_compatible(var, reader, tensor_name, ckpt_dir_or_file):
    """Shape (as TF1, at call time) and dtype (TF1 fails later, at run time) checks."""
    ckpt_shape = list(reader.shape(tensor_name))
    ckpt_dtype = saver_lib._ckpt_dtype(reader, tensor_name)
    parts = var if isinstance(var, (list, tuple)) else [var]
    for v in parts:
        if ckpt_dtype != v.dtype.base_dtype:
            raise ValueError(f"Dtype of variable {v.name} ({v.dtype.base_dtype.name}) doesn't "
                             f"match with dtype of tensor {tensor_name} "
                             f"({ckpt_dtype.name if ckpt_dtype else 'unknown'}) from checkpoint "
                             f"{ckpt_dir_or_file}.")
    if isinstance(var, (list, tuple)):
        full = [int(d) for d in var[0]._save_slice_info.full_shape]
        if full != ckpt_shape:
            raise ValueError(f"Shape of partitioned variable {var[0]._save_slice_info.full_name} "
                             f"({full}) doesn't match with shape of tensor {tensor_name} "
                             f"({ckpt_shape}) from checkpoint reader.")
    elif not var.get_shape().is_compatible_with(ckpt_shape):
        raise ValueError(f"Shape of variable {var.name} ({var.get_shape()}) doesn't match with "
                         f"shape of tensor {tensor_name} ({ckpt_shape}) from checkpoint reader.")


def init_from_checkpoint(ckpt_dir_or_file, assignment_map):
    """TF1's `tf.train.init_from_checkpoint`: makes variables' initializers load checkpoint values.

    `assignment_map` maps checkpoint names (or scopes) to current variables (or scopes), with
    TF1's rules:
      * `{'old_scope/var': 'new_scope/var'}`: one variable created by `get_variable` (or a
        partitioned one, by its full name);
      * `{'old_scope/var': var}` / `[part vars]` / a PartitionedVariable: given objects;
      * `{'old_scope/': 'new_scope/'}`: every `get_variable` variable under `new_scope/`
        from the same path under `old_scope/`;
      * `{'/': 'new_scope/'}` (checkpoint root) and `{'old_scope/': '/'}` (all variables).
    Only variables made by `tf.get_variable` are found by name (as in TF1); pass `tf.Variable`
    objects themselves.

    See the module docstring for how the initializers are replaced.

    Raises:
      ValueError: a name missing from the checkpoint, a shape or dtype mismatch, a scope mapped
        to a non-scope.
    """
    ckpt_file = _checkpoint_filename(ckpt_dir_or_file)
    reader = load_checkpoint(ckpt_dir_or_file)._reader
    ckpt_file = reader.prefix if ckpt_file is None else ckpt_file
    if isinstance(assignment_map, collections.abc.Mapping):
        assignment_map = assignment_map.items()
    graph = ops_lib.get_default_graph()
    store = _store(graph)
    store_vars = store.vars
    for tensor_name_in_ckpt, current_var_or_name in sorted(assignment_map,
                                                           key=lambda pair: pair[0]):
        var = None
        if _is_variable(current_var_or_name) or (
                isinstance(current_var_or_name, (list, tuple)) and current_var_or_name
                and all(_is_variable(v) for v in current_var_or_name)):
            var = current_var_or_name
        elif saver_lib._is_partitioned(current_var_or_name):
            var = list(current_var_or_name._get_variable_list())
        elif isinstance(current_var_or_name, str):
            var = store_vars.get(current_var_or_name)
            if var is None:
                var = _collect_partitioned_variable(current_var_or_name, store_vars)
        else:
            raise TypeError("init_from_checkpoint: the assignment map's value for "
                            f"'{tensor_name_in_ckpt}' must be a variable name, a scope, a Variable "
                            f"or a list of partitions, got {current_var_or_name!r}")
        if var is not None:
            if not reader.has(tensor_name_in_ckpt):
                close = saver_lib.closest_names(tensor_name_in_ckpt, reader.keys())
                raise ValueError(f"Tensor {tensor_name_in_ckpt} is not found in {ckpt_dir_or_file} checkpoint "
                                 f"{ {k: list(reader.shape(k)) for k in reader.keys()} }" +
                                 (f" (closest names: {', '.join(close)})" if close else ""))
            _check_compatible(var, reader, tensor_name_in_ckpt, ckpt_dir_or_file)
            _set_variable_or_list_initializer(var, ckpt_file, tensor_name_in_ckpt)
            _log.debug("Initialize variable %s from checkpoint %s with %s",
                       var.name if _is_variable(var) else ",".join(v.name for v in var),
                       ckpt_dir_or_file, tensor_name_in_ckpt)
            continue
        scopes = ""
        if "/" in current_var_or_name:
            scopes = current_var_or_name[:current_var_or_name.rindex("/")]
        if not tensor_name_in_ckpt.endswith("/"):
            raise ValueError(f"Assignment map with scope only name {scopes} should map to scope "
                             f"only {tensor_name_in_ckpt}. Should be 'scope/': 'other_scope/'.")
        scope_variables = set()
        for var_name in store_vars:
            if not scopes or var_name.startswith(scopes + "/"):
                if "/part_" in var_name:
                    var_name = var_name[:var_name.index("/part_")]
                scope_variables.add(var_name)
        for var_name in sorted(scope_variables):
            full_tensor_name = var_name[len(scopes):]
            if current_var_or_name != "/":
                full_tensor_name = full_tensor_name[1:]
            if tensor_name_in_ckpt != "/":
                full_tensor_name = tensor_name_in_ckpt + full_tensor_name
            if full_tensor_name.endswith("/"):
                full_tensor_name = full_tensor_name[:-1]
            if not reader.has(full_tensor_name):
                raise ValueError(f"Tensor {full_tensor_name} ({var_name[len(scopes) + 1:]} in "
                                 f"{tensor_name_in_ckpt}) is not found in {ckpt_dir_or_file} "
                                 "checkpoint")
            var = store_vars.get(var_name)
            if var is None:
                var = _collect_partitioned_variable(var_name, store_vars)
            _check_compatible(var, reader, full_tensor_name, ckpt_dir_or_file)
            _set_variable_or_list_initializer(var, ckpt_file, full_tensor_name)
            _log.debug("Initialize variable %s from checkpoint %s with %s", var_name,
                       ckpt_dir_or_file, full_tensor_name)


# ----- tf.contrib.framework helpers -------------------------------------------------------------
def _full_name(var):
    info = var._save_slice_info
    return info.full_name if info is not None else var.op.name


def _expand(values):
    out = []
    for v in values:
        if saver_lib._is_partitioned(v):
            out.extend(v._get_variable_list())
        else:
            out.append(v)
    return out


def assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False):
    """tf.contrib.framework's `assign_from_checkpoint`: an op assigning `var_list` from a
    checkpoint, and the feed dict of checkpoint values it needs.

    Args:
      model_path: a checkpoint prefix (use `tf.train.latest_checkpoint(dir)` for a directory).
      var_list: a list of (possibly partitioned) variables, or a dict {checkpoint name:
        variable or list of slice variables}. Partitioned variables are found by their full name.
      ignore_missing_vars: log a warning and skip names missing from the checkpoint instead of
        failing.

    Returns:
      (assign_op, feed_dict): run `sess.run(assign_op, feed_dict)`. One placeholder
      "placeholder/<var name>" and one Assign op per variable, as TF1.

    Raises:
      ValueError: a name is missing (without `ignore_missing_vars`) or a shape differs.
    """
    grouped = {}
    if isinstance(var_list, (tuple, list)):
        for var in _expand(var_list):
            grouped.setdefault(_full_name(var), []).append(var)
    else:
        for ckpt_name, value in var_list.items():
            grouped[ckpt_name] = _expand(value) if isinstance(value,
                                                              (tuple, list)) else _expand([value])
    reader = NewCheckpointReader(model_path)
    feed_dict = {}
    assign_ops = []
    for ckpt_name, variables in grouped.items():
        if not reader.has_tensor(ckpt_name):
            message = f"Checkpoint is missing variable [{ckpt_name}]"
            if ignore_missing_vars:
                _log.warning(message)
                continue
            raise ValueError(message)
        ckpt_value = np.asarray(reader.get_tensor(ckpt_name))
        for var in variables:
            with var.graph.as_default():
                placeholder = array_ops.placeholder(dtype=var.dtype.base_dtype,
                                                    shape=var.get_shape(),
                                                    name="placeholder/" + var.op.name)
                assign_ops.append(var.assign(placeholder))
            info = var._save_slice_info
            if info is None:
                if var.get_shape() != TensorShape(list(ckpt_value.shape)):
                    raise ValueError(f"Total size of new array must be unchanged for {ckpt_name} "
                                     f"lh_shape: [{ckpt_value.shape}], rh_shape: "
                                     f"[{var.get_shape()}]")
                feed_dict[placeholder] = ckpt_value
            else:
                index = tuple(slice(int(o), int(o) + int(s)) for o,
                              s in zip(info.var_offset, info.var_shape))
                feed_dict[placeholder] = ckpt_value[index].reshape([int(s) for s in info.var_shape])
    assign_op = control_flow_ops.group(*assign_ops)
    return assign_op, feed_dict


def assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False,
                              reshape_variables=False):
    """tf.contrib.framework's `assign_from_checkpoint_fn`: a function `fn(sess)` restoring
    `var_list` from `model_path` (with a Saver), or None when no variable is left to restore.

    Args:
      model_path: a checkpoint prefix.
      var_list: a list of variables or a dict {checkpoint name: variable}.
      ignore_missing_vars: skip (with a warning) variables missing from the checkpoint.
      reshape_variables: restore values whose shape differs but size matches (Saver's reshape).

    Raises:
      ValueError: `var_list` is empty.
    """
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = NewCheckpointReader(model_path)
        if isinstance(var_list, dict):
            var_dict = var_list
        else:  # parts of a partitioned variable are grouped under its full name
            var_dict = {}
            for v in _expand(var_list):
                if v._save_slice_info is not None:
                    var_dict.setdefault(_full_name(v), []).append(v)
                else:
                    var_dict[v.op.name] = v
        available = {}
        for name, var in var_dict.items():
            if reader.has_tensor(name):
                available[name] = var
            else:
                _log.warning("Variable %s missing in checkpoint %s", name, model_path)
        var_list = available
    if var_list:
        saver = saver_lib.Saver(var_list, reshape=reshape_variables)

        def callback(session):
            saver.restore(session, model_path)
        return callback
    _log.warning("No Variables to restore")
    return None
