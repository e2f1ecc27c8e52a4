"""`tf.train.Saver`: TF1's name-based checkpoints, in TensorFlow's own V2 format.

A Saver maps checkpoint keys to variables, exactly as TF1's Saver does: by default every
variable in GLOBAL_VARIABLES (and SAVEABLE_OBJECTS) under its op name (`conv1/weights`,
`conv1/weights/Adam`, `global_step`), a partitioned variable once under its full name with
one slice per part; a dict `var_list` renames. Files are written by `bundle.write_bundle`, so
TensorFlow reads them, and TF1's checkpoints restore here.

What happens on `save`, in order (each step only after the previous one completed):
  1. the variables' current values are written to `prefix.data-00000-of-00001` and
     `prefix.index` (temporary files, fsynced, renamed; see `bundle`);
  2. the `checkpoint` state file is atomically replaced (temporary file, fsync, rename);
  3. checkpoints beyond `max_to_keep` (and not kept by `keep_checkpoint_every_n_hours`) are
     deleted.
This is TF1's order. A crash at any point leaves every checkpoint the state file names
loadable: a crash in 1 leaves the previous checkpoint and state file untouched; a crash
after 2 leaves at worst an old checkpoint that nothing names any more.

`restore` checks every key, dtype and shape against the checkpoint's index, then reads
(and checksums) every value, and only then sets them all at once, so a failed restore
leaves the session's values unchanged.

Not supported (raise NotImplementedError naming the argument): `saver_def`, `builder`,
`write_version=V1`, writing with `sharded=True` when the variables are on several devices
(TF1 writes a shard per device; on one device the files are TF's, and restoring sharded
checkpoints works),
`as_saver_def`/`to_proto`/`export_meta_graph` (no protos). With `write_meta_graph=True`
no `.meta` file is written (we cannot write a real MetaGraphDef); the Saver warns once.
"""

import concurrent.futures
import difflib
import logging
import math
import numbers
import os
import time
import threading
import warnings

import jax
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.precision import tf_precision
from tfvars_jax.runtime.session import Session
from tfvars_jax.train import bundle
from tfvars_jax.train import checkpoint_management as cm

__all__ = ["Saver", "SaverDef", "MetaGraphNotWrittenWarning"]

_log = logging.getLogger("tfvars_jax.train")


class SaverDef:
    """TF1's `tf.train.SaverDef` format-version constants (`SaverDef.V2` is the default).

    Constructing a SaverDef proto is not supported.
    """

    LEGACY, V1, V2 = 0, 1, 2
    CheckpointFormatVersion = type("CheckpointFormatVersion", (), {"LEGACY": 0, "V1": 1, "V2": 2})

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("tf.train.SaverDef protos are not supported by tfvars_jax (no "
                                  "protos); only the constants SaverDef.V1 / SaverDef.V2 are.")


class MetaGraphNotWrittenWarning(UserWarning):
    """Saver.save(write_meta_graph=True) could not write a `.meta` file."""


_RESTORE_MISSING = ("Restoring from checkpoint failed. This is most likely due to a Variable name "
                    "or other graph key that is missing from the checkpoint. Please ensure that "
                    "you have not altered the graph expected based on the checkpoint. Original "
                    "error:\n\n")
_RESTORE_MISMATCH = ("Restoring from checkpoint failed. This is most likely due to a mismatch "
                     "between the current graph and the graph from the checkpoint. Please ensure "
                     "that you have not altered the graph expected based on the checkpoint. "
                     "Original error:\n\n")
_READ_THREADS = max(2, min(8, os.cpu_count() or 1))  # restore reads this many tensors at once
# Restores reading more bytes than this verify every checksum first and then set variables
# one at a time (constant memory); smaller ones read everything, then set it all at once.
STREAMING_RESTORE_BYTES = 256 << 20
_TF_DTYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


# ----- what gets saved ------------------------------------------------------------------------
def _is_variable(x):
    return hasattr(x, "_variable_op") and hasattr(x, "_save_slice_info")


def _is_partitioned(x):
    return hasattr(x, "_get_variable_list") and not _is_variable(x)


