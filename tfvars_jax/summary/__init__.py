"""`tf.summary`: TF1's summary ops and event-file writing for TensorBoard.

Summary ops serialize on the host after the run that computes their inputs; FileWriter uses
TensorBoard's `EventFileWriter` (the `tensorboard` package: `pip install
'tfvars_jax[tensorboard]'`, needed to run or write summaries, not to build them). TF1's proto
classes (`tf.summary.Summary`, `Event`, `SessionLog`) are TensorBoard's:
`tensorboard.compat.proto.summary_pb2.Summary` and so on; we do not re-export them, so that
importing tfvars_jax needs no TensorBoard.
"""
from tfvars_jax import _namespace
from tfvars_jax.summary.summary_ops import audio
from tfvars_jax.summary.summary_ops import histogram
from tfvars_jax.summary.summary_ops import image
from tfvars_jax.summary.summary_ops import merge
from tfvars_jax.summary.summary_ops import merge_all
from tfvars_jax.summary.summary_ops import scalar
from tfvars_jax.summary.summary_ops import tensor_summary
from tfvars_jax.summary.summary_ops import text
from tfvars_jax.summary.writer import FileWriter
from tfvars_jax.summary.writer import FileWriterCache

__all__ = ["audio", "histogram", "image", "merge", "merge_all", "scalar", "tensor_summary",
           "text", "FileWriter", "FileWriterCache"]

__getattr__ = _namespace.unsupported_getattr(__name__)
