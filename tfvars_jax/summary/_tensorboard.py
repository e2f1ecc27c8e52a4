"""The `tensorboard` package, imported when a summary is serialized or written.

TensorBoard's protos (`Summary`, `Event`, `GraphDef`), its `EventFileWriter` and its record
reader do the job: we do not keep copies of them. Building summary ops needs none of it, so
`import tfvars_jax` works without TensorBoard; running or writing a summary asks for it.
"""
import importlib
import sys
import types


def module(name):
    """`tensorboard.<name>`, or ImportError saying how to install it.

    TensorBoard does file I/O through TensorFlow's gfile when TensorFlow is importable, else
    through its own stub. We mark the process as TensorFlow-free for TensorBoard (its
    `tensorboard.compat.notf` switch, what its no-TensorFlow build provides), so that
    writing a summary never imports TensorFlow (seconds, and a second runtime in the
    process); local paths work the same either way.
    """
    sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))
    try:
        return importlib.import_module("tensorboard." + name)
    except ImportError as e:
        raise ImportError("tf.summary needs the 'tensorboard' package to serialize and write "
                          "summaries: pip install 'tfvars_jax[tensorboard]' (or tensorboard)."
                          ) from e


def protos():
    """(summary_pb2, event_pb2, graph_pb2, tensor_pb2, types_pb2) from TensorBoard."""
    return tuple(module("compat.proto." + n) for n in
                 ("summary_pb2", "event_pb2", "graph_pb2", "tensor_pb2", "types_pb2"))
