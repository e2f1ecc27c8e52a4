"""Notebook tools (issue 14): errors that say where a variable or op was defined, re-running
cells under `%load_ext tfvars_jax` (in process and in a real IPython kernel), the rich
displays of Variable/Graph/Session/State, `show_variables` (slim's analyze_vars) and
`show_graph`.
"""
import contextlib
import importlib.util
import io
import os
import queue
import shutil
import sys

import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.framework import provenance
from tfvars_jax.variables import cell_reruns

HERE = os.path.abspath(__file__)


def _line_of(marker):
    """The line number in this file of the line holding `marker` (after this function)."""
    with open(HERE) as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def _line_of"))
    return next(i + 1 for i, line in enumerate(lines) if i > start + 5 and marker in line)


@contextlib.contextmanager
def cell(key):
    """One execution of the notebook cell `key`, as the IPython extension marks it."""
    cell_reruns.begin(key)
    try:
        yield
    finally:
        cell_reruns.end()


# ----- provenance ------------------------------------------------------------------------------
def test_already_exists_says_where_the_first_variable_was_made():
    with tf.Graph().as_default():
        with tf.variable_scope("layer"):
            tf.get_variable("w", [2])  # FIRST-W
        with pytest.raises(ValueError) as info:
            with tf.variable_scope("layer"):
                tf.get_variable("w", [2])
    message = str(info.value)
    assert message.startswith("Variable layer/w already exists, disallowed. Did you mean to set "
                              "reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
    line = _line_of("# FIRST-W")
    assert f"Originally defined at: {HERE}:{line}\n" in message
    # TF1 prints the traceback entry of the original creation, source line included
    assert f'  File "{HERE}", line {line}, in ' \
           "test_already_exists_says_where_the_first_variable_was_made\n" in message
    assert 'tf.get_variable("w", [2])  # FIRST-W' in message


def test_sharing_errors_say_where_the_variable_was_made():
    with tf.Graph().as_default():
        tf.get_variable("v", [2])  # FIRST-V
        with tf.variable_scope("", reuse=True):
            with pytest.raises(ValueError, match=r"specified shape \(3,\) and found shape "
                                                 r"\(2,\)\. Originally defined at: .*:\d+"):
                tf.get_variable("v", [3])
            with pytest.raises(ValueError) as info:
                tf.get_variable("v", [2], dtype=tf.int32)
    assert f"{HERE}:{_line_of('# FIRST-V')}" in str(info.value)


def test_op_errors_name_the_node_and_where_it_was_defined():
    with tf.Graph().as_default():
        counter = tf.Variable(0, name="counter")  # COUNTER
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError) as info:
                sess.run(counter)
    line = _line_of("# COUNTER")
    assert info.value.op is counter.op
    message = str(info.value)
    assert message.startswith("Attempting to use uninitialized value counter")
    assert f"[[node counter (defined at {HERE}:{line}) ]]" in message
    assert "Original stack trace for 'counter':" in message
    assert 'counter = tf.Variable(0, name="counter")  # COUNTER' in message
    assert counter.op.defined_at == f"{HERE}:{line}"


def test_ops_made_in_user_callbacks_point_at_the_callback():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.bool, [])
        out = tf.cond(x, lambda: tf.constant(1.0) * 2.0,  # COND-BRANCH
                      lambda: tf.constant(0.0))
        mul = [op for op in tf.get_default_graph().get_operations() if op.type == "Mul"]
    assert out is not None and mul
    assert mul[0].defined_at == f"{HERE}:{_line_of('# COND-BRANCH')}"


def test_every_op_of_a_get_variable_points_at_the_call():
    """With our own initializer (one frame walk for all of the variable's ops, issue 15) and
    with a value, the initial value's ops are where the user called get_variable, like
    `v`, `v/Assign` and `v/read`."""
    with tf.Graph().as_default() as g:
        with tf.variable_scope("layer"):
            tf.get_variable("w", [2, 3])  # GLOROT-W
            tf.get_variable("b", [3], initializer=tf.zeros_initializer())  # ZEROS-B
            tf.get_variable("c", initializer=[1.0, 2.0])  # VALUE-C
    for name, marker in (("w", "# GLOROT-W"), ("b", "# ZEROS-B"), ("c", "# VALUE-C")):
        ops = [op for op in g.get_operations() if op.name.startswith(f"layer/{name}")]
        assert len(ops) == 4
        assert {op.defined_at for op in ops} == {f"{HERE}:{_line_of(marker)}"}, name


