"""tf.estimator against TF 2.15's (the last TensorFlow with tf.estimator), through recorded
results: tests/data/estimator/make_reference.py ran the Estimator programs of
tests/data/estimator/programs.py under tensorflow-cpu 2.15.1 and stored what they gave in
reference.json, plus tf_model_dir/ (a model_dir TF's Estimator trained 12 steps). Here the
same programs run on tfvars_jax and must give the same step counts, checkpoint files,
checkpoint states, variable names, shapes and values, evaluation results, predictions and
summaries (the values of 'global_step/sec' are timings: only their steps are compared; TF's
queue-fullness summaries of numpy_input_fn have no queue to report here). Ours resumes TF's
model_dir, and TF 2.21's checkpoint reader reads ours (the one test that needs TensorFlow).
"""
import importlib.util
import json
import math
import os
import pathlib
import shutil

import numpy as np
import pytest

import tfvars_jax as tf

pytest.importorskip("tensorboard")  # summaries are written through TensorBoard's writer

DATA = pathlib.Path(__file__).parent / "data" / "estimator"
REFERENCE = json.loads((DATA / "reference.json").read_text())


def _programs():
    spec = importlib.util.spec_from_file_location("estimator_programs", DATA / "programs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


programs = _programs()


def assert_same(ours, theirs, path="result"):
    """Equal structures; floats within float32 rounding (XLA and TF's kernels may round the
    last bit differently), everything else exactly."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(theirs), path
        for k in theirs:
            assert_same(ours[k], theirs[k], f"{path}[{k!r}]")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), (path, ours, theirs)
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, float):
        assert math.isclose(ours, theirs, rel_tol=2e-5, abs_tol=1e-6), (path, ours, theirs)
    else:
        assert ours == theirs, (path, ours, theirs)


def _without_queue_summaries(events):
    return [e for e in events if not e[1].startswith("enqueue_input/")]


def _timings_as_steps(events):
    return [[s, tag, None if tag == "global_step/sec" else v] for s, tag, v in events]


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    root = tmp_path_factory.mktemp("estimator")
    return programs.run_mlp(tf, str(root)), root


def test_reference_was_recorded_with_tf_2_15():
    assert REFERENCE["tensorflow"].startswith("2.15")


def test_training_writes_tfs_checkpoints(mlp):
    ours, _ = mlp
    theirs = REFERENCE["mlp"]
    # 12 steps, checkpoints every 5 steps from the start (0, 5, 10) and at the end (12);
    # keep_checkpoint_max=3 deleted model.ckpt-0; the state file holds relative paths.
    assert ours["after_train"]["latest"] == theirs["after_train"]["latest"] == "model.ckpt-12"
    assert_same(ours["after_train"], theirs["after_train"])


def test_evaluate_gives_tfs_metrics_and_eval_summaries(mlp):
    ours, root = mlp
    theirs = REFERENCE["mlp"]
    assert sorted(ours["eval"]) == ["global_step", "loss", "mae", "rmse"]
    assert_same(ours["eval"], theirs["eval"])  # the loss is the mean over the 4 batches
    assert_same(ours["eval_short"], theirs["eval_short"])  # steps=2: the first 2 batches
    assert_same(ours["eval_events"], theirs["eval_events"])
    assert_same(ours["eval_short_events"], theirs["eval_short_events"])
    assert os.path.isdir(root / "mlp" / "eval_short")


def test_predict_gives_tfs_predictions(mlp):
    ours, _ = mlp
    theirs = REFERENCE["mlp"]
    for key in ("predict", "predict_keys", "predict_batches"):
        assert_same(ours[key], theirs[key], key)


def test_a_second_estimator_resumes_and_max_steps_skips(mlp):
    ours, _ = mlp
    theirs = REFERENCE["mlp"]
    assert_same(ours["after_resume"], theirs["after_resume"])  # 12 -> 20: saves 12, 17, 20
    assert ours["after_skipped"] == theirs["after_skipped"] == "model.ckpt-20"
    # num_epochs=1, batch 8 of 20 rows: 3 steps, then the input's end stops training.
    assert_same(ours["after_epoch"], theirs["after_epoch"])
    assert ours["after_epoch"]["latest"] == "model.ckpt-23"


def test_training_summaries_match_tfs(mlp):
    ours, _ = mlp
    theirs = _without_queue_summaries(REFERENCE["mlp"]["events"])
    assert_same(_timings_as_steps(ours["events"]), _timings_as_steps(theirs))
    assert ours["model_dir"] == REFERENCE["mlp"]["model_dir"]  # graph.pbtxt, eval dirs


def test_dataset_input_fns_and_a_three_argument_model_fn(tmp_path):
    ours = programs.run_linear(tf, str(tmp_path))
    assert_same(ours, REFERENCE["linear"])


def test_numpy_input_fn_batches_as_tfs_queues(tmp_path):
    ours = programs.run_inputs(tf, str(tmp_path))
    assert_same(ours, REFERENCE["inputs"])


def test_ours_resumes_training_from_tfs_model_dir(tmp_path):
    model_dir = tmp_path / "from_tf"
    shutil.copytree(DATA / "tf_model_dir", model_dir)
    config = tf.estimator.RunConfig(save_checkpoints_steps=5, keep_checkpoint_max=3,
                                    log_step_count_steps=5, save_summary_steps=2,
                                    tf_random_seed=1)
    est = tf.estimator.Estimator(programs.mlp_model_fn(tf), model_dir=str(model_dir),
                                 config=config, params={"learning_rate": 0.05})
    assert est.get_variable_value("global_step") == 12
    est.train(tf.estimator.inputs.numpy_input_fn({"x": programs.X}, programs.Y, batch_size=4,
                                                 num_epochs=None, shuffle=False),
              max_steps=20)
    theirs = REFERENCE["mlp"]["after_resume"]  # TF's own resume of its model_dir
    assert programs.checkpoint_files(str(model_dir)) == theirs["files"]
    assert programs.checkpoint_state(str(model_dir)) == theirs["state"]
    assert_same(programs.checkpoint_contents(tf, str(model_dir)), theirs["checkpoint"])


@pytest.mark.tensorflow
def test_tensorflow_reads_our_model_dir(mlp):
    tf2 = pytest.importorskip("tensorflow")
    _, root = mlp
    model_dir = str(root / "mlp")
    assert os.path.basename(tf2.train.latest_checkpoint(model_dir)) == "model.ckpt-23"
    reader = tf2.train.load_checkpoint(model_dir)
    ours = tf.train.load_checkpoint(model_dir)
    shapes = reader.get_variable_to_shape_map()
    assert sorted(shapes) == sorted(ours.get_variable_to_shape_map())
    for name in shapes:
        np.testing.assert_array_equal(reader.get_tensor(name), ours.get_tensor(name))
        assert reader.get_tensor(name).dtype == ours.get_tensor(name).dtype


def test_warm_start_listeners_and_evaluating_an_untrained_model(tmp_path):
    ours = programs.run_warm_start(tf, str(tmp_path))
    theirs = REFERENCE["warm_start"]
    # The batch-mean loss differs from the per-example mse over batches of 8, 8 and 4 rows.
    assert ours["eval_untrained"]["loss"] != pytest.approx(ours["eval_untrained"]["mse"])
    assert_same(ours, theirs)
