"""Runs the examples (`>>>` lines) in tfvars_jax's docstrings: one test per module that has any.

A test module rather than `pytest --doctest-modules`: each module is imported once, under its
package name (no second copy collected from its file path), only the package is searched (not
tests/ or scripts), and `tfvars_jax/inspect_checkpoint.py` is imported as a library, never run.
"""
import doctest
import importlib
import pkgutil

import pytest

import tfvars_jax

_FINDER = doctest.DocTestFinder(exclude_empty=True)
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# Entry points whose docstrings must keep an example (issue 9, item 6).
_REQUIRED = [
    "tfvars_jax.runtime.session.Session.run",
    "tfvars_jax.runtime.session.Session.make_callable",
    "tfvars_jax.variables.variable_scope.get_variable",
    "tfvars_jax.variables.variable_scope.variable_scope",
    "tfvars_jax.framework.op_builder.make_op",
    "tfvars_jax.train.optimizer.Optimizer.minimize",
    "tfvars_jax.train.optimizer.Optimizer.compute_gradients",
    "tfvars_jax.train.optimizer.Optimizer.apply_gradients",
    "tfvars_jax.train.optimizer.GradientDescentOptimizer",
    "tfvars_jax.train.optimizer.MomentumOptimizer",
    "tfvars_jax.train.optimizer.AdamOptimizer",
    "tfvars_jax.train.saver.Saver.save",
    "tfvars_jax.train.saver.Saver.restore",
    "tfvars_jax.variables.variable.Variable",
]


def _module_names():
    found = pkgutil.walk_packages(tfvars_jax.__path__, prefix=tfvars_jax.__name__ + ".")
    return [tfvars_jax.__name__] + sorted(m.name for m in found)


def _doctests(module):
    return [t for t in _FINDER.find(module) if t.examples]


_ALL = {name: _doctests(importlib.import_module(name)) for name in _module_names()}
_WITH_EXAMPLES = sorted(name for name, tests in _ALL.items() if tests)


@pytest.mark.parametrize("module_name", _WITH_EXAMPLES)
def test_docstring_examples(module_name):
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    report = []
    for test in _doctests(importlib.import_module(module_name)):
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted > 0
    assert failed == 0, "".join(report)


def test_entry_points_have_examples():
    with_examples = {t.name for tests in _ALL.values() for t in tests}
    assert [name for name in _REQUIRED if name not in with_examples] == []
