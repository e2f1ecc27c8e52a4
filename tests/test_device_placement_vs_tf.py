"""Differential test: device placement (`op.device`) of the same TF1 programs on TensorFlow and
on tfvars_jax — nested `tf.device` strings, DeviceSpecs and device functions, the seed guide's
example, and TF1's `replica_device_setter` scenarios (ps_tasks, a cluster, custom ps_ops,
merge_devices, worker_device with a task, a custom/greedy strategy, variables made by
get_variable inside scopes, optimizer slots following their variable).

Each program is built in a fresh graph of each library. Every variable op must exist in both
with the same device, and every op whose name exists in both must have the same device.
"""
import pytest

tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402

pytestmark = pytest.mark.tensorflow

CLUSTER = {"ps": ["ps0:2222", "ps1:2222"],
           "worker": ["worker0:2222", "worker1:2222", "worker2:2222"]}
_VARIABLE_OPS = ("VariableV2", "VarHandleOp")


def _placements(tf, build):
    g = tf.Graph()
    with g.as_default():
        build(tf)
    return [(op.name, op.type, op.device) for op in g.get_operations()]


def assert_same_placement(build):
    theirs = _placements(tf1, build)
    ours = _placements(tfj, build)
    ours_by_name = {name: device for name, _, device in ours}
    their_vars = [(n, d) for n, t, d in theirs if t in _VARIABLE_OPS]
    assert their_vars, "the program must create variables"
    assert [(n, ours_by_name.get(n)) for n, _ in their_vars] == their_vars
    common = [(n, d) for n, _, d in theirs if n in ours_by_name]
    assert [(n, ours_by_name[n]) for n, _ in common] == common
    return common


# ----- tf.device strings, specs and functions ----------------------------------------------
def test_seed_guide_example():
    def build(tf):
        with tf.device("/device:GPU:1"):
            v = tf.get_variable("v", [1])
        assert v.device == "/device:GPU:1"
    common = assert_same_placement(build)
    assert ("v/read", "/device:GPU:1") in common and ("v/Assign", "/device:GPU:1") in common


def test_nested_device_strings_none_empty_and_functions():
    def build(tf):
        with tf.device("/job:ps"):
            tf.Variable(1.0, name="a")
            with tf.device("/cpu:0"):
                tf.Variable(1.0, name="b")
            with tf.device("/job:worker/task:1"):
                tf.Variable(1.0, name="c")
                with tf.device(None):
                    tf.Variable(1.0, name="d")
                with tf.device(""):
                    tf.Variable(1.0, name="e")
                with tf.device(lambda op: "/gpu:0"):
                    tf.Variable(1.0, name="f")
                    with tf.device("/replica:2"):
                        tf.Variable(1.0, name="g")
                with tf.device(tf.DeviceSpec(device_type="GPU", device_index=3)):
                    tf.Variable(1.0, name="h")
        with tf.device(lambda op: "/gpu:0"):  # a function's result is recorded as returned
            tf.Variable(1.0, name="i")
        with tf.device("/GPU:*"):
            tf.Variable(1.0, name="j")
        with tf.device("/job:w/replica:0/task:1/device:XLA_CPU:0"):
            tf.Variable(1.0, name="k")
    assert_same_placement(build)


def test_variable_ops_colocation_caching_device_and_assigns():
    def build(tf):
        with tf.device("/job:a"):
            w = tf.Variable(lambda: [1.0, 2.0], name="w")
            u = tf.Variable(3.0, name="u")
            x = tf.Variable(3.0, name="x", caching_device="/job:c")
            tf.get_variable("r", [2], use_resource=True)
            w.assign([3.0, 4.0])
            tf.assign_add(u, 1.0)
            with tf.device(None):
                x.assign(1.0)  # colocated with x: /job:a
            with tf.device("/job:b"):
                tf.scatter_update(w, [0], [1.0])
    assert_same_placement(build)


