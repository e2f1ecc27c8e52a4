"""TF1's `tf.estimator.inputs.numpy_input_fn`, on our host-side tf.data.

TF 1.15 feeds the arrays' rows through a FIFO (or, shuffled, a RandomShuffleQueue of
`queue_capacity`) filled by `num_threads` queue-runner threads, and dequeues `batch_size` rows
per step: `dequeue_many` (a static batch dimension, rows cycling across epochs forever) when
`num_epochs` is None, else `dequeue_up_to` (the last batch may be short; the input then ends
with OutOfRangeError, which ends `train`/`evaluate`/`predict`). We build the same stream as a
Dataset: the rows (keys of a dict `x` sorted, `y` appended under 'target', or its own sorted
keys when a dict), repeated `num_epochs` times (times `num_threads`: TF applies num_epochs per
thread), shuffled through a buffer of `queue_capacity` rows when `shuffle`, and batched.
Unshuffled, rows and batches are exactly TF's.

Where we differ: a shuffled order is not TF's (TF's is never reproducible: its feeding
threads start at a random row drawn from an unseeded Python `random`); ours is drawn with the
graph seed (`RunConfig(tf_random_seed=...)`), so it repeats when the seed is set.
`num_threads > 1` without shuffling raises NotImplementedError (TF's threads then interleave
in a nondeterministic order). No queue-fullness summary is written (there is no queue).
"""
import collections
import numbers

import numpy as np

from tfvars_jax.data.dataset_ops import Dataset

_TARGET_KEY = "target"
_DIRECT_NP_INPUT = "__direct_np_input__"


def _get_unique_target_key(features):
    target_key = _TARGET_KEY
    while target_key in features:
        target_key += "_n"
    return target_key


def _validate_and_convert_features(x):
    """An ordered dict (sorted keys) of the feature arrays, as TF's."""
    if isinstance(x, dict):
        if not x:
            raise ValueError("x cannot be an empty dict")
        return collections.OrderedDict(sorted(x.items(), key=lambda t: t[0]))
    if isinstance(x, np.ndarray):
        if x.size == 0:
            raise ValueError("x cannot be an empty array")
        return collections.OrderedDict({_DIRECT_NP_INPUT: x})
    raise ValueError(f"x must be a dict or array; got {type(x).__name__}")


def _positive_int(value, name, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"numpy_input_fn: {name} must be a positive integer"
                         f"{' or None' if allow_none else ''}; got {value!r}.")


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """TF1's `tf.estimator.inputs.numpy_input_fn(x, y=None, batch_size=128, num_epochs=1,
    shuffle=None, queue_capacity=1000, num_threads=1)`: an input_fn returning `(features,
    labels)` (or features alone when `y` is None) read from NumPy arrays, batch by batch.

    `x` is a dict of arrays (features keep its keys) or one array (features is one tensor);
    `y` an array or a dict of arrays. See the module docstring for the order of the rows.

    Raises:
      ValueError: `shuffle` not a bool (TF insists on choosing), an empty `x` or `y`, keys in
        both `x` and `y`, arrays of different lengths (when the input_fn is called), a
        non-positive `batch_size`, `num_epochs`, `queue_capacity` or `num_threads`.
      NotImplementedError: `num_threads > 1` with `shuffle=False`.
    """
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is "
                         f"recommended to set it as True for training); got {shuffle}")
    _positive_int(batch_size, "batch_size")
    _positive_int(num_epochs, "num_epochs", allow_none=True)
    _positive_int(queue_capacity, "queue_capacity")
    _positive_int(num_threads, "num_threads")
    if num_threads > 1 and not shuffle:
        raise NotImplementedError(
            f"numpy_input_fn(num_threads={num_threads}, shuffle=False): TF's feeding threads "
            "then interleave the rows in a nondeterministic order, which tfvars_jax does not "
            "reproduce; use num_threads=1 (rows in order) or shuffle=True.")

    def input_fn():
        """Numpy input function."""
        ordered_dict_data = _validate_and_convert_features(x)
        feature_keys = list(ordered_dict_data.keys())
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            if not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            ordered_dict_y = collections.OrderedDict(sorted(y.items(), key=lambda t: t[0]))
            target_keys = list(ordered_dict_y.keys())
            duplicate_keys = set(feature_keys).intersection(set(target_keys))
            if duplicate_keys:
                raise ValueError(f"{len(duplicate_keys)} duplicate keys are found in both x and "
                                 f"y: {duplicate_keys}")
            ordered_dict_data.update(ordered_dict_y)
        else:
            target_keys = _get_unique_target_key(ordered_dict_data)
            ordered_dict_data[target_keys] = y
        if len(set(np.shape(v)[0] for v in ordered_dict_data.values())) != 1:
            shape_dict_of_x = {k: ordered_dict_data[k].shape for k in feature_keys}
            if target_keys is None:
                shape_of_y = None
            elif isinstance(target_keys, str):
                shape_of_y = y.shape
            else:
                shape_of_y = {k: ordered_dict_data[k].shape for k in target_keys}
            raise ValueError("Length of tensors in x and y is mismatched. All elements in x and "
                             "y must have the same length.\n"
                             f"Shapes in x: {shape_dict_of_x}\n"
                             f"Shapes in y: {shape_of_y}\n")
        columns = tuple(np.asarray(v) for v in ordered_dict_data.values())
        dataset = Dataset.from_tensor_slices(columns)
        dataset = dataset.repeat(None if num_epochs is None else num_epochs * num_threads)
        if shuffle:
            dataset = dataset.shuffle(queue_capacity)
        dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)
        batch = list(dataset.make_one_shot_iterator().get_next())
        if isinstance(x, np.ndarray):
            features = batch[0]
        else:
            features = dict(zip(feature_keys, batch[:len(feature_keys)]))
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, batch[-1]
        return features, dict(zip(target_keys, batch[-len(target_keys):]))

    return input_fn