def test_ops_made_by_a_user_initializer_point_at_the_initializer():
    def doubled_ones(shape, dtype=None, partition_info=None):
        return tf.ones(shape, dtype) * 2.0  # USER-INIT

    with tf.Graph().as_default() as g:
        v = tf.get_variable("v", [2], initializer=doubled_ones)  # USER-V
    by_name = {op.name: op for op in g.get_operations()}
    assert by_name["v/Initializer/mul"].defined_at == f"{HERE}:{_line_of('# USER-INIT')}"
    for op in (v.op, v.initializer, v.value().op):
        assert op.defined_at == f"{HERE}:{_line_of('# USER-V')}"


def test_module_name_walk_of_python_312_finds_the_same_frame(monkeypatch):
    """Python >= 3.12's walk (by module names, no frame objects) agrees with the frame walk;
    run here with an emulated `sys._getframemodulename`."""
    def module_name(depth):
        try:
            return sys._getframe(depth + 1).f_globals.get("__name__")
        except ValueError:
            return None
    monkeypatch.setattr(sys, "_getframemodulename", module_name, raising=False)
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
    want = v.op._defined_at

    def probe():
        return provenance._user_location_by_module(), provenance._user_location_by_frames()
    by_module, by_frames = probe()
    assert by_module == by_frames and by_module[0] == HERE
    assert want[0] == HERE


# ----- re-running cells (in process) ------------------------------------------------------------
def _model(x):
    h = tf.layers.dense(x, 3, name=None)
    with tf.variable_scope("out"):
        w = tf.get_variable("w", [3, 1])
    loss = tf.reduce_mean(tf.square(tf.matmul(h, w)))
    return loss, tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)


def test_a_rerun_cell_finds_its_variables_and_the_trained_values_stay():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 2])
        with cell("A"):
            loss, train = _model(x)
        names = sorted(v.op.name for v in tf.global_variables())
        assert names == ["dense/bias", "dense/bias/Momentum", "dense/kernel",
                         "dense/kernel/Momentum", "out/w", "out/w/Momentum"]
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train, {x: np.ones((4, 2), np.float32)})
        trained = {v.op.name: sess.run(v) for v in tf.global_variables()}
        with cell("A"):
            loss2, train2 = _model(x)
        assert sorted(v.op.name for v in tf.global_variables()) == names
        assert loss2.op.name == "Mean_1" and loss2 is not loss  # new ops, uniquified names
        for name, value in trained.items():
            np.testing.assert_array_equal(sess.run(g.get_tensor_by_name(name + ":0")), value)
        sess.run(train2, {x: np.ones((4, 2), np.float32)})  # trains the same variables
        w = g.get_tensor_by_name("out/w:0")
        assert not np.array_equal(sess.run(w), trained["out/w"])


def test_a_clash_between_cells_or_within_one_run_still_raises():
    with tf.Graph().as_default():
        with cell("A"):
            tf.get_variable("v", [2])
        with cell("B"), pytest.raises(ValueError, match="Variable v already exists"):
            tf.get_variable("v", [2])
        with cell("A"):
            tf.get_variable("v", [2])  # a re-run of A
            with pytest.raises(ValueError, match="Variable v already exists"):
                tf.get_variable("v", [2])  # twice in one run: TF1's error
        with pytest.raises(ValueError, match="Variable v already exists"):
            tf.get_variable("v", [2])  # outside any cell (a script): TF1's rule
        with cell("A"), pytest.raises(ValueError, match=r"specified shape \(3,\)"):
            tf.get_variable("v", [3])  # an edited shape is not silently reused


def test_nested_run_cell_resumes_the_outer_cell():
    with tf.Graph().as_default():
        with cell("outer"):
            tf.get_variable("a", [1])
            with cell("inner"):
                tf.get_variable("b", [1])
            assert cell_reruns.current()[0] == "outer"
        assert cell_reruns.current() is None