def _slice_spec(info):
    """TF's shape-and-slice string of a part, e.g. "10 4 0,5:0,4"."""
    spec = getattr(info, "spec", None)
    if isinstance(spec, str) and spec:
        return spec
    full = " ".join(str(int(d)) for d in info.full_shape)
    sl = ":".join(f"{int(o)},{int(s)}" for o, s in zip(info.var_offset, info.var_shape))
    return f"{full} {sl}"


class _Saveable:
    """One checkpoint key: a whole variable (`var`), or the parts of a partitioned one."""

    __slots__ = ("name", "var", "parts")

    def __init__(self, name, var=None, parts=None):
        self.name, self.var, self.parts = name, var, parts

    def variables(self):
        return [self.var] if self.var is not None else list(self.parts)


def _variable_name_for_error(x):
    return getattr(x, "name", repr(x))


def _check_variable(x):
    if _is_variable(x):
        return
    if hasattr(x, "specs") and hasattr(x, "restore"):  # a TF1 SaveableObject
        raise NotImplementedError(f"tf.train.Saver: SaveableObject {getattr(x, 'name', x)!r} "
                                  f"({type(x).__name__}) is not supported by tfvars_jax; it saves "
                                  "variables and partitioned variables only.")
    raise TypeError(f"Variable to save is not a Variable: {x!r}. tfvars_jax saves variables and "
                    "partitioned variables only.")


def _parts_of(value, key):
    """The part variables of a partitioned variable or list of slices, all of one tensor."""
    parts = list(value._get_variable_list()) if _is_partitioned(value) else list(value)
    if not parts:
        raise ValueError(f"Partitioned variable or slice list for '{key}' is empty.")
    full_name = None
    for p in parts:
        _check_variable(p)
        info = p._save_slice_info
        if info is None:
            raise ValueError(f"Slices must all be slices: {p}")
        if full_name is None:
            full_name = info.full_name
        elif info.full_name != full_name:
            raise ValueError(f"Slices must all be from the same tensor: {full_name} != "
                             f"{info.full_name}")
    return parts


def saveables_from_var_list(var_list):
    """TF1's `op_list_to_dict` + `validate_and_slice_inputs`: checkpoint key -> _Saveable.

    Args:
      var_list: None (GLOBAL_VARIABLES + SAVEABLE_OBJECTS of the default graph), a list/tuple/
        set of variables and partitioned variables, or a dict {checkpoint key: variable,
        partitioned variable or list of its parts}.

    Returns:
      A list of _Saveable, sorted by key.

    Raises:
      TypeError: an entry is not a variable.
      ValueError: two entries share a name, or one variable is given twice.
    """
    if var_list is None:
        var_list = (ops_lib.get_collection(ops_lib.GraphKeys.GLOBAL_VARIABLES) +
                    ops_lib.get_collection(ops_lib.GraphKeys.SAVEABLE_OBJECTS))
    by_name = {}
    if isinstance(var_list, dict):
        for key, value in var_list.items():
            if not isinstance(key, str):
                raise TypeError(f"Checkpoint names in a var_list dict must be strings, got {key!r}")
            if _is_variable(value):
                by_name[key] = _Saveable(key, var=value)
            elif _is_partitioned(value) or isinstance(value, (list, tuple)):
                by_name[key] = _Saveable(key, parts=_parts_of(value, key))
            else:
                _check_variable(value)
    elif isinstance(var_list, (list, tuple, set)):
        flat = []
        for v in var_list:
            flat.extend(v if isinstance(v, (list, tuple)) else [v])
        for v in sorted(flat, key=lambda x: str(_variable_name_for_error(x))):
            if _is_partitioned(v):
                parts = _parts_of(v, _variable_name_for_error(v))
                name = parts[0]._save_slice_info.full_name
                if name in by_name:
                    raise ValueError(f"At least two variables have the same name: {name}")
                by_name[name] = _Saveable(name, parts=parts)
                continue
            _check_variable(v)
            info = v._save_slice_info
            if info is not None:
                name = info.full_name
                entry = by_name.get(name)
                if entry is None:
                    by_name[name] = _Saveable(name, parts=[v])
                elif entry.parts is None:
                    raise ValueError(f"Mixing slices and non-slices with the same name: {name}")
                else:
                    entry.parts.append(v)
                continue
            name = v.op.name
            if name in by_name:
                raise ValueError(f"At least two variables have the same name: {name}")
            by_name[name] = _Saveable(name, var=v)
    else:
        raise TypeError(f"Variables to save should be passed in a dict or a list: {var_list!r}")
    seen = {}
    for entry in by_name.values():
        for v in entry.variables():
            if id(v) in seen:
                raise ValueError(f"The same saveable will be restored with two names: {v.op.name} "
                                 f"(as '{seen[id(v)]}' and '{entry.name}')")
            seen[id(v)] = entry.name
    graphs = {v.graph for e in by_name.values() for v in e.variables()}
    if len(graphs) > 1:
        raise ValueError("All variables of a Saver must be in the same graph.")
    return [by_name[k] for k in sorted(by_name)]


