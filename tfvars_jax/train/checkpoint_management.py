"""Finding, listing and deleting checkpoints: TF1's `tf.train.latest_checkpoint` and friends.

Only V2 checkpoints (`prefix.index` + `prefix.data-*`) are read and written; a V1 checkpoint
(a single file at the prefix) is recognised by `checkpoint_exists` as TF1 does, and readers
raise `errors.UnimplementedError` for it. The `checkpoint` state file is read and written by
`tfvars_jax.train.bundle` (byte-exact TensorFlow text format, atomic replace).
"""

import glob
import logging
import os
import re

from tfvars_jax.framework import errors
from tfvars_jax.train import bundle

_log = logging.getLogger("tfvars_jax.train")

__all__ = ["latest_checkpoint", "get_checkpoint_state", "checkpoint_exists",
           "get_checkpoint_mtimes", "remove_checkpoint", "update_checkpoint_state",
           "meta_graph_filename"]


def _path(value, what="path"):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    try:
        return os.fspath(value)
    except TypeError:
        raise TypeError(f"{what} must be a string or path-like object, got {value!r}") from None


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """TF1's `tf.train.get_checkpoint_state`: the directory's `checkpoint` file, parsed.

    Args:
      checkpoint_dir: the directory holding the checkpoints.
      latest_filename: name of the state file (default "checkpoint").

    Returns:
      A `CheckpointState` (fields `model_checkpoint_path`, `all_model_checkpoint_paths`,
      `all_model_checkpoint_timestamps`, `last_preserved_timestamp`; relative paths joined to
      `checkpoint_dir`), or None when there is no state file or it cannot be parsed (logged).

    Raises:
      ValueError: the file parses but names no checkpoint.
    """
    return bundle.read_checkpoint_state(_path(checkpoint_dir, "checkpoint_dir"),
                                        latest_filename or "checkpoint")


def _has_magic(path):
    return glob.has_magic(path)


def _matches(path):
    """Whether `path` (a glob pattern when it has wildcards, as TF1's file matching) exists."""
    return bool(glob.glob(path)) if _has_magic(path) else os.path.exists(path)


def checkpoint_exists(checkpoint_prefix):
    """TF1's `tf.train.checkpoint_exists`: whether a V2 (`prefix.index`) or V1 (a file matching
    the prefix) checkpoint is there. Glob patterns are accepted, as TF1 accepts them.

    Args:
      checkpoint_prefix: the prefix, e.g. "/tmp/model.ckpt-1000" (not a ".index" file name).

    Returns:
      bool.
    """
    prefix = _path(checkpoint_prefix, "checkpoint_prefix")
    return _matches(bundle.index_filename(prefix)) or _matches(prefix)


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """TF1's `tf.train.latest_checkpoint`: the prefix of the newest checkpoint in a directory.

    Args:
      checkpoint_dir: the directory.
      latest_filename: name of the state file (default "checkpoint").

    Returns:
      The prefix named by the state file if its files exist, else None (logged as an error,
      as TF1 does when the state file names a checkpoint whose files are gone).
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path:
        if checkpoint_exists(state.model_checkpoint_path):
            return state.model_checkpoint_path
        _log.error("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None


def get_checkpoint_mtimes(checkpoint_prefixes):
    """TF1's `tf.train.get_checkpoint_mtimes`: modification times (seconds since the epoch) of
    the checkpoints' index files (or V1 files); prefixes with no files are skipped.

    Args:
      checkpoint_prefixes: a list of prefixes.

    Returns:
      A list of floats, one per existing checkpoint.
    """
    out = []
    for prefix in checkpoint_prefixes:
        prefix = _path(prefix, "checkpoint prefix")
        for candidate in (bundle.index_filename(prefix), prefix):
            matches = glob.glob(candidate) if _has_magic(candidate) else \
                ([candidate] if os.path.exists(candidate) else [])
            if matches:
                out.append(os.stat(matches[0]).st_mtime)
                break
    return out


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta"):
    """TF1's MetaGraph file name for a checkpoint: "model.ckpt-10" -> "model.ckpt-10.meta"."""
    basename = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return f"{basename}.{meta_graph_suffix}"


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=2, meta_graph_suffix="meta"):
    """TF1's `tf.train.remove_checkpoint`: deletes a checkpoint's index, data and meta files.

    Missing files are ignored; other failures are logged as warnings (as TF1 does).

    Args:
      checkpoint_prefix: the prefix.
      checkpoint_format_version: 2 (V2; the index and every data shard) or 1 (V1 file).
      meta_graph_suffix: suffix of the MetaGraph file to delete too.
    """
    prefix = _path(checkpoint_prefix, "checkpoint_prefix")
    escaped = glob.escape(prefix)
    patterns = [escaped + "." + glob.escape(meta_graph_suffix)]
    if checkpoint_format_version == 2:
        patterns += [escaped + ".index", escaped + ".data-?????-of-?????"]
    else:
        patterns.append(escaped)
    for pattern in patterns:
        for path in glob.glob(pattern):
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                _log.warning("Ignoring: failed to delete %s: %s", path, exc)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """TF1's `tf.train.update_checkpoint_state`: atomically rewrites the `checkpoint` file.

    Args:
      save_dir: the directory of the state file.
      model_checkpoint_path: the latest checkpoint prefix.
      all_model_checkpoint_paths: all kept prefixes, oldest first (the latest is appended if
        it is not last).
      latest_filename: name of the state file (default "checkpoint").
      all_model_checkpoint_timestamps: optional creation times, one per path.
      last_preserved_timestamp: optional time of the last checkpoint kept for good.
    """
    bundle.write_checkpoint_state(_path(save_dir, "save_dir"), _path(model_checkpoint_path),
                                  [_path(p) for p in all_model_checkpoint_paths or []],
                                  latest_filename or "checkpoint", all_model_checkpoint_timestamps,
                                  last_preserved_timestamp=last_preserved_timestamp)


def open_reader(prefix):
    """A `bundle.BundleReader` for a V2 checkpoint prefix, with TF1's errors for missing files
    (NotFoundError) and V1 checkpoints (UnimplementedError)."""
    prefix = _path(prefix, "checkpoint prefix")
    if not os.path.exists(bundle.index_filename(prefix)):
        base = os.path.basename(prefix)
        if base.endswith(".index") or re.search(r"\.data-\d{5}-of-\d{5}$", base):
            raise errors.NotFoundError(
                None, None, f"Unsuccessful TensorSliceReader constructor: Failed to find any matching files for "
                            f"{prefix}: pass the checkpoint *prefix* (e.g. '{re.sub(r'[.][^.]*$', '', prefix)}'), "
                            "not the name of one of its files.")
        if os.path.isfile(prefix):
            raise errors.UnimplementedError(
                None, None, f"{prefix} looks like a V1 checkpoint (a single TensorSliceReader table file); "
                            "tfvars_jax reads only V2 checkpoints (prefix.index + prefix.data-*). Re-save it "
                            "with a V2 tf.train.Saver.")
        raise errors.NotFoundError(None, None, "Unsuccessful TensorSliceReader constructor: Failed to find any "
                                               f"matching files for {prefix}")
    return bundle.BundleReader(prefix)