# ----- re-running cells in a real kernel -------------------------------------------------------
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")
jupyter_client = pytest.importorskip("jupyter_client")

KERNEL_SETUP = (f"import sys; sys.path.insert(0, {os.path.dirname(os.path.dirname(HERE))!r})\n"
                "import numpy as np\nimport tfvars_jax as tf\n%load_ext tfvars_jax")
MODEL_CELL = """\
x = tf.placeholder(tf.float32, [None, 2], name="x")
h = tf.layers.dense(x, 4)
with tf.variable_scope("head"):
    w = tf.get_variable("w", [4, 1])
loss = tf.reduce_mean(tf.square(tf.matmul(h, w) - 1.0))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
print(sorted(v.op.name for v in tf.global_variables()))"""
OTHER_CELL = """\
with tf.variable_scope("head"):
    w2 = tf.get_variable("w", [4, 1])"""
SHOW_W_CELL = 'print(sess.run(w).ravel().tolist())'
TRAIN_CELL = """\
if "sess" not in globals():
    sess = tf.InteractiveSession()
    sess.run(tf.global_variables_initializer())
for _ in range(5):
    value = sess.run([train, loss], {x: np.ones((8, 2), np.float32)})[1]
print("loss", repr(float(value)))"""


class Kernel:
    """A real IPython kernel; `run(code, cell_id)` executes one cell and returns
    (stdout text, error name or None, error value)."""

    def __init__(self):
        self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")

    def run(self, code, cell_id=None):
        kc = self.kc
        content = dict(code=code, silent=False, store_history=True, user_expressions={},
                       allow_stdin=False, stop_on_error=False)
        msg = kc.session.msg("execute_request", content,
                             metadata={"cellId": cell_id} if cell_id else {})
        kc.shell_channel.send(msg)
        out, error = [], (None, None)
        while True:
            try:
                reply = kc.get_iopub_msg(timeout=120)
            except queue.Empty:
                raise AssertionError(f"no reply running {code[:60]!r}") from None
            if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            kind, body = reply["msg_type"], reply["content"]
            if kind == "stream":
                out.append(body["text"])
            elif kind == "error":
                error = (body["ename"], body["evalue"])
            elif kind == "status" and body["execution_state"] == "idle":
                return "".join(out), error[0], error[1]

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture
def kernel():
    k = Kernel()
    try:
        _, err, value = k.run(KERNEL_SETUP)
        assert err is None, value
        yield k
    finally:
        k.close()


def _losses(text):
    return [float(line.split()[1]) for line in text.splitlines() if line.startswith("loss ")]


VARIABLES = "['dense/bias', 'dense/kernel', 'head/w']"


def test_kernel_reruns_by_source_in_different_orders(kernel):
    # model, train, model again, train again: the variables and the trained values stay
    out, err, _ = kernel.run(MODEL_CELL)
    assert err is None and out.strip() == VARIABLES
    first = _losses(kernel.run(TRAIN_CELL)[0])[0]
    trained = kernel.run(SHOW_W_CELL)[0]
    out, err, value = kernel.run(MODEL_CELL)
    assert err is None, value
    assert out.strip() == VARIABLES
    assert kernel.run(SHOW_W_CELL)[0] == trained  # the re-run kept the trained value
    second = _losses(kernel.run(TRAIN_CELL)[0])[0]
    # training went on from the trained values (this tiny model may converge to float noise,
    # ~1e-14, within a round: a restart from fresh values would be far above that)
    assert second < first or second < 1e-9
    # another cell asking for head/w is a genuine clash, with where it was first made
    out, err, value = kernel.run(OTHER_CELL)
    assert err == "ValueError" and "Variable head/w already exists" in value
    assert "Originally defined at: Cell In[" in value and 'tf.get_variable("w", [4, 1])' in value
    # ... and the model cell still re-runs after the failed one, then trains on
    out, err, value = kernel.run(MODEL_CELL)
    assert err is None and out.strip() == VARIABLES
    third = _losses(kernel.run(TRAIN_CELL)[0])[0]
    assert (third < first and third <= second) or third < 1e-9


