"""TF1's `tf.estimator.ModeKeys`: the mode a model_fn is called in."""


class ModeKeys:
    """TF1's `tf.estimator.ModeKeys`: TRAIN ('train'), EVAL ('eval'), PREDICT ('infer')."""

    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"
