"""tf.estimator's contract beyond the recorded TF programs (tests/test_estimator_vs_tf.py):
TF's validation errors (EstimatorSpec, RunConfig, Estimator arguments, numpy_input_fn),
what we do not support (raised and named), and behaviours a user relies on (params and config
reaching the model_fn and input_fn, hooks, device_fn, predictions of single tensors)."""
import logging
import os

import numpy as np
import pytest

import tfvars_jax as tf

pytest.importorskip("tensorboard")

X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], np.float32)
Y = np.array([[1.0], [0.0], [2.0], [-1.0]], np.float32)


def linear_model_fn(features, labels, mode, params):
    w = tf.get_variable("w", [2, 1], initializer=tf.constant_initializer(0.5))
    y = tf.matmul(features["x"], w)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"y": y})
    loss = tf.reduce_mean(tf.square(y - labels))
    train_op = tf.train.GradientDescentOptimizer(params.get("lr", 0.1)).minimize(
        loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def train_input(num_epochs=None):
    return tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=2, num_epochs=num_epochs,
                                              shuffle=False)


# ----- EstimatorSpec ----------------------------------------------------------------------------
def test_estimator_spec_requires_what_each_mode_needs():
    loss = tf.constant(1.0)
    train_op = tf.no_op()
    with pytest.raises(ValueError, match="Missing train_op"):
        tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, loss=loss)
    with pytest.raises(ValueError, match="Missing loss"):
        tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, train_op=train_op)
    with pytest.raises(ValueError, match="Missing loss"):
        tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL)
    with pytest.raises(ValueError, match="Missing predictions"):
        tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT)
    spec = tf.estimator.EstimatorSpec("train", loss=loss, train_op=train_op)
    assert spec.predictions == {} and spec.eval_metric_ops == {}
    assert spec.training_hooks == () and isinstance(spec.scaffold, tf.train.Scaffold)


def test_estimator_spec_checks_types_shapes_and_graphs():
    mode = tf.estimator.ModeKeys.EVAL
    with pytest.raises(ValueError, match="Loss must be scalar"):
        tf.estimator.EstimatorSpec(mode, loss=tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="loss must be Tensor"):
        tf.estimator.EstimatorSpec(mode, loss=1.0)
    spec = tf.estimator.EstimatorSpec(mode, loss=tf.constant([3.0]))
    assert spec.loss.shape.as_list() == []  # a [1] loss is reshaped, as TF
    with pytest.raises(TypeError, match="train_op must be Operation or Tensor"):
        tf.estimator.EstimatorSpec("train", loss=tf.constant(1.0), train_op="step")
    with pytest.raises(TypeError, match="predictions\\[y\\] must be Tensor"):
        tf.estimator.EstimatorSpec("infer", predictions={"y": np.zeros(2)})
    with pytest.raises(TypeError, match="Values of eval_metric_ops must be"):
        tf.estimator.EstimatorSpec(mode, loss=tf.constant(1.0),
                                   eval_metric_ops={"m": tf.constant(1.0)})
    with pytest.raises(TypeError, match="eval_metric_ops must be a dict"):
        tf.estimator.EstimatorSpec(mode, loss=tf.constant(1.0), eval_metric_ops=[1])
    with pytest.raises(TypeError, match="All hooks must be SessionRunHook"):
        tf.estimator.EstimatorSpec(mode, loss=tf.constant(1.0), evaluation_hooks=[object()])
    with pytest.raises(TypeError, match="scaffold must be tf.train.Scaffold"):
        tf.estimator.EstimatorSpec(mode, loss=tf.constant(1.0), scaffold=object())
    other = tf.Graph()
    with other.as_default():
        foreign = tf.constant(1.0)
    with pytest.raises(ValueError, match="must be from the default graph"):
        tf.estimator.EstimatorSpec(mode, loss=foreign)
    spec = tf.estimator.EstimatorSpec(mode, loss=tf.constant(1.0))
    with pytest.raises(ValueError, match="cannot be changed"):
        spec._replace(mode="train")
    assert spec._replace(predictions={"p": spec.loss}).predictions == {"p": spec.loss}


