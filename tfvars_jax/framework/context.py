"""What is current: the default graph and the default session, per thread, as TF1.

The lowest layer owns these stacks; the layers above push onto them (`Graph.as_default()`,
`Session.as_default()`), and read them through `default_graph_stack`/`default_session`.
"""
import threading


class ContextStack(threading.local):
    """A per-thread stack of the objects made default by `with x.as_default():`."""

    def __init__(self):
        self.stack = []

    def current(self):
        """The innermost default, or None."""
        return self.stack[-1] if self.stack else None


class Entered:
    """The context of `x.as_default()`: pushes `x` on `stack` while inside (a plain class, not
    a generator: graphs are made default several times per op)."""

    __slots__ = ("_value", "_stack")

    def __init__(self, value, stack):
        self._value = value
        self._stack = stack

    def __enter__(self):
        self._stack.stack.append(self._value)
        return self._value

    def __exit__(self, *exc):
        stack = self._stack.stack
        if stack and stack[-1] is self._value:
            stack.pop()
        return False


GRAPHS = ContextStack()
SESSIONS = ContextStack()
# `tfvars_jax.sharding.shard_variables`: a function (variable name, shape) -> a JAX Sharding or
# None, applied to the variables created inside.
VARIABLE_SHARDINGS = ContextStack()
# `tfvars_jax.sharding.local_cluster`: {(job, task): JAX device} for the Sessions made inside.
LOCAL_CLUSTERS = ContextStack()
# A run traced in a cluster of processes (runtime/cluster.py): the mesh axis of its workers.
REPLICA_AXES = ContextStack()


def default_session():
    """The innermost session made default by `with sess:` / `sess.as_default()`, or None."""
    return SESSIONS.current()


def session_for(session, graph, what):
    """`session`, or else the default session, checked to run `graph` (for `Tensor.eval()`,
    `Operation.run()`, `Variable.eval()`/`load()`)."""
    session = session or SESSIONS.current()
    if session is None:
        raise ValueError(f"Cannot evaluate tensor using `{what}`: No default session is "
                         "registered. Use `with sess.as_default()` or pass an explicit session to "
                         "`eval(session=sess)`")
    if session.graph is not graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph is "
                         "different from the session's graph.")
    return session


class EagerState:
    """Whether eager execution is enabled: process-global, as TF1's `enable_eager_execution`
    (it cannot be turned off again). `config`, `device_policy` and `execution_mode` are what
    the program asked for. A graph made default (`with g.as_default():`, a function being
    traced) switches back to graph building inside the block, as in TF1, except the global
    default graph (`graph`), which holds the name scopes of eager code and builds nothing."""

    __slots__ = ("enabled", "config", "device_policy", "execution_mode", "graph")

    def __init__(self):
        self.enabled = False
        self.config = self.device_policy = self.execution_mode = self.graph = None


EAGER = EagerState()


def executing_eagerly():
    """TF1's `tf.executing_eagerly()`: eager execution is enabled and no graph is made default
    in this thread."""
    if not EAGER.enabled:
        return False
    stack = GRAPHS.stack
    return not stack or stack[-1] is EAGER.graph
