"""TF1's `tf.estimator.WarmStartSettings`: the arguments of `tf.train.warm_start` that an
Estimator applies when it builds a graph and model_dir holds no checkpoint yet."""
import collections
import os


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info",
        "var_name_to_prev_var_name"])):
    """TF1's `tf.estimator.WarmStartSettings(ckpt_to_initialize_from, vars_to_warm_start='.*',
    var_name_to_vocab_info=None, var_name_to_prev_var_name=None)`: what `warm_start` takes.

    Raises:
      ValueError: `ckpt_to_initialize_from` is None.
      NotImplementedError: `var_name_to_vocab_info` given (vocabulary remapping).
    """

    def __new__(cls, ckpt_to_initialize_from, vars_to_warm_start=".*",
                var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        if var_name_to_vocab_info:
            raise NotImplementedError("WarmStartSettings(var_name_to_vocab_info=...): "
                                      "vocabulary remapping is not supported by tfvars_jax.")
        return super().__new__(cls, os.fspath(ckpt_to_initialize_from), vars_to_warm_start,
                               var_name_to_vocab_info or {}, var_name_to_prev_var_name or {})