def test_kernel_other_cell_first_then_model_cell_clashes(kernel):
    out, err, value = kernel.run(OTHER_CELL)
    assert err is None, value
    out, err, value = kernel.run(MODEL_CELL)
    assert err == "ValueError" and "Variable head/w already exists" in value
    # re-running the first cell is fine (it made head/w)
    out, err, value = kernel.run(OTHER_CELL)
    assert err is None, value


def test_kernel_cell_id_keeps_an_edited_cell_the_same_cell(kernel):
    out, err, value = kernel.run(MODEL_CELL, cell_id="model-cell")
    assert err is None, value
    edited = MODEL_CELL.replace("0.1", "0.05")  # the user edits the cell and re-runs it
    out, err, value = kernel.run(edited, cell_id="model-cell")
    assert err is None and out.strip() == VARIABLES, value
    # the same text under another cell id is another cell: a clash
    out, err, value = kernel.run(edited, cell_id="copy-of-model-cell")
    assert err == "ValueError" and "already exists" in value


def test_kernel_without_the_extension_keeps_tf1s_error(kernel):
    assert kernel.run("%unload_ext tfvars_jax")[1] is None
    assert kernel.run(MODEL_CELL)[1] is None
    out, err, value = kernel.run(MODEL_CELL)
    # unnamed layers got new names (dense_1), as TF1; the named variable clashes
    assert err == "ValueError" and "Variable head/w already exists" in value
    assert "%load_ext tfvars_jax" in value


# ----- rich displays -------------------------------------------------------------------------
def test_variable_display_and_plain_repr():
    with tf.Graph().as_default():
        with tf.variable_scope("layer"):
            w = tf.get_variable("w", [2], initializer=tf.constant_initializer([1.5, -2.0]))
        assert repr(w) == "<tf.Variable 'layer/w:0' shape=(2,) dtype=float32_ref>"
        html = w._repr_html_()
        for text in ("layer/w:0", "(2,)", "float32_ref", "trainable_variables, variables",
                     "(no default session)", f"{HERE}:"):
            assert text in html
        with tf.Session() as sess:
            assert "<td>initialized</td><td>False</td>" in w._repr_html_()
            sess.run(w.initializer)
            html = w._repr_html_()
            assert "<td>initialized</td><td>True</td>" in html
            assert "<td>value</td><td>[ 1.5, -2. ]</td>" in html


def test_graph_display_groups_variables_by_scope():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3])
        tf.layers.dense(x, 4)
        tf.get_variable("step", [], dtype=tf.int64, trainable=False)
        html = g._repr_html_()
        n_ops = len(g.get_operations())
    assert f"Graph: 3 variables, 17 parameters (72 B) in 2 scopes; {n_ops} ops" in html
    assert '<tr class="scope"><td>dense/</td><td></td><td></td><td>16</td>' in html
    assert "<td>  kernel</td><td>(3, 4)</td><td>float32</td><td>12</td><td>yes</td>" in html
    assert '<tr class="scope"><td>(top level)/</td><td></td><td></td><td>1</td>' in html
    assert "<td>  step</td><td>()</td><td>int64</td><td>1</td><td>no</td>" in html


def test_session_and_state_display_values_with_sizes():
    with tf.Graph().as_default():
        a = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="a")
        tf.Variable(0, name="later")
        with tf.Session() as sess:
            sess.run(a.initializer)
            html = sess._repr_html_()
            assert "Session: 1 values, 24 B; 1 uninitialized: later" in html
            assert ("<td>a</td><td>(2, 3)</td><td>float32</td><td>6</td><td>24 B</td>"
                    "<td>[[0., 1., 2.], [3., 4., 5.]]</td>") in html
            state = sess.state
            html = state._repr_html_()
            assert "State (counter=0): 1 values, 24 B" in html and "<td>a</td>" in html
            assert repr(state) == "State({'a': (2, 3)}, counter=0)"
            sess.run(a.assign_add(tf.ones([2, 3])))  # the display shared no buffer
            assert float(sess.run(a)[0, 0]) == 1.0 and float(state["a"][0, 0]) == 0.0
        assert "Session (closed)" in sess._repr_html_()


