"""Records what TensorFlow's tf.estimator does on the programs in programs.py.

TF 2.16+ no longer ships tf.estimator; run this under TF 2.15 (Python 3.11):

    python3.11 -m venv /work/tf215 && /work/tf215/bin/pip install tensorflow-cpu==2.15.1
    cd tests/data/estimator && /work/tf215/bin/python make_reference.py

It writes reference.json (the programs' results) and tf_model_dir/ (a model_dir that TF's
Estimator trained 12 steps of the MLP program: TF's model.ckpt-12 files and a `checkpoint`
state file naming only it, as TF writes one with relative paths; TF's .meta, graph.pbtxt and
events are left out to keep it small), which tests/test_estimator_vs_tf.py resume training
from. The tests need only these files.
"""
import json
import os
import shutil
import sys
import tempfile

import tensorflow as tf2
import tensorflow.compat.v1 as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import programs  # noqa: E402


def main():
    tf.disable_v2_behavior()
    tf.logging.set_verbosity(tf.logging.ERROR)
    results = {"tensorflow": tf2.__version__}
    with tempfile.TemporaryDirectory() as root:
        for name, program in programs.PROGRAMS.items():
            results[name] = program(tf, root)
        # A TF-written model_dir at step 12 of the MLP program, for ours to resume.
        model_dir = os.path.join(root, "tf_model_dir")
        config = tf.estimator.RunConfig(save_checkpoints_steps=5, keep_checkpoint_max=3,
                                        log_step_count_steps=5, save_summary_steps=2,
                                        tf_random_seed=1)
        est = tf.estimator.Estimator(programs.mlp_model_fn(tf), model_dir=model_dir,
                                     config=config, params={"learning_rate": 0.05})
        est.train(tf.estimator.inputs.numpy_input_fn({"x": programs.X}, programs.Y,
                                                     batch_size=4, num_epochs=None,
                                                     shuffle=False), steps=12)
        out = os.path.join(HERE, "tf_model_dir")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        for f in os.listdir(model_dir):
            if f.startswith("model.ckpt-12.") and not f.endswith(".meta"):
                shutil.copy(os.path.join(model_dir, f), out)
        with open(os.path.join(out, "checkpoint"), "w") as f:
            f.write('model_checkpoint_path: "model.ckpt-12"\n'
                    'all_model_checkpoint_paths: "model.ckpt-12"\n')
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