# ----- helpers ---------------------------------------------------------------------------------
def _tf_dtype_name(dtype):
    name = dtype.base_dtype.name if isinstance(dtype, dtypes.DType) else str(dtype)
    return _TF_DTYPE_NAMES.get(name, name)


def _shape_str(shape):
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _ckpt_dtype(reader, key):
    """The DType of a checkpoint entry (None for a TF dtype we have no DType for)."""
    enum = reader._entry(key)[1].dtype
    try:
        return dtypes.as_dtype(int(enum))
    except TypeError:
        return None


def closest_names(name, names, n=3):
    """Up to `n` names in `names` most similar to `name` (for error messages)."""
    names = list(names)
    close = difflib.get_close_matches(name, names, n=n, cutoff=0.5)
    if not close:
        leaf = name.rsplit("/", 1)[-1]
        close = [k for k in names if k.rsplit("/", 1)[-1] == leaf][:n]
    return close


def _missing_message(missing, reader):
    keys = reader.keys()
    lines = []
    for key, var_name in missing:
        close = closest_names(key, keys)
        hint = f" Closest names in the checkpoint: {', '.join(close)}." if close else ""
        target = f" (for variable '{var_name}')" if var_name != key else ""
        lines.append(f"Key {key} not found in checkpoint{target}.{hint}")
    return _RESTORE_MISSING + "\n".join(lines) + f"\n(checkpoint: {reader.prefix})"


def _global_step_value(sess, global_step):
    if isinstance(global_step, (numbers.Integral, np.integer)):
        return int(global_step)
    value = sess.run(global_step)
    return int(value)


def _host_value(value):
    """A NumPy view (no copy on CPU) of a session value, for writing."""
    return value if isinstance(value, np.ndarray) else np.asarray(value)