# ----- RunConfig --------------------------------------------------------------------------------
def test_run_config_defaults_and_checkpoint_schedule():
    config = tf.estimator.RunConfig()
    assert (config.save_checkpoints_secs, config.save_checkpoints_steps) == (600, None)
    assert (config.save_summary_steps, config.keep_checkpoint_max,
            config.log_step_count_steps) == (100, 5, 100)
    assert (config.is_chief, config.master, config.task_type, config.num_ps_replicas) == (
        True, "", "worker", 0)
    steps = tf.estimator.RunConfig(save_checkpoints_steps=10)
    assert (steps.save_checkpoints_secs, steps.save_checkpoints_steps) == (None, 10)
    with pytest.raises(ValueError, match="cannot be both set"):
        tf.estimator.RunConfig(save_checkpoints_steps=10, save_checkpoints_secs=5)
    replaced = config.replace(save_checkpoints_steps=5, model_dir="/tmp/m")
    assert (replaced.save_checkpoints_steps, replaced.save_checkpoints_secs,
            replaced.model_dir) == (5, None, "/tmp/m")  # one schedule replaces the other
    assert replaced.replace(save_checkpoints_secs=30).save_checkpoints_steps is None
    with pytest.raises(ValueError, match="cannot be both set"):
        config.replace(save_checkpoints_steps=5, save_checkpoints_secs=30)
    assert config.model_dir is None  # replace copies
    with pytest.raises(ValueError, match="Replacing is_chief is not supported"):
        config.replace(is_chief=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"save_summary_steps": -1}, "save_summary_steps should be >= 0"),
    ({"keep_checkpoint_max": -1}, "keep_checkpoint_max should be >= 0"),
    ({"keep_checkpoint_every_n_hours": 0}, "keep_checkpoint_every_n_hours should be > 0"),
    ({"log_step_count_steps": 0}, "log_step_count_steps should be > 0"),
    ({"tf_random_seed": 1.5}, "tf_random_seed must be integer"),
    ({"session_config": {"a": 1}}, "session_config must be instance of ConfigProto"),
    ({"device_fn": lambda x, y: ""}, 'exactly one argument "op"'),
    ({"model_dir": ""}, "model_dir should be non-empty"),
])
def test_run_config_validates_as_tf(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf.estimator.RunConfig(**kwargs)


@pytest.mark.parametrize("name", ["train_distribute", "eval_distribute",
                                  "experimental_distribute", "protocol",
                                  "experimental_max_worker_delay_secs"])
def test_run_config_distribution_arguments_are_not_supported(name):
    with pytest.raises(NotImplementedError, match=name):
        tf.estimator.RunConfig(**{name: "grpc" if name == "protocol" else 1})


def test_run_config_refuses_a_cluster_in_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"worker": ["a:1"]}, '
                                    '"task": {"type": "worker", "index": 0}}')
    with pytest.raises(NotImplementedError, match="TF_CONFIG"):
        tf.estimator.RunConfig()
    monkeypatch.setenv("TF_CONFIG", '{"model_dir": "/tmp/from_env"}')
    assert tf.estimator.RunConfig().model_dir == "/tmp/from_env"


# ----- Estimator arguments ----------------------------------------------------------------------
def test_model_fn_signature_is_checked_as_tf(tmp_path):
    with pytest.raises(ValueError, match="model_fn must be provided"):
        tf.estimator.Estimator(None)
    with pytest.raises(ValueError, match="must include features argument"):
        tf.estimator.Estimator(lambda labels, mode: None, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="does not include params argument"):
        tf.estimator.Estimator(lambda features, mode: None, model_dir=str(tmp_path),
                               params={"a": 1})
    with pytest.raises(ValueError, match="following not expected args: \\['extra'\\]"):
        tf.estimator.Estimator(lambda features, extra: None, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="config must be an instance of `RunConfig`"):
        tf.estimator.Estimator(linear_model_fn, config={"model_dir": "x"})
    with pytest.raises(ValueError, match="set both in constructor and `RunConfig`"):
        tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path / "a"),
                               config=tf.estimator.RunConfig(model_dir=str(tmp_path / "b")))
    with pytest.raises(ValueError, match="warm_start_from must be a string"):
        tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), warm_start_from=3)


def test_subclasses_may_not_override_estimator_members(tmp_path):
    class Wrapper(tf.estimator.Estimator):
        def __init__(self, model_dir):
            super().__init__(linear_model_fn, model_dir=model_dir, params={})

        def latest_checkpoint(self):  # allowed, as TF
            return super().latest_checkpoint()

    assert Wrapper(str(tmp_path)).latest_checkpoint() is None

    class Overrider(tf.estimator.Estimator):
        def train(self, input_fn, hooks=None, steps=None, max_steps=None,
                  saving_listeners=None):
            return self

    with pytest.raises(ValueError, match="cannot override members of Estimator.*'train'"):
        Overrider(linear_model_fn, model_dir=str(tmp_path), params={})


def test_a_model_dir_is_made_when_none_is_given(caplog):
    with caplog.at_level(logging.WARNING, logger="tfvars_jax.estimator"):
        est = tf.estimator.Estimator(linear_model_fn, params={})
    assert os.path.isdir(est.model_dir) and "temporary folder" in caplog.text
    assert est.config.model_dir == est.model_dir
    assert est.params == {} and est.latest_checkpoint() is None
    with pytest.raises(ValueError, match="Could not find trained model in model_dir"):
        est.get_variable_names()


