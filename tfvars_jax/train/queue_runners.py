"""TF1's queue-based input pipelines (`tf.train.batch`, `start_queue_runners`, ...): not
supported. Each name raises NotImplementedError pointing to `tf.data`, which replaces them
(TF1 itself deprecated them in favour of `tf.data`)."""
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.runtime import session as session_lib

_MESSAGE = ("tf.train.{name}: queue-based input pipelines (queues and QueueRunner threads) are "
            "not supported by tfvars_jax. Use tf.data instead: for example "
            "tf.data.Dataset.from_tensor_slices(...).shuffle(buffer_size).batch(batch_size)"
            ".repeat() and dataset.make_one_shot_iterator().get_next().")


def _unsupported(name):
    raise NotImplementedError(_MESSAGE.format(name=name))


def batch(*args, **kwargs):
    """TF1's `tf.train.batch` (a queue runner): raises NotImplementedError; use
    `Dataset.batch`."""
    _unsupported("batch")


def shuffle_batch(*args, **kwargs):
    """TF1's `tf.train.shuffle_batch` (a queue runner): raises NotImplementedError; use
    `Dataset.shuffle(...).batch(...)`."""
    _unsupported("shuffle_batch")


def batch_join(*args, **kwargs):
    """TF1's `tf.train.batch_join`: raises NotImplementedError; use tf.data."""
    _unsupported("batch_join")


def shuffle_batch_join(*args, **kwargs):
    """TF1's `tf.train.shuffle_batch_join`: raises NotImplementedError; use tf.data."""
    _unsupported("shuffle_batch_join")


def string_input_producer(*args, **kwargs):
    """TF1's `tf.train.string_input_producer`: raises NotImplementedError; use
    `Dataset.from_tensor_slices(filenames)`."""
    _unsupported("string_input_producer")


def input_producer(*args, **kwargs):
    """TF1's `tf.train.input_producer`: raises NotImplementedError; use tf.data."""
    _unsupported("input_producer")


def slice_input_producer(*args, **kwargs):
    """TF1's `tf.train.slice_input_producer`: raises NotImplementedError; use
    `Dataset.from_tensor_slices`."""
    _unsupported("slice_input_producer")


def range_input_producer(*args, **kwargs):
    """TF1's `tf.train.range_input_producer`: raises NotImplementedError; use
    `Dataset.range`."""
    _unsupported("range_input_producer")


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection="queue_runners"):
    """TF1's `tf.train.start_queue_runners`: starts the threads of the queue runners in
    `collection` and returns them. No queue runner can be made here, so with the collection
    empty it returns `[]`, as TF1 does (old tf.data scripts still call it); anything in the
    collection raises NotImplementedError. As TF1, it needs a session (argument or default).
    """
    del coord, daemon, start
    if sess is None:
        sess = session_lib.get_default_session()
        if sess is None:
            raise ValueError("Cannot start queue runners: No default session is registered. Use "
                             "`with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    if ops_lib.get_collection(collection):
        _unsupported("start_queue_runners")
    return []