# ----- the Saver ---------------------------------------------------------------------------------
class Saver:
    """TF1's `tf.train.Saver`: saves and restores variables in TF's V2 checkpoint format.

    See the module docstring for what is written, in which order, and what is not supported.
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=SaverDef.V2, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        if saver_def is not None:
            raise NotImplementedError("tf.train.Saver(saver_def=...): SaverDef protos are not "
                                      "supported by tfvars_jax; build the Saver from var_list "
                                      "instead.")
        if builder is not None:
            raise NotImplementedError("tf.train.Saver(builder=...): custom SaverBuilders are not "
                                      "supported by tfvars_jax (the Saver adds no save/restore ops "
                                      "to the graph).")
        if write_version != SaverDef.V2:
            raise NotImplementedError(f"tf.train.Saver(write_version={write_version!r}): only the "
                                      "V2 checkpoint format (SaverDef.V2, the default) is "
                                      "supported; V1 is not.")
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either set "
                             "defer_build=False or var_list=None.")
        self._var_list = var_list
        self._reshape = bool(reshape)
        self._sharded = bool(sharded)
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._restore_sequentially = restore_sequentially
        self._allow_empty = allow_empty
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self._last_checkpoints = []          # [(prefix, time)], oldest first
        self._checkpoints_to_be_deleted = []
        self._meta_warned = False
        self._save_lock = threading.Lock()
        self._is_built = False
        self._is_empty = False
        self._saveables = []
        self._graph = None
        if not defer_build:
            self.build()

    # ----- building ------------------------------------------------------------------------
    def build(self):
        """Resolves `var_list` (the default graph's saveable variables when None)."""
        if self._is_built:
            return
        self._is_built = True
        self._saveables = saveables_from_var_list(self._var_list)
        self._graph = (self._saveables[0].variables()[0].graph if self._saveables
                       else ops_lib.get_default_graph())
        self._next_checkpoint_time = time.time() + self._keep_checkpoint_every_n_hours * 3600
        if not self._saveables:
            if self._allow_empty:
                self._is_empty = True
                return
            raise ValueError("No variables to save")

    # ----- bookkeeping of kept checkpoints -------------------------------------------------
    @property
    def last_checkpoints(self):
        """The prefixes of the checkpoints this Saver keeps, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        """DEPRECATED in TF1: sets the kept checkpoints (with no creation times)."""
        if not isinstance(last_checkpoints, list):
            raise TypeError("last_checkpoints must be a list")
        self._last_checkpoints = [(s, np.inf) for s in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Sets the kept checkpoints as [(prefix, creation time in seconds)], oldest first."""
        if not isinstance(last_checkpoints_with_time, list):
            raise TypeError("last_checkpoints_with_time must be a list")
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths):
        """Takes over the kept checkpoints (e.g.
        `get_checkpoint_state(d).all_model_checkpoint_paths` after a restart), timed by their
        files; missing ones are skipped."""
        out = []
        for path in checkpoint_paths:
            mtime = cm.get_checkpoint_mtimes([path])
            if mtime:
                out.append((path, mtime[0]))
        self.set_last_checkpoints_with_time(out)

    def _record_last_checkpoint(self, latest_save_path):
        if not self._max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != latest_save_path]
        self._last_checkpoints.append((latest_save_path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix="meta"):
        while self._checkpoints_to_be_deleted:
            path, created = self._checkpoints_to_be_deleted.pop(0)
            if created > self._next_checkpoint_time:  # keep one every N hours for good
                self._next_checkpoint_time += self._keep_checkpoint_every_n_hours * 3600
                continue
            cm.remove_checkpoint(path, 2, meta_graph_suffix)

    # ----- saving ---------------------------------------------------------------------------
    def _check_session(self, sess):
        if not isinstance(sess, Session):
            raise TypeError(f"'sess' must be a Session; {sess}")
        if self._saveables and sess.graph is not self._graph:
            raise ValueError("The session's graph is not the graph of this Saver's variables.")

    def _collect(self, values):
        """(plain tensors, slices) to write, from a held State of the session's values."""
        missing = [v.op.name for e in self._saveables for v in e.variables() if v.op.name not in values]
        if missing:
            raise errors.FailedPreconditionError(None, None, "Attempting to use uninitialized value " +
                                                 ", ".join(missing) + " (while saving a checkpoint)")
        tensors, slices = {}, {}
        for entry in self._saveables:
            if entry.var is not None:
                tensors[entry.name] = _host_value(values[entry.var.op.name])
            else:
                slices[entry.name] = [(_slice_spec(p._save_slice_info),
                                       _host_value(values[p.op.name]))
                                      for p in entry.parts]
        return tensors, slices

    def _check_one_shard(self):
        """sharded=True writes one shard per device of the saved variables (TF1's
        `_GroupByDevices`); with every variable on one device that is the one shard an
        unsharded Saver writes (`.data-00000-of-00001`, `.index`), TF's files exactly."""
        devices = sorted({v.device for e in self._saveables for v in e.variables()})
        if len(devices) > 1:
            raise NotImplementedError(
                "tf.train.Saver(sharded=True).save: the variables are on several devices "
                f"({devices}), for which TF1 writes one data shard per device; tfvars_jax writes "
                "sharded checkpoints of variables on one device only. Use sharded=False "
                "(restoring sharded checkpoints written by TensorFlow works).")

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Saves the variables' current values in `sess` to a checkpoint, and returns its prefix.

        As TF1's `Saver.save`, and in TF's own V2 format (TensorFlow reads the files): the
        prefix's `.index` and `.data-00000-of-00001` files are written atomically, then the
        `checkpoint` state file names the new checkpoint, then checkpoints beyond `max_to_keep`
        are deleted. Unlike TF1 no `.meta` MetaGraph file is written: `write_meta_graph=True`
        (the default) warns once per Saver instead.

        Args:
          sess: the Session holding the values.
          save_path: the checkpoint prefix, e.g. "/tmp/train/model.ckpt"; its directory must exist.
          global_step: None, an int, or a variable/tensor evaluated in `sess`; appended to the
            prefix ("model.ckpt-1000", zero-padded to 8 digits with `pad_step_number`).
          latest_filename: name of the state file (default "checkpoint"), no directory part.
          meta_graph_suffix: suffix of the MetaGraph file (used when deleting old checkpoints).
          write_meta_graph: True (TF1's default) only warns, once per Saver: no `.meta` is written.
          write_state: whether to update the state file and delete old checkpoints.
          strip_default_attrs, save_debug_info: MetaGraph options; accepted, no effect.

        Returns:
          The prefix written ("model.ckpt-1000"), or None if the Saver is empty.

        Raises:
          NotImplementedError: the Saver was built with sharded=True and its variables are
            on several devices (one device: the same files as TF's one shard).
          RuntimeError: the Saver was built with defer_build=True and `build()` was not called.
          TypeError: `sess` is not a Session.
          ValueError: bad latest_filename, or `sess` runs another graph. (A missing parent
            directory is created, as TF 1.x's SaveV2 kernel does; TF 2.x's compat.v1 raises
            ValueError there instead.)
          errors.FailedPreconditionError: a variable is uninitialized (nothing is written).

        Examples:
          >>> import os, shutil, tempfile
          >>> import tfvars_jax as tf
          >>> ckpt_dir = tempfile.mkdtemp()
          >>> with tf.Graph().as_default():
          ...     w = tf.Variable([1.0, 2.0], name="w")
          ...     saver = tf.train.Saver()
          ...     with tf.Session() as sess:
          ...         sess.run(tf.global_variables_initializer())
          ...         prefix = os.path.join(ckpt_dir, "model.ckpt")
          ...         path = saver.save(sess, prefix, global_step=7, write_meta_graph=False)
          >>> print(os.path.basename(path))
          model.ckpt-7
          >>> print(sorted(os.listdir(ckpt_dir)))
          ['checkpoint', 'model.ckpt-7.data-00000-of-00001', 'model.ckpt-7.index']
          >>> shutil.rmtree(ckpt_dir)
        """
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if self._sharded:
            self._check_one_shard()
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = save_path.decode("utf-8") if isinstance(save_path,
                                                            bytes) else os.fspath(save_path)
        if global_step is None and os.path.basename(save_path) == latest_filename:
            raise ValueError("'latest_filename' collides with 'save_path': "
                             f"'{latest_filename}' and '{save_path}'")
        self._check_session(sess)
        save_path_parent = os.path.dirname(save_path)
        model_checkpoint_path = None
        # One save at a time per Saver (a Supervisor's checkpoint thread and the user's own
        # save), and the global step read from the same held values that are written, so a
        # checkpoint's name always matches its contents even while another thread trains.
        with self._save_lock, sess.held_state() as values:
            if global_step is not None:
                step = _global_step_value(sess, global_step)
                checkpoint_file = f"{save_path}-{step:08d}" if self._pad_step_number else f"{save_path}-{step}"
            else:
                checkpoint_file = save_path
            cluster = getattr(sess, "_cluster", None)
            if cluster is not None and cluster.rank != 0:
                # In a cluster every worker holds the same (replicated) values: the chief (JAX
                # process 0) alone writes the one checkpoint; the others return its prefix.
                return None if self._is_empty else checkpoint_file
            if not self._is_empty:
                tensors, slices = self._collect(values)
                if save_path_parent:  # TF1's SaveV2 kernel creates missing directories
                    os.makedirs(save_path_parent, exist_ok=True)
                bundle.write_bundle(checkpoint_file, tensors, slices=slices)
                del tensors, slices
                model_checkpoint_path = checkpoint_file
                if write_state:
                    self._record_last_checkpoint(model_checkpoint_path)
                    bundle.write_checkpoint_state(save_path_parent, model_checkpoint_path,
                                                  self.last_checkpoints, latest_filename,
                                                  save_relative_paths=self._save_relative_paths)
                    self._maybe_delete_old_checkpoints(meta_graph_suffix)
        if write_meta_graph and not self._meta_warned:
            self._meta_warned = True
            warnings.warn(
                f"tf.train.Saver.save(write_meta_graph=True): no MetaGraph file "
                f"'{cm.meta_graph_filename(checkpoint_file, meta_graph_suffix)}' was written. tfvars_jax cannot "
                "write TensorFlow MetaGraphDefs (tf.train.import_meta_graph is not supported either); the "
                "checkpoint itself is complete. Pass write_meta_graph=False to silence this warning.",
                MetaGraphNotWrittenWarning, stacklevel=2)
        return model_checkpoint_path

    # ----- restoring ----------------------------------------------------------------------
    def _plan_restore(self, reader):
        """Checks every key, dtype and shape against the checkpoint's index.

        Raises NotFoundError (missing keys) or InvalidArgumentError (mismatch) before any data
        is read.
        """
        missing = [(e.name,
                    e.variables()[0].op.name) for e in self._saveables if not reader.has(e.name)]
        if missing:
            raise errors.NotFoundError(None, None, _missing_message(missing, reader))
        problems = []
        for e in self._saveables:
            problem = self._check_entry(reader, e)
            if problem:
                problems.append(problem)
        if problems:
            raise errors.InvalidArgumentError(None, None, _RESTORE_MISMATCH + "\n".join(problems) +
                                              f"\n(checkpoint: {reader.prefix})")

    def _check_entry(self, reader, e):
        """A TF1-style message if checkpoint entry `e.name` cannot restore `e`, else None."""
        ckpt_dtype = _ckpt_dtype(reader, e.name)
        ckpt_shape = tuple(reader.shape(e.name))
        for v in e.variables():
            want = v.dtype.base_dtype
            if ckpt_dtype != want:
                got = _tf_dtype_name(ckpt_dtype) if ckpt_dtype is not None else \
                    f"DataType {reader._entry(e.name)[1].dtype}"
                return (f"tensor_name = {e.name}; expected dtype {_tf_dtype_name(want)} does not "
                        f"equal original dtype {got} (variable '{v.op.name}')")
        if e.var is None:
            full = tuple(int(d) for d in e.parts[0]._save_slice_info.full_shape)
            if full != ckpt_shape:
                return (f"tensor_name = {e.name}: shape in shape_and_slice spec {_shape_str(full)} "
                        f"does not match the shape stored in checkpoint: {_shape_str(ckpt_shape)} "
                        f"(partitioned variable '{e.name}')")
            return None
        shape = e.var.shape
        if shape.is_compatible_with(ckpt_shape):
            return None
        if self._reshape and shape.is_fully_defined():
            if math.prod(shape.as_list()) == math.prod(ckpt_shape):
                return None
            return (f"Input to reshape is a tensor with {math.prod(ckpt_shape)} values, but the "
                    f"requested shape has {math.prod(shape.as_list())} (variable "
                    f"'{e.var.op.name}', checkpoint key '{e.name}' of shape "
                    f"{_shape_str(ckpt_shape)})")
        dims = "?" if shape.ndims is None else _shape_str([-1 if d is None else d for d in shape.as_tuple()])
        return (f"Assign requires shapes of both tensors to match. lhs shape= {dims} rhs shape= "
                f"{_shape_str(ckpt_shape)} (variable '{e.var.op.name}', checkpoint key '{e.name}')")

    @staticmethod
    def _read_one(reader, e):
        """[(variable name, value on the device)] for one saveable (several for the parts
        of a partitioned variable), read and checksummed."""
        if e.var is not None:
            pairs = [(e.var, reader.read(e.name))]
        else:
            pairs = [(p, reader.read_slice(e.name, _slice_spec(p._save_slice_info)))
                     for p in e.parts]
        out = []
        for v, value in pairs:
            if v.shape.is_fully_defined() and tuple(value.shape) != tuple(v.shape.as_list()):
                value = value.reshape(v.shape.as_list())  # reshape=True (checked in _plan_restore)
            if v.dtype.base_dtype != dtypes.string:
                with tf_precision():  # per thread: the reader threads enter it themselves
                    # On the CPU the aligned read buffer becomes the array without a copy;
                    # elsewhere the host copy is freed as soon as the transfer is done.
                    value = jax.device_put(value, may_alias=True).block_until_ready()
            out.append((v.op.name, value))
        return out

    def _restore_bytes(self, reader):
        """The bytes this restore reads (the saved tensors' sizes)."""
        total = 0
        for e in self._saveables:
            total += math.prod(reader.shape(e.name)) * reader.dtype(e.name).itemsize
        return total

    def _read_values(self, reader):
        """{variable name: value} for every variable, read and checksummed.

        Tensors are read by a few threads at once (file reads, checksums and the copies to the
        device release the GIL); each is handed to the device as soon as it is read, so the
        host holds at most one tensor per thread.
        """
        def read(e):
            return self._read_one(reader, e)

        updates = {}
        workers = min(_READ_THREADS, len(self._saveables))
        if workers <= 1:
            for e in self._saveables:
                updates.update(read(e))
            return updates
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers,
                                                     thread_name_prefix="tfvars_restore")
        try:
            for pairs in pool.map(read, self._saveables):
                updates.update(pairs)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return updates

    def restore(self, sess, save_path):
        """Restores the variables from the checkpoint at `save_path` into `sess`.

        As TF1's `Saver.restore`: each variable gets the value saved under its checkpoint key
        (the variable's name, or the key of a dict `var_list`); restoring also initializes the
        variables, so no initializer needs to run. Checkpoints written by TensorFlow restore
        too, sharded ones included. Unlike TF1, every key, dtype and shape is checked, and every
        value read and checksummed, before any is set: after a failure the session's values are
        unchanged. A restore of more than 256 MiB verifies every checksum in a first streaming
        pass and then sets the variables one at a time, so its extra memory is about one
        variable's size (only a data file changed by another process between the two passes
        could then stop it partway, with a DataLossError).

        Args:
          sess: the Session.
          save_path: a checkpoint prefix (e.g. from `tf.train.latest_checkpoint`).

        Raises:
          TypeError: `sess` is not a Session.
          ValueError: save_path is None or names no checkpoint, or `sess` runs another graph.
          errors.NotFoundError: a key is missing (the message names the closest keys present).
          errors.InvalidArgumentError: a dtype or shape does not match.
          errors.DataLossError: the files are truncated or corrupt.

        Examples:
          >>> import shutil, tempfile
          >>> import tfvars_jax as tf
          >>> ckpt_dir = tempfile.mkdtemp()
          >>> with tf.Graph().as_default():
          ...     w = tf.Variable([1.0, 2.0], name="w")
          ...     saver = tf.train.Saver()
          ...     with tf.Session() as sess:
          ...         sess.run(w.initializer)
          ...         _ = saver.save(sess, ckpt_dir + "/model.ckpt", write_meta_graph=False)
          ...     with tf.Session() as sess:  # a new session: w is not initialized here
          ...         saver.restore(sess, tf.train.latest_checkpoint(ckpt_dir))
          ...         print(sess.run(w))
          [1. 2.]
          >>> shutil.rmtree(ckpt_dir)
        """
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = save_path.decode("utf-8") if isinstance(save_path, bytes) else os.fspath(save_path)
        if not cm.checkpoint_exists(prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " + prefix)
        self._check_session(sess)
        _log.info("Restoring parameters from %s", prefix)
        reader = cm.open_reader(prefix)
        self._plan_restore(reader)
        if self._restore_bytes(reader) <= STREAMING_RESTORE_BYTES:
            sess.assign_values(self._read_values(reader))
            return
        # Large: verify every checksum in a first streaming pass, then read and set one
        # variable at a time, so that the extra memory stays about one variable's size.
        for e in self._saveables:
            reader.verify(e.name)
        for e in self._saveables:
            sess.assign_values(dict(self._read_one(reader, e)))

    # ----- protos: not supported ---------------------------------------------------------
    def as_saver_def(self):
        raise NotImplementedError("Saver.as_saver_def: SaverDef protos are not supported by "
                                  "tfvars_jax (the Saver adds no save/restore ops to the graph).")

    @property
    def saver_def(self):
        return self.as_saver_def()

    def to_proto(self, export_scope=None):
        raise NotImplementedError("Saver.to_proto: SaverDef protos are not supported by tfvars_jax.")

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        raise NotImplementedError("Saver.from_proto: SaverDef protos are not supported by "
                                  "tfvars_jax.")

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False, clear_extraneous_savers=False,
                          strip_default_attrs=False, save_debug_info=False):
        raise NotImplementedError("Saver.export_meta_graph: MetaGraphDefs are not supported by "
                                  "tfvars_jax.")