def test_large_values_are_summarised():
    with tf.Graph().as_default():
        big = tf.Variable(np.arange(10000, dtype=np.float32), name="big")
        with tf.Session() as sess:
            sess.run(big.initializer)
            html = sess._repr_html_()
    assert "[0.000e+00, 1.000e+00, 2.000e+00, ..., 9.997e+03, 9.998e+03, 9.999e+03]" in html


# ----- show_variables ------------------------------------------------------------------------
def _slim_model_analyzer():
    """tf_slim's model_analyzer module, loaded from its file (it imports nothing), or None."""
    spec = importlib.util.find_spec("tf_slim")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "model_analyzer.py")
    module_spec = importlib.util.spec_from_file_location("slim_model_analyzer", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _vars_model():
    x = tf.placeholder(tf.float32, [None, 5])
    tf.layers.dense(tf.layers.dense(x, 4), 2)
    tf.get_variable("steps", [], dtype=tf.int64)
    tf.get_variable("table", [3, 2], dtype=tf.float64, trainable=False)


def test_show_variables_prints_slims_table():
    with tf.Graph().as_default():
        _vars_model()
        table = tf.show_variables()
        everything = tf.show_variables(tf.global_variables())
    assert str(table) == (
        "---------\n"
        "Variables: name (type shape) [size]\n"
        "---------\n"
        "dense/kernel:0 (float32_ref 5x4) [20, bytes: 80]\n"
        "dense/bias:0 (float32_ref 4) [4, bytes: 16]\n"
        "dense_1/kernel:0 (float32_ref 4x2) [8, bytes: 32]\n"
        "dense_1/bias:0 (float32_ref 2) [2, bytes: 8]\n"
        "steps:0 (int64_ref ) [1, bytes: 8]\n"
        "Total size of variables: 35\n"
        "Total bytes of variables: 144")
    assert tuple(table) == (35, 144) and tuple(everything) == (41, 192)
    html = everything._repr_html_()
    assert "<td>table:0</td><td>float64_ref</td><td>3x2</td><td>6</td><td>48</td>" in html
    assert "Total size of variables: 41<br>Total bytes of variables: 192" in html


def test_show_variables_equals_slims_analyze_vars():
    analyzer = _slim_model_analyzer()
    if analyzer is None:
        pytest.skip("tf_slim is not installed (the reference extra)")
    with tf.Graph().as_default():
        _vars_model()
        variables = tf.global_variables()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            totals = analyzer.analyze_vars(variables, print_info=True)
        table = tf.show_variables(variables)
    assert str(table) + "\n" == printed.getvalue()
    assert tuple(table) == totals


# ----- show_graph ----------------------------------------------------------------------------
def test_show_graph_text_tree_and_dot_source():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        tf.layers.dense(x, 3)
        picture = tf.show_graph("dense")
    lines = picture.text.splitlines()
    assert lines[0] == "dense/  10 ops"
    assert "├── kernel  [VariableV2] (2, 3) float32_ref" in lines
    assert "│   └── read  [Identity] (2, 3) float32 <- dense/kernel:0" in lines
    assert "└── BiasAdd  [BiasAdd] (?, 3) float32 <- dense/MatMul:0, dense/bias/read:0" in lines
    assert str(picture) == picture.text
    dot = picture.dot_source
    assert dot.startswith("digraph G {") and '"x" -> "dense/MatMul";' in dot
    assert '"x" [color=gray, fontcolor=gray];' in dot and 'label="dense/kernel/"' in dot


def test_show_graph_svg_where_graphviz_is_installed(monkeypatch):
    with tf.Graph().as_default():
        tf.layers.dense(tf.placeholder(tf.float32, [None, 2]), 3)
        picture = tf.show_graph("dense")
        if shutil.which("dot") is not None:
            assert picture.svg.lstrip().startswith("<?xml") and "dense/MatMul" in picture.svg
            assert picture._repr_html_().startswith("<svg")
        # without Graphviz: the text tree
        from tfvars_jax import graph_picture
        monkeypatch.setattr(graph_picture.shutil, "which", lambda name: None)
        monkeypatch.setitem(sys.modules, "graphviz", None)
        plain = tf.show_graph("dense")
        assert plain.svg is None and plain._repr_svg_() is None
        assert plain._repr_html_().startswith("<pre>dense/  10 ops\n├── kernel")
