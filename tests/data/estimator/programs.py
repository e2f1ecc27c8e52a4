"""TF1 Estimator programs in the style of the TF 1.x documentation, written against a `tf`
module given as an argument, so the same code runs on TensorFlow (`tensorflow.compat.v1`, in
`make_reference.py` under TF 2.15, the last release with tf.estimator) and on tfvars_jax (in
tests/test_estimator_vs_tf.py). Every program is deterministic: constant initializers, no
shuffling, and its results are plain JSON values.
"""
import os

import numpy as np

N = 20
X = np.linspace(-1.0, 1.0, 2 * N, dtype=np.float32).reshape(N, 2)
Y = (X @ np.array([[1.5], [-0.5]], np.float32) + 0.25 + 0.1 * np.sin(7 * X[:, :1])).astype(
    np.float32)
W1 = np.array([[0.3, -0.2, 0.1, 0.4], [-0.1, 0.25, 0.35, -0.3]], np.float32)
W2 = np.array([[0.5], [-0.4], [0.3], [0.2]], np.float32)


def mlp_model_fn(tf):
    """The model_fn of the MLP program: features {"x": [batch, 2]}, labels [batch, 1]."""

    def model_fn(features, labels, mode, params, config):
        del config
        x = features["x"]
        hidden = tf.layers.dense(x, 4, activation=tf.nn.relu, name="hidden",
                                 kernel_initializer=tf.constant_initializer(W1),
                                 bias_initializer=tf.constant_initializer(0.05))
        out = tf.layers.dense(hidden, 1, name="out",
                              kernel_initializer=tf.constant_initializer(W2))
        predictions = {"y": out, "hidden_sum": tf.reduce_sum(hidden, axis=1)}
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions=predictions)
        loss = tf.losses.mean_squared_error(labels, out)
        eval_metric_ops = {
            "rmse": tf.metrics.root_mean_squared_error(labels, out),
            "mae": tf.metrics.mean_absolute_error(labels, out),
        }
        optimizer = tf.train.MomentumOptimizer(params["learning_rate"], momentum=0.9)
        train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, predictions=predictions, loss=loss,
                                          train_op=train_op, eval_metric_ops=eval_metric_ops)

    return model_fn


def linear_model_fn(tf):
    """A model_fn with only (features, labels, mode): y = x @ w + b, one tensor predicted."""

    def model_fn(features, labels, mode):
        w = tf.get_variable("w", [2, 1], initializer=tf.constant_initializer([[0.1], [0.2]]))
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
        y = tf.matmul(features, w) + b
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions=y)
        loss = tf.reduce_mean(tf.square(y - labels))
        train_op = tf.train.GradientDescentOptimizer(0.2).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(
            mode, loss=loss, train_op=train_op,
            eval_metric_ops={"mse": tf.metrics.mean_squared_error(labels, y)})

    return model_fn


def _floats(a):
    return np.asarray(a, np.float64).ravel().tolist()


def checkpoint_contents(tf, path):
    """{name: {"shape": [...], "value": [...]}} of a checkpoint (or the latest in a dir)."""
    reader = tf.train.load_checkpoint(path)
    shapes = reader.get_variable_to_shape_map()
    return {name: {"shape": list(shapes[name]), "value": _floats(reader.get_tensor(name))}
            for name in sorted(shapes)}


def checkpoint_files(model_dir):
    """The checkpoint files of a model_dir (TF's .meta MetaGraphs left out: ours writes none)."""
    return sorted(f for f in os.listdir(model_dir)
                  if f == "checkpoint" or (f.startswith("model.ckpt") and
                                           not f.endswith(".meta")))


def checkpoint_state(model_dir):
    with open(os.path.join(model_dir, "checkpoint")) as f:
        return f.read()


def events(tf, directory):
    """[(step, tag, value)] of the scalar summaries in a directory's event files, in order;
    tensor summaries (eval's checkpoint_path) give their string."""
    out = []
    for name in sorted(os.listdir(directory)):
        if not name.startswith("events.out.tfevents"):
            continue
        for event in tf.train.summary_iterator(os.path.join(directory, name)):
            for value in event.summary.value:
                if value.HasField("simple_value"):
                    out.append([int(event.step), value.tag, float(value.simple_value)])
                elif value.HasField("tensor"):
                    s = value.tensor.string_val
                    out.append([int(event.step), value.tag,
                                os.path.basename(s[0].decode()) if s else None])
    return out


def _plain(d):
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in sorted(d.items())}


