"""`arg_scope` and `add_arg_scope` (TF 1.15's contrib/framework/python/ops/arg_scope.py).

A function decorated with `add_arg_scope` takes default keyword arguments from the innermost
enclosing `arg_scope` that lists it; arguments given at the call win. As in TF 1.15 the stack
of scopes is one process-wide list (not per graph, not per thread), and a function is keyed by
`str(func)` of the undecorated function, so `arg_scope([decorated], ...)` and
`arg_scope([original], ...)` name the same entry.
"""
import contextlib
import functools
import inspect

__all__ = ["add_arg_scope", "arg_scope", "arg_scope_func_key", "arg_scoped_arguments",
           "current_arg_scope", "has_arg_scope"]

_ARGSTACK = [{}]
_DECORATED_OPS = {}  # key -> the names of the function's keyword arguments


def _get_arg_stack():
    if not _ARGSTACK:
        _ARGSTACK.append({})
    return _ARGSTACK


def current_arg_scope():
    """The innermost arg scope: {function key: {argument: value}}."""
    return _get_arg_stack()[-1]


def arg_scope_func_key(op):
    """The key `op` has in an arg scope (`str` of the undecorated function)."""
    return getattr(op, "_key_op", str(op))


def _name_op(op):
    return (op.__module__, op.__name__)


def _kwarg_names(func):
    try:
        spec = inspect.getfullargspec(func)
    except TypeError:
        return ()
    defaults = spec.defaults or ()
    return tuple(spec.args[len(spec.args) - len(defaults):]) + tuple(spec.kwonlyargs)


def has_arg_scope(func):
    """Whether `func` was decorated with `add_arg_scope`."""
    return arg_scope_func_key(func) in _DECORATED_OPS


def arg_scoped_arguments(func):
    """The keyword arguments of `func` (decorated with `add_arg_scope`) an arg scope can set."""
    assert has_arg_scope(func)
    return _DECORATED_OPS[arg_scope_func_key(func)]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Sets default keyword arguments `kwargs` of the functions in `list_ops_or_scope`.

    Args:
      list_ops_or_scope: a list or tuple of functions decorated with `add_arg_scope`, or a scope
        dict (as yielded by an earlier `arg_scope`) to re-enter.
      **kwargs: the defaults; they add to (and override) the enclosing scope's for those
        functions.

    Yields:
      The new scope (a dict), which can be re-entered later.

    Raises:
      ValueError: a scope dict is given together with kwargs, or a function is not decorated.
      TypeError: `list_ops_or_scope` is neither a list/tuple nor a dict.

    Examples:
      >>> from tfvars_jax.contrib.framework import add_arg_scope, arg_scope
      >>> @add_arg_scope
      ... def layer(x, scale=1, offset=0):
      ...     return x * scale + offset
      >>> with arg_scope([layer], scale=10):
      ...     with arg_scope([layer], offset=1):
      ...         print(layer(2), layer(2, offset=5))
      21 25
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, kwargs "
                             "must be empty.")
        current_scope = list_ops_or_scope.copy()
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope (i.e. "
                            "dict)")
        current_scope = current_arg_scope().copy()
        for op in list_ops_or_scope:
            key = arg_scope_func_key(op)
            if not has_arg_scope(op):
                raise ValueError(f"{_name_op(op)} is not decorated with @add_arg_scope")
            if key in current_scope:
                current_kwargs = current_scope[key].copy()
                current_kwargs.update(kwargs)
                current_scope[key] = current_kwargs
            else:
                current_scope[key] = kwargs.copy()
    stack = _get_arg_stack()
    stack.append(current_scope)
    try:
        yield current_scope
    finally:
        stack.pop()


def add_arg_scope(func):
    """Decorates `func` so that `arg_scope` can set its keyword arguments."""
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        current_scope = current_arg_scope()
        current_args = kwargs
        if key in current_scope:
            current_args = current_scope[key].copy()
            current_args.update(kwargs)
        return func(*args, **current_args)

    _DECORATED_OPS[key] = _kwarg_names(func)
    func_with_args._key_op = key
    return func_with_args
