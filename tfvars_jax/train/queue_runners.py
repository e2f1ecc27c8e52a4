"""TF1's queue-based input pipelines (`tf.train.batch`, `start_queue_runners`, ...): not
supported. Each name raises NotImplementedError pointing to `tf.data`, which replaces them
(TF1 itself deprecated them in favour of `tf.data`)."""

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


def start_queue_runners(*args, **kwargs):
    """TF1's `tf.train.start_queue_runners`: raises NotImplementedError (there are no queue
    runners; a tf.data pipeline needs no threads started)."""
    _unsupported("start_queue_runners")
