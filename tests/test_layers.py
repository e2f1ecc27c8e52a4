"""Layering: no module imports a higher layer, at top level or inside a function (issue 9).

framework -> ops -> variables -> layers (tf.layers) -> summary (tf.summary ops and writers)
-> runtime -> data (tf.data) -> train -> estimator (tf.estimator); the public namespace
modules, `functional`, `checkpoint` and `inspect_checkpoint` sit on top and may import anything.
"""
import ast
import pathlib

import tfvars_jax

PACKAGE = pathlib.Path(tfvars_jax.__file__).parent
LAYERS = ["framework", "ops", "variables", "layers", "summary", "runtime", "data", "train",
          "estimator"]


def _layer(module):
    """The layer index of a dotted module name inside the package, None for the top."""
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "tfvars_jax" and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return None


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from tfvars_jax import train` names a module
                yield node.lineno, f"{node.module}.{alias.name}"


def test_no_module_imports_a_higher_layer():
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = "tfvars_jax." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        own = _layer(module)
        if own is None:
            continue
        for line, imported in _imports(path):
            target = _layer(imported)
            if target is not None and target > own:
                violations.append(f"{path.relative_to(PACKAGE)}:{line} imports {imported}")
    assert violations == []


def test_the_layer_check_sees_imports_inside_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from tfvars_jax.runtime import session\n")
    assert [m for _, m in _imports(probe)] == ["tfvars_jax.runtime", "tfvars_jax.runtime.session"]