def run_mlp(tf, root):
    """Trains the MLP 12 steps, evaluates (whole data, 2 steps named "short"), predicts,
    resumes in a second Estimator to max_steps=20, re-trains to the same max (skipped), and
    trains one epoch of a num_epochs=1 input (ends at the data's end)."""
    model_dir = os.path.join(root, "mlp")
    config = tf.estimator.RunConfig(save_checkpoints_steps=5, keep_checkpoint_max=3,
                                    log_step_count_steps=5, save_summary_steps=2,
                                    tf_random_seed=1)
    est = tf.estimator.Estimator(mlp_model_fn(tf), model_dir=model_dir, config=config,
                                 params={"learning_rate": 0.05})
    train_input = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=4,
                                                     num_epochs=None, shuffle=False)
    r = {}
    est.train(train_input, steps=12)
    r["after_train"] = {"latest": os.path.basename(est.latest_checkpoint()),
                        "files": checkpoint_files(model_dir),
                        "state": checkpoint_state(model_dir),
                        "variables": est.get_variable_names(),
                        "checkpoint": checkpoint_contents(tf, model_dir),
                        "out_bias": _floats(est.get_variable_value("out/bias"))}
    eval_input = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=6, num_epochs=1,
                                                    shuffle=False)
    r["eval"] = _plain(est.evaluate(eval_input))
    r["eval_short"] = _plain(est.evaluate(eval_input, steps=2, name="short"))
    predict_input = tf.estimator.inputs.numpy_input_fn({"x": X[:5]}, batch_size=2,
                                                       num_epochs=1, shuffle=False)
    r["predict"] = [{k: _floats(v) for k, v in sorted(p.items())}
                    for p in est.predict(predict_input)]
    r["predict_keys"] = [{k: _floats(v) for k, v in sorted(p.items())}
                         for p in est.predict(predict_input, predict_keys=["y"])]
    r["predict_batches"] = [{k: [list(np.shape(v)), _floats(v)] for k, v in sorted(p.items())}
                            for p in est.predict(predict_input, yield_single_examples=False)]
    est2 = tf.estimator.Estimator(mlp_model_fn(tf), model_dir=model_dir, config=config,
                                  params={"learning_rate": 0.05})
    est2.train(train_input, max_steps=20)
    r["after_resume"] = {"latest": os.path.basename(est2.latest_checkpoint()),
                         "files": checkpoint_files(model_dir),
                         "state": checkpoint_state(model_dir),
                         "checkpoint": checkpoint_contents(tf, model_dir)}
    est2.train(train_input, max_steps=20)
    r["after_skipped"] = os.path.basename(est2.latest_checkpoint())
    one_epoch = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=8, num_epochs=1,
                                                   shuffle=False)
    est2.train(one_epoch)
    r["after_epoch"] = {"latest": os.path.basename(est2.latest_checkpoint()),
                        "files": checkpoint_files(model_dir),
                        "checkpoint": checkpoint_contents(tf, model_dir)}
    r["events"] = events(tf, model_dir)
    r["eval_events"] = events(tf, os.path.join(model_dir, "eval"))
    r["eval_short_events"] = events(tf, os.path.join(model_dir, "eval_short"))
    r["model_dir"] = sorted(f for f in os.listdir(model_dir)
                            if not f.startswith("events.out") and not f.endswith(".meta"))
    return r


def run_linear(tf, root):
    """A model_fn(features, labels, mode) fed by input_fns that return a tf.data Dataset; the
    default RunConfig (checkpoints every 600 s: at the start and the end only)."""
    model_dir = os.path.join(root, "linear")
    est = tf.estimator.Estimator(linear_model_fn(tf), model_dir=model_dir)

    def train_input_fn():
        return tf.data.Dataset.from_tensor_slices((X, Y)).repeat().batch(5)

    def eval_input_fn():
        return tf.data.Dataset.from_tensor_slices((X, Y)).batch(8)

    def predict_input_fn():
        return tf.data.Dataset.from_tensor_slices(X[:3]).batch(2)

    r = {}
    est.train(train_input_fn, steps=7)
    r["files"] = checkpoint_files(model_dir)
    r["checkpoint"] = checkpoint_contents(tf, model_dir)
    r["eval"] = _plain(est.evaluate(eval_input_fn))
    r["predict"] = [_floats(p) for p in est.predict(predict_input_fn)]
    r["events"] = [e for e in events(tf, model_dir) if e[1] == "loss"]
    return r


PROGRAMS = {"mlp": run_mlp, "linear": run_linear}