def test_train_arguments_are_checked(tmp_path):
    est = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), params={})
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps"):
        est.train(train_input(), steps=1, max_steps=2)
    with pytest.raises(ValueError, match="Must specify steps > 0, given: 0"):
        est.train(train_input(), steps=0)
    with pytest.raises(ValueError, match="Must specify max_steps > 0, given: -1"):
        est.train(train_input(), max_steps=-1)
    with pytest.raises(TypeError, match="Hooks must be a SessionRunHook"):
        est.train(train_input(), steps=1, hooks=[object()])
    with pytest.raises(TypeError, match="saving_listeners must be a list of"):
        est.train(train_input(), steps=1, saving_listeners=[object()])
    no_saver = tf.estimator.Estimator(
        linear_model_fn, params={}, config=tf.estimator.RunConfig(
            model_dir=str(tmp_path / "n"), save_checkpoints_secs=None))
    with pytest.raises(ValueError, match="There should be a CheckpointSaverHook"):
        no_saver.train(train_input(), steps=1,
                       saving_listeners=[tf.estimator.CheckpointSaverListener()])
    assert est.latest_checkpoint() is None  # nothing was trained


def test_labels_without_a_labels_argument_raise(tmp_path):
    def model_fn(features, mode):
        return tf.estimator.EstimatorSpec(mode, predictions=features["x"])
    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="model_fn does not take labels, but input_fn returns"):
        est.train(train_input(), steps=1)

    def not_a_spec(features, labels):
        return {"loss": 1}
    est = tf.estimator.Estimator(not_a_spec, model_dir=str(tmp_path / "b"))
    with pytest.raises(ValueError, match="model_fn should return an EstimatorSpec"):
        est.train(train_input(), steps=1)


def test_params_config_and_mode_reach_model_fn_and_input_fn(tmp_path):
    seen = {}

    def input_fn(params, mode, config):
        seen["input"] = (params["lr"], mode, config.model_dir)
        return tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(2).repeat()

    def model_fn(features, labels, mode, params, config):
        seen.setdefault("modes", []).append(mode)
        seen["config"] = config.tf_random_seed
        return linear_model_fn(features, labels, mode, params)

    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), params={"lr": 0.2},
                                 config=tf.estimator.RunConfig(tf_random_seed=7))
    est.train(input_fn, steps=2)
    assert seen["input"] == (0.2, "train", str(tmp_path)) and seen["config"] == 7
    assert est.get_variable_value("global_step") == 2
    # w after 2 steps of GradientDescent(0.2) on the first two batches.
    w = np.full((2, 1), 0.5, np.float32)
    for xb, yb in ((X[:2], Y[:2]), (X[2:], Y[2:])):
        w = w - 0.2 * (2.0 / len(xb)) * xb.T @ (xb @ w - yb)
    np.testing.assert_allclose(est.get_variable_value("w"), w, rtol=1e-6)
    assert est.get_variable_names() == ["global_step", "w"]


def test_hooks_and_device_fn_are_used(tmp_path):
    placed = []

    def device_fn(op):
        placed.append(op.name)
        return "/cpu:0"

    class Count(tf.train.SessionRunHook):
        def __init__(self):
            self.runs = 0

        def after_run(self, run_context, run_values):
            self.runs += 1

    hook = Count()
    est = tf.estimator.Estimator(linear_model_fn, params={}, config=tf.estimator.RunConfig(
        model_dir=str(tmp_path), device_fn=device_fn))
    est.train(train_input(), steps=3, hooks=[hook])
    assert hook.runs == 3 and "w" in placed
    evaluated = est.evaluate(train_input(num_epochs=1), hooks=[Count()])
    assert evaluated["global_step"] == 3 and set(evaluated) == {"loss", "global_step"}


def test_evaluate_refuses_metrics_named_loss_or_global_step(tmp_path):
    def model_fn(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        name = params["name"]
        return spec._replace(eval_metric_ops={name: tf.metrics.mean(spec.loss)})
    for name in ("loss", "global_step"):
        est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), params={"name": name})
        with pytest.raises(ValueError, match=f"Metric with name .{name}. is not allowed"):
            est.evaluate(train_input(num_epochs=1))
    with pytest.raises(ValueError, match="Must specify steps > 0"):
        est.evaluate(train_input(num_epochs=1), steps=0)


