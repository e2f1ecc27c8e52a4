"""TF1's `tf.train.warm_start` and `tf.train.VocabInfo` (TF 1.15's `warm_starting_util`);
`tf.estimator.WarmStartSettings` (estimator/warm_start_settings.py) carries its arguments.

`warm_start(ckpt_to_initialize_from, vars_to_warm_start='.*', var_name_to_vocab_info=None,
var_name_to_prev_var_name=None)` makes the initializers of the chosen variables load their
values from the checkpoint (through `tf.train.init_from_checkpoint`), so a new model starts
from another's weights while a restore from model_dir still wins. `vars_to_warm_start`: a
regex matched against TRAINABLE_VARIABLES (None too, as TF), a list of regexes matched against
GLOBAL_VARIABLES, or a list of Variables; `var_name_to_prev_var_name` renames, and names it
lists that match no chosen variable raise ValueError as TF.

Where we differ: vocabulary remapping (`var_name_to_vocab_info`, `VocabInfo`) raises
NotImplementedError (it needs TF's vocabulary-file remapping ops); a SavedModel directory as
`ckpt_to_initialize_from` does too (we read checkpoints, not SavedModels).
"""
import collections
import logging
import os

from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.train import checkpoint_utils
from tfvars_jax.variables.variable import Variable

_logger = logging.getLogger("tfvars_jax.estimator")


class VocabInfo(collections.namedtuple("VocabInfo", [
        "new_vocab", "new_vocab_size", "num_oov_buckets", "old_vocab", "old_vocab_size",
        "backup_initializer", "axis"])):
    """TF1's `tf.train.VocabInfo` (also `tf.estimator.VocabInfo`): vocabulary remapping for warm-starting; not supported
    (constructing one raises NotImplementedError)."""

    def __new__(cls, *args, **kwargs):
        raise NotImplementedError("tf.estimator.VocabInfo: warm-starting with vocabulary "
                                  "remapping is not supported by tfvars_jax (it needs TF's "
                                  "vocabulary-file remapping ops).")


def _is_variable(x):
    return isinstance(x, Variable)


def _var_name(var):
    """The checkpoint name of a variable (a partition's full name)."""
    info = getattr(var, "_save_slice_info", None)
    return info.full_name if info is not None else var.op.name


def _grouped_variables(vars_to_warm_start):
    """{checkpoint name: [variables]} of the variables to warm-start (TF's rules)."""
    if isinstance(vars_to_warm_start, str) or vars_to_warm_start is None:
        _logger.info("Warm-starting variables only in TRAINABLE_VARIABLES.")
        chosen = ops_lib.get_collection(ops_lib.GraphKeys.TRAINABLE_VARIABLES,
                                        scope=vars_to_warm_start)
    elif isinstance(vars_to_warm_start, list):
        if all(isinstance(v, str) for v in vars_to_warm_start):
            chosen = []
            for v in vars_to_warm_start:
                chosen += ops_lib.get_collection(ops_lib.GraphKeys.GLOBAL_VARIABLES, scope=v)
        elif all(_is_variable(v) for v in vars_to_warm_start):
            chosen = vars_to_warm_start
        else:
            raise ValueError("If `vars_to_warm_start` is a list, it must be all `Variable` or "
                             "all `str`.  Given types are "
                             f"{[type(v) for v in vars_to_warm_start]}")
    else:
        raise ValueError("`vars_to_warm_start must be a `list` or `str`.  Given type is "
                         f"{type(vars_to_warm_start)}")
    grouped = {}
    for v in chosen:
        grouped.setdefault(_var_name(v), []).append(v)
    return grouped


def warm_start(ckpt_to_initialize_from, vars_to_warm_start=".*", var_name_to_vocab_info=None,
               var_name_to_prev_var_name=None):
    """TF1's `tf.train.warm_start`: see the module docstring.

    Raises:
      ValueError: names in `var_name_to_prev_var_name` that no chosen variable has, or a
        checkpoint missing a variable or holding another shape (from init_from_checkpoint).
      NotImplementedError: `var_name_to_vocab_info`, or a SavedModel directory.
    """
    if var_name_to_vocab_info:
        raise NotImplementedError("warm_start(var_name_to_vocab_info=...): vocabulary "
                                  "remapping is not supported by tfvars_jax.")
    ckpt = os.fspath(ckpt_to_initialize_from)
    if os.path.isdir(ckpt) and (os.path.exists(os.path.join(ckpt, "saved_model.pb")) or
                                os.path.exists(os.path.join(ckpt, "saved_model.pbtxt"))):
        raise NotImplementedError(f"warm_start from the SavedModel directory {ckpt!r}: "
                                  "tfvars_jax reads checkpoints, not SavedModels; pass its "
                                  "variables/ checkpoint or a model_dir.")
    _logger.info("Warm-starting from: %s", ckpt)
    var_name_to_prev_var_name = var_name_to_prev_var_name or {}
    grouped = _grouped_variables(vars_to_warm_start)
    assignment = {}
    used = set()
    for var_name, variable in grouped.items():
        prev_name = var_name_to_prev_var_name.get(var_name)
        if prev_name:
            used.add(var_name)
        if vars_to_warm_start:
            assignment[prev_name or var_name] = variable[0] if len(variable) == 1 else variable
    not_used = set(var_name_to_prev_var_name) - used
    if not_used:
        raise ValueError("You provided the following variables in var_name_to_prev_var_name "
                         f"that were not used: {not_used}.  Perhaps you misspelled them?  Here "
                         f"is the list of viable variable names: {list(grouped)}")
    if assignment:
        checkpoint_utils.init_from_checkpoint(ckpt, assignment)
    _logger.info("Warm-started %d variables.", len(assignment))