def _read_all(tf, input_fn):
    """The static shapes and the batches an input_fn gives, read in a MonitoredSession (which
    starts TF's queue runners) until the input ends."""
    with tf.Graph().as_default():
        out = input_fn()
        flat = list(out) if isinstance(out, tuple) else [out]
        leaves = []
        for part in flat:
            leaves += [part[k] for k in sorted(part)] if isinstance(part, dict) else [part]
        shapes = [[d if d is None else int(d) for d in t.shape.as_list()] for t in leaves]
        dtypes = [t.dtype.name for t in leaves]
        batches = []
        with tf.train.MonitoredSession() as sess:
            while not sess.should_stop() and len(batches) < 6:
                batches.append([np.asarray(v).tolist() for v in sess.run(leaves)])
    return {"structure": [sorted(p) if isinstance(p, dict) else "tensor" for p in flat],
            "shapes": shapes, "dtypes": dtypes, "batches": batches}


def run_inputs(tf, root):
    """numpy_input_fn's batches for array and dict x and y, with and without num_epochs."""
    del root
    x = np.arange(10, dtype=np.float64).reshape(5, 2)
    y = np.arange(5, dtype=np.int64)
    fn = tf.estimator.inputs.numpy_input_fn
    return {
        "array_two_epochs": _read_all(tf, fn(x, y, batch_size=3, num_epochs=2, shuffle=False)),
        "dict_forever": _read_all(tf, fn({"b": x, "a": y}, batch_size=2, num_epochs=None,
                                         shuffle=False)),
        "dict_y": _read_all(tf, fn({"x": x}, {"t2": y, "t1": y * 2}, batch_size=4,
                                   shuffle=False)),
        "target_key_taken": _read_all(tf, fn({"target": y}, y + 1, batch_size=5,
                                             shuffle=False)),
    }


def run_warm_start(tf, root):
    """Warm-starting a new model_dir from another's checkpoint (a regex over the trainable
    variables, a list over the global ones, a renamed variable); saving listeners; evaluating
    a model_dir with no checkpoint (the model is initialized)."""
    linear = linear_model_fn(tf)

    def train_input_fn():
        return tf.data.Dataset.from_tensor_slices((X, Y)).repeat().batch(5)

    source = os.path.join(root, "ws_source")
    tf.estimator.Estimator(linear, model_dir=source).train(train_input_fn, steps=3)
    r = {}
    settings = {
        "all_trainable": tf.estimator.WarmStartSettings(source),
        "list_w": tf.estimator.WarmStartSettings(source, vars_to_warm_start=["w"]),
        "string_dir": source,
    }
    for name, warm_start_from in settings.items():
        model_dir = os.path.join(root, "ws_" + name)
        est = tf.estimator.Estimator(linear, model_dir=model_dir,
                                     warm_start_from=warm_start_from)
        est.train(train_input_fn, steps=1)
        r[name] = checkpoint_contents(tf, os.path.join(model_dir, "model.ckpt-0"))

    def renamed_model_fn(features, labels, mode):
        w = tf.get_variable("weights", [2, 1], initializer=tf.zeros_initializer())
        loss = tf.reduce_mean(tf.square(tf.matmul(features, w) - labels))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    model_dir = os.path.join(root, "ws_renamed")
    est = tf.estimator.Estimator(renamed_model_fn, model_dir=model_dir,
                                 warm_start_from=tf.estimator.WarmStartSettings(
                                     source, var_name_to_prev_var_name={"weights": "w"}))
    est.train(train_input_fn, steps=1)
    r["renamed"] = checkpoint_contents(tf, os.path.join(model_dir, "model.ckpt-0"))

    calls = []

    class Listener(tf.estimator.CheckpointSaverListener):
        def begin(self):
            calls.append(["begin"])

        def before_save(self, session, global_step_value):
            calls.append(["before_save", int(global_step_value)])

        def after_save(self, session, global_step_value):
            calls.append(["after_save", int(global_step_value)])

        def end(self, session, global_step_value):
            calls.append(["end", int(global_step_value)])

    config = tf.estimator.RunConfig(save_checkpoints_steps=3, save_checkpoints_secs=None)
    est = tf.estimator.Estimator(linear, model_dir=os.path.join(root, "listened"),
                                 config=config)
    est.train(train_input_fn, steps=7, saving_listeners=[Listener()])
    r["listener_calls"] = calls

    untrained = tf.estimator.Estimator(linear, model_dir=os.path.join(root, "untrained"))
    r["eval_untrained"] = _plain(untrained.evaluate(
        lambda: tf.data.Dataset.from_tensor_slices((X, Y)).batch(8)))
    r["eval_untrained_events"] = events(tf, os.path.join(root, "untrained", "eval"))
    r["untrained_files"] = sorted(os.listdir(os.path.join(root, "untrained")))
    return r


PROGRAMS["inputs"] = run_inputs
PROGRAMS["warm_start"] = run_warm_start
