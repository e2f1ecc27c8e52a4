"""The helper every namespace module (`tf`, `tf.nn`, `tf.train`, ...) uses for names we do not ship.

A TF1 name we do not ship raises AttributeError saying so — never a silent stand-in. Each
namespace module ends with `__getattr__ = _namespace.unsupported_getattr(__name__)` (PEP 562).
"""


def unsupported(module_name, attr):
    """The AttributeError for a TF1 name we do not ship."""
    return AttributeError(f"{module_name}.{attr} is not supported by tfvars_jax yet (it implements "
                          "TF1's variable system: graphs, variables, sessions, training and "
                          "checkpoints). File an issue if you need it.")


def unsupported_getattr(module_name):
    """A module-level `__getattr__` for `module_name`: a missing name raises `unsupported(...)`.

    Dunder lookups (`__path__`, `__wrapped__`, ...) raise a plain AttributeError, as Python's
    import machinery and `inspect` expect.
    """
    def __getattr__(attr):  # noqa: N807 - the module's
        if attr.startswith("__"):
            raise AttributeError(f"module {module_name!r} has no attribute {attr!r}")
        raise unsupported(module_name, attr)
    return __getattr__
