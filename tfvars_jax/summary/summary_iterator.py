"""`tf.train.summary_iterator`: the `Event` protos of an event file, in order."""
from tfvars_jax.summary import _tensorboard


def summary_iterator(path):
    """TF1's `tf.train.summary_iterator(path)`: yields each `Event` proto (TensorBoard's class)
    of the event file at `path`, read with TensorBoard's record reader."""
    event_pb2 = _tensorboard.protos()[1]
    loader = _tensorboard.module("backend.event_processing.event_file_loader")
    for record in loader.RawEventFileLoader(str(path)).Load():
        yield event_pb2.Event.FromString(record)
