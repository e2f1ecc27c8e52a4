"""JAX-native checkpoints: a Session's (or a State's) variables saved and restored with Orbax.

    from tfvars_jax import checkpoint
    checkpoint.save("/ckpt/step_100", sess)            # or a State, or {name: array}
    checkpoint.restore("/ckpt/step_100", sess)         # into a session (checked, all-or-nothing)
    state = checkpoint.restore_state("/ckpt/step_100") # a State, no graph needed

Keys are the variables' TF1 names ("conv1/weights", "conv1/weights/Adam"), so an Orbax
checkpoint and a `tf.train.Saver` checkpoint of the same session hold the same names. Numeric
variables go through Orbax's standard PyTree handler (tensorstore, OCDBT: sharded and
multi-host `jax.Array`s are saved as such); `tf.string` variables and the State's run counter
are stored beside them as JSON. Orbax writes into a temporary directory and renames it when
complete, so a crash never leaves a half-written checkpoint at `directory`.

Needs the optional dependency `orbax-checkpoint` (`pip install tfvars_jax[orbax]`); without
it every function raises ImportError saying so. Use `tf.train.Saver` for checkpoints that
TensorFlow itself must read.
"""

import base64
import os
import pathlib

import jax
import numpy as np

from tfvars_jax.framework import errors
from tfvars_jax.framework.precision import with_tf_precision
from tfvars_jax.runtime.session import Session
from tfvars_jax.runtime.state import State

__all__ = ["save", "restore", "restore_state", "is_available"]

_FORMAT = "tfvars_jax.orbax/1"


def is_available():
    """Whether `orbax-checkpoint` is installed."""
    try:
        import orbax.checkpoint  # noqa: F401
    except ImportError:
        return False
    return True


def _ocp():
    try:
        import orbax.checkpoint as ocp
    except ImportError as exc:
        raise ImportError("tfvars_jax.checkpoint needs the optional dependency orbax-checkpoint: "
                          "pip install 'tfvars_jax[orbax]' (or pip install orbax-checkpoint)") from exc
    return ocp


def _is_string(value):
    return isinstance(value, np.ndarray) and value.dtype.kind in "OSU"


def _encode_strings(value):
    flat = [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in np.asarray(value, dtype=object).ravel()]
    return {"shape": list(np.shape(value)),
            "b64": [base64.b64encode(v).decode("ascii") for v in flat]}


def _decode_strings(entry):
    flat = np.empty(len(entry["b64"]), dtype=object)
    for i, item in enumerate(entry["b64"]):
        flat[i] = base64.b64decode(item)
    return flat.reshape(entry["shape"])


def _checkpointer(ocp):
    return ocp.Checkpointer(ocp.CompositeCheckpointHandler())


def _save_values(directory, values, counter, force):
    ocp = _ocp()
    directory = os.path.abspath(os.fspath(directory))
    if os.path.exists(directory) and not force:
        raise errors.AlreadyExistsError(None, None, f"{directory} already exists; pass force=True to replace it.")
    arrays = {k: v for k, v in values.items() if not _is_string(v)}
    strings = {k: _encode_strings(v) for k, v in values.items() if _is_string(v)}
    meta = {"format": _FORMAT, "counter": int(counter), "strings": strings,
            "arrays": sorted(arrays)}
    items = {"meta": ocp.args.JsonSave(meta)}
    if arrays:
        items["state"] = ocp.args.StandardSave(arrays)
    _checkpointer(ocp).save(directory, args=ocp.args.Composite(**items), force=force)
    return directory


def save(directory, source, *, force=False):
    """Saves variables with Orbax.

    Args:
      directory: the checkpoint directory to create (a new one; Orbax refuses to overwrite an
        existing one unless `force`).
      source: a Session (its initialized variables and run counter), a State, or a mapping
        {variable name: array}.
      force: replace an existing checkpoint at `directory`.

    Returns:
      The absolute path of the checkpoint directory.

    Raises:
      ImportError: orbax-checkpoint is not installed.
      errors.AlreadyExistsError: `directory` exists and `force` is False.
    """
    if isinstance(source, Session):
        with source.held_state() as state:  # no run replaces (or donates) a buffer while it is written
            return _save_values(directory, dict(state.items()), state.counter, force)
    if isinstance(source, State):
        return _save_values(directory, dict(source.items()), source.counter, force)
    return _save_values(directory, dict(source), 0, force)