# ----- replica_device_setter (TF1's device_setter_test scenarios) ---------------------------
def test_cluster_snippet_round_robin():
    def build(tf):
        with tf.device(tf.train.replica_device_setter(cluster=CLUSTER)):
            v1 = tf.Variable([1.0], name="v1")
            v2 = tf.Variable([2.0], name="v2")
            v3 = tf.Variable([3.0], name="v3")
            tf.add(v1 + v2, v3, name="sum")
        assert [v.device for v in (v1, v2, v3)] == ["/job:ps/task:0", "/job:ps/task:1",
                                                    "/job:ps/task:0"]
    common = assert_same_placement(build)
    assert ("sum", "/job:worker") in common


@pytest.mark.parametrize("as_spec", [False, True])
def test_cluster_spec_class_and_dict(as_spec):
    def build(tf):
        cluster = tf.train.ClusterSpec(CLUSTER) if as_spec else CLUSTER
        with tf.device(tf.train.replica_device_setter(cluster=cluster)):
            v = tf.Variable([1, 2], name="v")
            w = tf.Variable([2, 1], name="w")
            tf.add(v, w, name="a")
    assert_same_placement(build)


def test_ps_tasks_default_strategy_cpu_override_and_job_pin():
    def build(tf):
        with tf.device(tf.train.replica_device_setter(ps_tasks=3)):
            tf.Variable(1.0, name="a")
            with tf.device("/cpu:0"):
                tf.Variable(1.0, name="b")  # task 1, CPU merged in
                tf.constant(1.0, name="c")
            with tf.device("/job:moon"):
                tf.Variable(1.0, name="d")  # another job: no task, strategy not called
            with tf.device("/job:ps/task:7"):
                tf.Variable(1.0, name="e")  # the strategy runs; the inner task wins
            tf.Variable(1.0, name="f")
            tf.Variable(1.0, name="g")
    assert_same_placement(build)


def test_ps_device_without_job_and_worker_device_with_task():
    def build(tf):
        with tf.device(tf.train.replica_device_setter(ps_tasks=2, ps_device="/cpu:0",
                                                      worker_device="/job:worker/task:3/gpu:1")):
            v = tf.Variable(1.0, name="v")
            tf.multiply(v, 2.0, name="m")
            with tf.device("/task:0"):
                tf.multiply(v, 3.0, name="n")
        with tf.device(tf.train.replica_device_setter(ps_tasks=2, ps_device="/job:ps/cpu:0",
                                                      worker_device=None)):
            tf.Variable(1.0, name="p")
            tf.Variable(1.0, name="q")
            tf.constant(1.0, name="k")
    assert_same_placement(build)


@pytest.mark.parametrize("merge", [True, False])
def test_merge_devices(merge):
    def build(tf):
        with tf.device(tf.train.replica_device_setter(cluster=CLUSTER, merge_devices=merge)):
            with tf.device("/job:ps"):
                tf.Variable(1.0, name="a")
            with tf.device("/cpu:0"):
                tf.Variable(1.0, name="b")
                tf.constant(2.0, name="c")
            tf.Variable(1.0, name="d")
            tf.constant(2.0, name="e")
    assert_same_placement(build)


def test_custom_ps_ops_and_strategy():
    def build(tf):
        calls = []

        def last_task(op):
            calls.append(op.name)
            return 1
        with tf.device(tf.train.replica_device_setter(
                ps_tasks=2, ps_ops=["VariableV2", "Mul", "MatMul"], ps_strategy=last_task)):
            v = tf.Variable([[1.0, 2.0]], name="v")
            tf.multiply(v, 2.0, name="m")
            tf.matmul(v, tf.transpose(v), name="mm")
            tf.add(v, 1.0, name="a")
        assert calls == ["v", "m", "mm"]
    assert_same_placement(build)


