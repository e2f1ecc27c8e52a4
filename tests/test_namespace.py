"""The public namespace: `tf`, `tf.train`, `tf.nn`, ... are real modules with explicit imports and
`__all__`, and they keep every name they had when they were built from `Namespace` dicts.

tests/data/namespace_names.json holds the public names (`dir()`, no leading underscore) of each
namespace as they were before the namespaces became modules; a namespace may gain names, never
lose one.
"""
import importlib
import inspect
import json
import pathlib

import pytest

import tfvars_jax as tf
from tfvars_jax.variables import initializers as init_ops

BEFORE = json.loads((pathlib.Path(__file__).parent / "data" / "namespace_names.json").read_text())
# Implementation packages that show up in dir(tf) only because importing a submodule binds them.
SUBPACKAGES = {"framework", "ops", "runtime", "variables"}
# Namespace modules built with explicit imports, `__all__` and the "not supported" __getattr__.
MODULES = ["tf", "tf.bitwise", "tf.contrib", "tf.contrib.framework", "tf.contrib.layers",
           "tf.contrib.slim", "tf.dtypes", "tf.image", "tf.initializers", "tf.keras",
           "tf.keras.initializers", "tf.linalg", "tf.losses", "tf.math", "tf.metrics", "tf.nn",
           "tf.random", "tf.signal", "tf.sparse", "tf.spectral", "tf.train"]


def _resolve(path):
    obj = tf
    for part in path.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def test_train_names_import_from_the_real_package():
    from tfvars_jax.train import AdamOptimizer, Saver

    assert Saver is tf.train.Saver and AdamOptimizer is tf.train.AdamOptimizer
    from tfvars_jax.nn import relu
    from tfvars_jax.keras.initializers import GlorotUniform
    assert relu is tf.nn.relu and GlorotUniform is tf.keras.initializers.GlorotUniform


@pytest.mark.parametrize("path", MODULES)
def test_namespace_is_a_real_module(path):
    module = _resolve(path)
    assert importlib.import_module(path.replace("tf", "tfvars_jax", 1)) is module
    assert len(module.__all__) == len(set(module.__all__))
    for name in module.__all__:
        value = getattr(module, name)
        assert value is not None or (path, name) == ("tf", "newaxis"), (path, name)
    star = {}
    exec(f"from {module.__name__} import *", star)  # noqa: S102 - checks __all__ names resolve
    assert set(module.__all__) <= set(star)


@pytest.mark.parametrize("path", sorted(BEFORE))
def test_no_public_name_was_lost(path):
    module = _resolve(path)
    names = {n for n in dir(module) if not n.startswith("_")}
    assert set(BEFORE[path]) <= names, sorted(set(BEFORE[path]) - names)
    if path in MODULES:
        assert set(BEFORE[path]) - SUBPACKAGES <= set(module.__all__), sorted(set(BEFORE[path]) - set(module.__all__))


@pytest.mark.parametrize("expr, qualified", [
    ("tf.train.NoSuchThing", "tfvars_jax.train.NoSuchThing"),
    ("tf.nn.no_such_op", "tfvars_jax.nn.no_such_op"),
    ("tf.no_such_op", "tfvars_jax.no_such_op"),
    ("tf.contrib.eager.no_such_name", "tfvars_jax.contrib.eager.no_such_name"),
    ("tf.keras.layers", "tfvars_jax.keras.layers"),
    ("tf.keras.initializers.NoSuch", "tfvars_jax.keras.initializers.NoSuch"),
    ("tf.contrib.framework.VariableDeviceChooser", "tfvars_jax.contrib.framework.VariableDeviceChooser"),
])
def test_unshipped_names_say_so(expr, qualified):
    with pytest.raises(AttributeError, match=rf"^{qualified} is not supported by tfvars_jax"):
        eval(expr, {"tf": tf})  # noqa: S307
    with pytest.raises(AttributeError, match="__wrapped__"):
        tf.train.__wrapped__  # noqa: B018 - dunders stay plain AttributeErrors


def test_optimizer_signatures_are_real():
    params = inspect.signature(tf.train.AdamOptimizer).parameters
    assert list(params) == ["learning_rate", "beta1", "beta2", "epsilon", "use_locking", "name"]
    assert params["learning_rate"].default == 0.001 and params["name"].default == "Adam"
    assert "learning_rate" in inspect.signature(tf.train.GradientDescentOptimizer).parameters
    opt = tf.train.MomentumOptimizer(0.1, 0.9, False, False, "M")
    assert opt.get_name() == "M"


def test_keras_initializers_module_matches_the_keras_namespace_object():
    expected = {k: v for k, v in vars(init_ops.keras_initializers).items() if not k.startswith("__")}
    assert set(tf.keras.initializers.__all__) == set(expected)
    for name, value in expected.items():
        assert getattr(tf.keras.initializers, name) is value, name


def test_same_objects_as_their_home_modules():
    from tfvars_jax.framework import dtypes, errors
    from tfvars_jax.ops import control_flow_ops, loss_ops, random_ops
    from tfvars_jax.variables import initialization

    assert tf.errors is errors and tf.dtypes.float32 is dtypes.float32 and tf.bool is dtypes.bool
    assert tf.print is control_flow_ops.print_v2 and tf.random.normal is random_ops.random_normal
    assert tf.initializers.global_variables is initialization.global_variables_initializer
    assert tf.contrib.layers.l2_regularizer is loss_ops.l2_regularizer and tf.losses.add_loss is loss_ops.add_loss
    assert tf.newaxis is None and tf.__version__ == tf.version.__version__