def _targets(ocp, directory, placements):
    """Restore targets: each saved array's shape and dtype with the sharding `placements(name,
    shape, dtype)` gives (None: JAX's default device), so that a sharded variable is read shard
    by shard onto its devices instead of through one host array."""
    tree = ocp.StandardCheckpointHandler().metadata(pathlib.Path(directory) / "state").tree
    return {name: jax.ShapeDtypeStruct(tuple(m.shape), m.dtype,
                                       sharding=placements(name, tuple(m.shape), m.dtype))
            for name, m in tree.items()}


def _load(directory, placements=None):
    """({name: value}, counter) of a checkpoint written by `save` (`placements`: see
    `_targets`)."""
    ocp = _ocp()
    directory = os.path.abspath(os.fspath(directory))
    if not os.path.isdir(directory):
        raise errors.NotFoundError(None, None, f"No Orbax checkpoint at {directory}")
    checkpointer = _checkpointer(ocp)
    try:
        meta = checkpointer.restore(directory,
                                    args=ocp.args.Composite(meta=ocp.args.JsonRestore())).meta
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise ValueError("not a tfvars_jax checkpoint (no tfvars_jax metadata)")
        values = {}
        if meta["arrays"]:
            targets = None if placements is None else _targets(ocp, directory, placements)
            state = checkpointer.restore(directory, args=ocp.args.Composite(
                state=ocp.args.StandardRestore(targets))).state
            if sorted(state) != sorted(meta["arrays"]):
                raise ValueError("the saved arrays do not match the metadata")
            values.update(state)
    except FileNotFoundError as exc:
        raise errors.NotFoundError(None, None,
                                   f"Orbax checkpoint {directory} is incomplete: {exc}") from exc
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise errors.DataLossError(None, None,
                                   f"Orbax checkpoint {directory} cannot be read: {exc}") from exc
    values.update({k: _decode_strings(v) for k, v in meta["strings"].items()})
    return values, int(meta["counter"])


@with_tf_precision
def restore_state(directory):
    """The State saved at `directory` (values as `jax.Array`s, strings as NumPy object arrays).

    Raises:
      errors.NotFoundError: no checkpoint there.
      errors.DataLossError: it cannot be read.
    """
    values, counter = _load(directory)
    return State({k: v if _is_string(v) else jax.device_put(v) for k, v in values.items()}, counter)


@with_tf_precision
def restore(directory, sess, *, restore_counter=True):
    """Restores every variable saved at `directory` into `sess`.

    Every name, dtype and shape is checked against the session's graph before any value is
    set, so after a failure the session is unchanged. Variables of the graph that the
    checkpoint does not hold keep their values.

    Args:
      directory: a checkpoint written by `save`.
      sess: the Session.
      restore_counter: also restore the run counter that random ops fold into their keys.

    Raises:
      errors.NotFoundError: no checkpoint, or it holds a variable the graph does not have.
      errors.InvalidArgumentError: a dtype or shape differs from the graph's variable.
      errors.DataLossError: the checkpoint cannot be read.
    """
    graph_vars = sess.graph.variables_by_name

    def placements(name, shape, dtype):  # the variable's own device or Mesh sharding
        var = graph_vars.get(name)
        if var is None or tuple(var.shape.as_list() or ()) != shape or \
                var.dtype.base_dtype.as_numpy_dtype != dtype:
            return None  # unknown or mismatched: restored plainly, then rejected below
        home = sess.home_of(name)
        return home if isinstance(home, jax.sharding.Sharding) else \
            jax.sharding.SingleDeviceSharding(home)
    values, counter = _load(directory, placements)
    unknown = sorted(set(values) - set(sess.graph.variables_by_name))
    if unknown:
        raise errors.NotFoundError(None, None, f"Orbax checkpoint {os.fspath(directory)} holds variables that are "
                                               f"not in the session's graph: {', '.join(unknown)}")
    sess.assign_values({k: v if _is_string(v) else jax.device_put(v) for k, v in values.items()})
    if restore_counter:
        sess.run_counter = counter