def test_greedy_strategy_with_byte_sizes():
    # TF 2 has no tf.contrib: TF1's replica_device_setter is driven by our strategy and load
    # function (which read TF's ops); the placements must equal ours and the expected ones.
    def build(tf):
        strategy = tfj.contrib.training.GreedyLoadBalancingStrategy(
            2, tfj.contrib.training.byte_size_load_fn)
        with tf.device(tf.train.replica_device_setter(cluster=CLUSTER, ps_strategy=strategy)):
            u = tf.Variable(tf.zeros([2, 2]), name="u")             # 16 bytes -> ps0
            v = tf.Variable(tf.zeros([2, 1]), name="v")             # 8 -> ps1
            w = tf.Variable(tf.zeros([2, 2]), name="w")             # 16 -> ps1 (8 < 16)
            x = tf.Variable(tf.zeros([1, 3], tf.float64), name="x")  # 24 -> ps0 (16 < 24)
            y = tf.Variable(tf.zeros([1]), name="y")                 # 4 -> ps1 (24 < 40)
            tf.add(v, w, name="a")
        assert [t.device[-1] for t in (u, v, w, x, y)] == list("01101")
    assert_same_placement(build)


def test_get_variable_in_scopes_and_adam_slots_follow_their_variable():
    def build(tf):
        with tf.device(tf.train.replica_device_setter(ps_tasks=2)):
            with tf.variable_scope("net"):
                w = tf.get_variable("w", [2, 3])
                b = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
                with tf.variable_scope("inner"):
                    tf.get_variable("k", [3])
            x = tf.placeholder(tf.float32, [None, 2])
            loss = tf.reduce_sum(tf.matmul(x, w) + b)
            gs = tf.train.get_or_create_global_step()
            tf.train.AdamOptimizer(0.1).minimize(loss, global_step=gs, var_list=[w, b])
            tf.Variable(1.0, name="after")  # the round-robin is not advanced by slots
    common = dict(assert_same_placement(build))
    assert common["net/w/Adam"] == common["net/w/Adam_1"] == common["net/w"] == "/job:ps/task:0"
    assert common["net/b/Adam"] == common["beta1_power"] == "/job:ps/task:1"
    assert common["Adam"] == common["global_step"]  # the increment is colocated


def test_momentum_slots_with_device_scopes():
    def build(tf):
        with tf.device("/job:worker"):
            with tf.device("/job:ps/task:1/cpu:0"):
                v = tf.Variable([1.0, 2.0], name="v")
            loss = tf.reduce_sum(v * v)
            tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    common = dict(assert_same_placement(build))
    assert common["v/Momentum"] == "/job:ps/task:1/device:CPU:0"


# ----- placement at run time: which devices exist, soft placement, the error ---------------
def _run_outcome(tf, device, soft):
    """("ok", value) or (error type name, message up to the list of available devices)."""
    g = tf.Graph()
    with g.as_default():
        with tf.device(device):
            v = tf.Variable(1.0, name="v")
            y = tf.add(v, 1.0, name="y")
        try:
            with tf.Session(config=tf.ConfigProto(allow_soft_placement=soft)) as sess:
                sess.run(v.initializer)
                return "ok", float(sess.run(y))
        except tf.errors.OpError as e:
            message = e.message
            start = message.index("Cannot assign a device")
            return type(e).__name__, message[start:message.index(" but available devices")]


@pytest.mark.parametrize("soft", [False, True])
@pytest.mark.parametrize("device", ["/gpu:0", "/device:GPU:1", "/cpu:3", "/cpu:0", "",
                                    "/job:localhost/replica:0/task:0/device:CPU:0",
                                    "/job:localhost", "/job:ps/task:0", "/job:worker",
                                    "/job:localhost/task:1"])
def test_run_placement_outcome_matches_tf(device, soft):
    import jax
    if len(jax.devices("cpu")) > 1:
        pytest.skip("TF1 makes one CPU device; this process has more")
    assert _run_outcome(tfj, device, soft) == _run_outcome(tf1, device, soft)


def test_list_devices_names_equal_tf():
    import jax
    if len(jax.devices("cpu")) > 1:
        pytest.skip("TF1 makes one CPU device; this process has more")

    def names(tf):
        with tf.Graph().as_default(), tf.Session() as sess:
            return [(d.name, d.device_type) for d in sess.list_devices()]
    assert names(tfj) == names(tf1)