def test_predict_single_tensor_and_key_errors(tmp_path):
    def model_fn(features, mode):
        w = tf.get_variable("w", [2, 1], initializer=tf.constant_initializer(2.0))
        return tf.estimator.EstimatorSpec(mode, predictions=tf.matmul(features, w))
    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path))
    inputs = tf.estimator.inputs.numpy_input_fn(X, batch_size=3, shuffle=False)
    got = list(est.predict(inputs))  # no checkpoint: initialized, as TF
    np.testing.assert_allclose(np.stack(got), X @ np.full((2, 1), 2.0, np.float32))
    assert got[0].shape == (1,)
    with pytest.raises(ValueError, match="predict_keys argument is not valid"):
        list(est.predict(inputs, predict_keys=["y"]))

    def dict_model_fn(features, mode):
        return tf.estimator.EstimatorSpec(mode, predictions={"a": features, "b": features[:1]})
    est = tf.estimator.Estimator(dict_model_fn, model_dir=str(tmp_path / "d"))
    with pytest.raises(ValueError, match="Expected to run at least one output"):
        list(est.predict(inputs, predict_keys=["z"]))
    with pytest.raises(ValueError, match="Batch length of predictions should be same"):
        list(est.predict(inputs))


def test_export_is_not_supported(tmp_path):
    est = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), params={})
    for method in ("export_saved_model", "export_savedmodel"):
        with pytest.raises(NotImplementedError, match=f"Estimator.{method}: SavedModel"):
            getattr(est, method)(str(tmp_path / "export"), lambda: None)
    with pytest.raises(NotImplementedError, match="experimental_export_all_saved_models"):
        est.experimental_export_all_saved_models(str(tmp_path / "export"), {})


def test_what_tf_estimator_does_not_ship_is_named():
    with pytest.raises(AttributeError, match="tfvars_jax.estimator.DNNClassifier is not"):
        tf.estimator.DNNClassifier  # noqa: B018
    with pytest.raises(AttributeError, match="pandas_input_fn"):
        tf.estimator.inputs.pandas_input_fn  # noqa: B018
    with pytest.raises(NotImplementedError, match="vocabulary"):
        tf.estimator.VocabInfo("new", 3, 0, "old")
    with pytest.raises(NotImplementedError, match="var_name_to_vocab_info"):
        tf.estimator.WarmStartSettings("/ckpt", var_name_to_vocab_info={"w": 1})
    with pytest.raises(ValueError, match="ckpt_to_initialize_from` MUST be set"):
        tf.estimator.WarmStartSettings(None)


def test_warm_start_rejects_unused_renames(tmp_path):
    source = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path / "s"), params={})
    source.train(train_input(), steps=1)
    est = tf.estimator.Estimator(
        linear_model_fn, model_dir=str(tmp_path / "t"), params={},
        warm_start_from=tf.estimator.WarmStartSettings(
            str(tmp_path / "s"), var_name_to_prev_var_name={"v": "w"}))
    with pytest.raises(ValueError, match="var_name_to_prev_var_name that were not used"):
        est.train(train_input(), steps=1)


# ----- numpy_input_fn -----------------------------------------------------------------------------
def test_numpy_input_fn_validates_as_tf():
    fn = tf.estimator.inputs.numpy_input_fn
    with pytest.raises(ValueError, match="shuffle must be provided and explicitly set"):
        fn({"x": X}, Y)
    with pytest.raises(ValueError, match="x cannot be an empty dict"):
        fn({}, Y, shuffle=False)()
    with pytest.raises(ValueError, match="x must be a dict or array; got list"):
        fn([1, 2], shuffle=False)()
    with pytest.raises(ValueError, match="y cannot be empty dict"):
        fn({"x": X}, {}, shuffle=False)()
    with pytest.raises(ValueError, match="1 duplicate keys are found in both x and y"):
        fn({"x": X}, {"x": Y}, shuffle=False)()
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        fn({"x": X}, Y[:3], shuffle=False)()
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        fn({"x": X}, Y, batch_size=0, shuffle=False)
    with pytest.raises(ValueError, match="num_epochs must be a positive integer or None"):
        fn({"x": X}, Y, num_epochs=0, shuffle=False)
    with pytest.raises(NotImplementedError, match="num_threads=2, shuffle=False"):
        fn({"x": X}, Y, num_threads=2, shuffle=False)


def _rows(input_fn):
    with tf.Graph().as_default():
        features, labels = input_fn()
        rows = []
        with tf.train.MonitoredSession() as sess:
            while not sess.should_stop():
                rows += sess.run(labels).ravel().tolist()
    return rows


def test_numpy_input_fn_shuffles_with_the_graph_seed():
    y = np.arange(12, dtype=np.float32)
    x = {"x": np.arange(12, dtype=np.float32)}

    def rows(seed, num_threads=1):
        fn = tf.estimator.inputs.numpy_input_fn(x, y, batch_size=5, shuffle=True,
                                                num_epochs=1, num_threads=num_threads)

        def seeded():
            tf.set_random_seed(seed)
            return fn()
        return _rows(seeded)
    first = rows(3)
    assert sorted(first) == list(range(12)) and first != list(range(12))
    assert rows(3) == first and rows(4) != first
    # TF applies num_epochs per feeding thread: two threads give every row twice.
    assert sorted(rows(3, num_threads=2)) == sorted(list(range(12)) * 2)
