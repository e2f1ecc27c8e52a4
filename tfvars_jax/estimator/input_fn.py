"""How an Estimator calls its model_fn and input_fn, as TF 1.15's estimator utilities.

`fn_args` names the arguments a function takes (as TF's `function_utils.fn_args`: a bound
method without `self`, a `functools.partial` without the arguments it binds, a callable
object's `__call__`). `call_input_fn` passes `mode`, `params` and `config` when the input_fn
takes them, builds its ops on '/cpu:0' as TF, and `parse_input_fn_result` accepts what TF
accepts: a `tf.data.Dataset` (read through an initializable iterator, initialized by a hook
when the session is created), a `(features, labels)` pair, or features alone.
"""
import functools
import inspect

from tfvars_jax.data.dataset_ops import Dataset
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.train.session_run_hook import SessionRunHook


def fn_args(fn):
    """The names of the arguments of `fn` (TF's `function_utils.fn_args`)."""
    if isinstance(fn, functools.partial):
        args = fn_args(fn.func)
        args = [a for a in args[len(fn.args):] if a not in (fn.keywords or {})]
        return tuple(args)
    target = fn
    if not (inspect.isfunction(fn) or inspect.ismethod(fn)) and callable(fn):
        target = fn.__call__
    params = inspect.signature(target).parameters
    return tuple(p for p, v in params.items()
                 if v.kind in (v.POSITIONAL_OR_KEYWORD, v.KEYWORD_ONLY, v.POSITIONAL_ONLY))


class DatasetInitializerHook(SessionRunHook):
    """Runs an iterator's initializer when the session is created (TF's
    `_DatasetInitializerHook`), so each train/evaluate/predict call reads its input_fn's
    Dataset from the start."""

    def __init__(self, iterator):
        self._iterator = iterator

    def begin(self):
        self._initializer = self._iterator.initializer

    def after_create_session(self, session, coord):
        del coord
        session.run(self._initializer)


def parse_iterator_result(result):
    """(features, labels) from a (features, labels) pair, or (result, None)."""
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1]
    return result, None


def parse_input_fn_result(result):
    """(features, labels, input hooks) of what an input_fn returned."""
    input_hooks = []
    if isinstance(result, Dataset):
        iterator = result.make_initializable_iterator()
        input_hooks.append(DatasetInitializerHook(iterator))
        result = iterator.get_next()
    return parse_iterator_result(result) + (input_hooks,)


def call_input_fn(input_fn, mode, params, config):
    """Calls `input_fn` with the arguments it takes among mode, params and config, under
    `tf.device('/cpu:0')` as TF's Estimator."""
    args = fn_args(input_fn)
    kwargs = {}
    if "mode" in args:
        kwargs["mode"] = mode
    if "params" in args:
        kwargs["params"] = params
    if "config" in args:
        kwargs["config"] = config
    with ops_lib.device("/cpu:0"):
        return input_fn(**kwargs)
