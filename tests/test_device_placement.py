"""Device placement as TF1 records it: tf.DeviceSpec, tf.train.ClusterSpec,
tf.train.replica_device_setter and tf.contrib.training's greedy strategy (TF1's documented
behaviour; tests/test_device_placement_vs_tf.py compares the placements with TensorFlow)."""
import logging

import numpy as np
import pytest

import tfvars_jax as tf

CLUSTER = {"ps": ["ps0:2222", "ps1:2222"], "worker": ["w0:2222", "w1:2222", "w2:2222"]}


# ----- tf.DeviceSpec -------------------------------------------------------------------------
def test_device_spec_strings_and_fields():
    spec = tf.DeviceSpec.from_string("/job:ps/replica:0/task:2/gpu:1")
    assert (spec.job, spec.replica, spec.task, spec.device_type, spec.device_index) == \
        ("ps", 0, 2, "GPU", 1)
    assert spec.to_string() == "/job:ps/replica:0/task:2/device:GPU:1"
    assert tf.DeviceSpec(device_type="cpu").to_string() == "/device:CPU:*"
    assert tf.DeviceSpec.from_string("/device:gpu:0").device_type == "GPU"
    assert tf.DeviceSpec.from_string("/device:XLA_CPU:0").to_string() == "/device:XLA_CPU:0"
    assert tf.DeviceSpec.from_string("").to_string() == ""
    assert tf.DeviceSpec(job="w", task="3").task == 3


@pytest.mark.parametrize("bad", ["/foo:0", "/device:GPU", "/job:ps:1", "/gpu:0/cpu:0", "/task:x"])
def test_device_spec_rejects_bad_strings(bad):
    with pytest.raises(ValueError):
        tf.DeviceSpec.from_string(bad)
    with pytest.raises(ValueError):  # at the `with`, as TF1
        with tf.device(bad):
            pass


def test_device_spec_mutation_merging_and_replace():
    spec = tf.DeviceSpec(job="ps", device_type="GPU", device_index=0)
    assert spec.parse_from_string("/job:worker/task:1") is spec
    assert spec.to_string() == "/job:worker/task:1"  # unnamed fields are cleared
    spec.merge_from(tf.DeviceSpec(device_type="CPU", device_index=0))
    assert spec.to_string() == "/job:worker/task:1/device:CPU:0"
    merged = tf.DeviceSpec(job="a", task=0).make_merged_spec(tf.DeviceSpec(task=5))
    assert merged.to_string() == "/job:a/task:5" and spec.to_string().startswith("/job:worker")
    assert spec.replace(job=None, task=2).to_string() == "/task:2/device:CPU:0"
    with pytest.raises(TypeError):
        spec.replace(device="GPU")
    spec.task = 4
    assert spec.to_string() == "/job:worker/task:4/device:CPU:0"


def test_device_spec_equality_and_hash():
    a, b = tf.DeviceSpec(job="a", task=1), tf.DeviceSpec.from_string("/job:a/task:1")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != "/job:a/task:1"
    b.task = 2
    assert a != b and hash(b) == hash(tf.DeviceSpec(job="a", task=2))
    assert repr(a) == ("<DeviceSpec(job=a, replica=None, task=1, device_type=None, "
                       "device_index=None)>")


def test_device_spec_in_tf_device_is_read_when_ops_are_made():
    spec = tf.DeviceSpec(job="ps")
    with tf.device(spec):
        spec.task = 3
        c = tf.constant(1.0)
    assert c.op.device == "/job:ps/task:3"


def test_device_function_results():
    with tf.device("/job:w"):
        with tf.device(lambda op: tf.DeviceSpec(device_type="GPU", device_index=0)):
            a = tf.constant(1.0)
        with tf.device(lambda op: None):
            with pytest.raises(TypeError, match="device string or DeviceSpec"):
                tf.constant(1.0)
    assert a.op.device == "/job:w/device:GPU:0"
    with pytest.raises(TypeError):
        with tf.device(5):
            pass


# ----- tf.train.ClusterSpec ------------------------------------------------------------------
def test_cluster_spec_dense_and_sparse_jobs():
    spec = tf.train.ClusterSpec({"worker": {1: "w1:2222", 3: "w3:2222"}, "ps": ["p0", "p1"]})
    assert spec.jobs == ["worker", "ps"]
    assert spec.num_tasks("worker") == 2 and spec.num_tasks("ps") == 2
    assert spec.task_indices("worker") == [1, 3]
    assert spec.task_address("worker", 3) == "w3:2222"
    assert spec.job_tasks("worker") == [None, "w1:2222", None, "w3:2222"]
    assert spec.as_dict() == {"worker": {1: "w1:2222", 3: "w3:2222"}, "ps": ["p0", "p1"]}
    assert repr(spec) == ("ClusterSpec({'ps': ['p0', 'p1'], 'worker': {1: 'w1:2222', "
                          "3: 'w3:2222'}})")
    assert bool(spec) and not tf.train.ClusterSpec({})
    for call in (lambda: spec.num_tasks("chief"), lambda: spec.task_address("worker", 0),
                 lambda: spec.task_indices("x"), lambda: spec.job_tasks("x")):
        with pytest.raises(ValueError):
            call()


def test_cluster_spec_copy_and_equality():
    spec = tf.train.ClusterSpec({"worker": ["w0"], "ps": {"0": "p0"}})
    copy = tf.train.ClusterSpec(spec)
    assert copy.jobs == ["ps", "worker"]  # sorted, as TF1's copy through a ClusterDef
    assert copy == spec and not copy != spec
    assert spec != tf.train.ClusterSpec({"worker": ["w0"]})
    assert spec == {"worker": {0: "w0"}, "ps": {0: "p0"}}  # TF1 compares its inner dict
    with pytest.raises(TypeError):
        hash(spec)


def test_cluster_spec_errors_and_protos():
    with pytest.raises(TypeError, match="must be a list or a dictionary"):
        tf.train.ClusterSpec({"ps": "p0:2222"})
    with pytest.raises(TypeError, match="must be a dictionary"):
        tf.train.ClusterSpec(["p0:2222"])
    with pytest.raises(TypeError, match="Task address"):
        tf.train.ClusterSpec({"ps": [5]})
    with pytest.raises(NotImplementedError, match="as_cluster_def"):
        tf.train.ClusterSpec(CLUSTER).as_cluster_def()

    class ClusterDef:  # stands in for the protobuf message
        job = ()

        def SerializeToString(self):  # noqa: N802
            return b""
    with pytest.raises(NotImplementedError, match="ClusterDef"):
        tf.train.ClusterSpec(ClusterDef())


# ----- tf.train.replica_device_setter ----------------------------------------------------------
def test_replica_device_setter_returns_none_without_ps_tasks():
    assert tf.train.replica_device_setter() is None
    assert tf.train.replica_device_setter(ps_tasks=3, cluster={"worker": ["w0"]}) is None
    assert tf.train.replica_device_setter(cluster=CLUSTER, ps_device="/job:params") is None
    with tf.device(tf.train.replica_device_setter()):  # None: no device
        c = tf.constant(1.0)
    assert c.op.device == ""


def test_replica_device_setter_round_robin_and_slots():
    with tf.device(tf.train.replica_device_setter(cluster=tf.train.ClusterSpec(CLUSTER))):
        v1 = tf.get_variable("v1", [2])
        v2 = tf.Variable(1.0, name="v2")
        loss = tf.reduce_sum(v1) * v2
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
        v3 = tf.Variable(1.0, name="v3")
    assert [v.device for v in (v1, v2, v3)] == ["/job:ps/task:0", "/job:ps/task:1",
                                                "/job:ps/task:0"]
    assert loss.op.device == "/job:worker" and train.device == "/job:worker"
    g = tf.get_default_graph()
    assert g.get_operation_by_name("v1/Momentum").device == "/job:ps/task:0"
    assert g.get_operation_by_name("v2/Momentum").device == "/job:ps/task:1"
    assert g.get_operation_by_name("v2/read").device == "/job:ps/task:1"
    # A local Session has no ps job: TF1 raises, soft placement or not (checked against TF in
    # tests/test_device_placement_vs_tf.py).
    for soft in (False, True):
        with tf.Session(config=tf.ConfigProto(allow_soft_placement=soft)) as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"Cannot assign a device for operation v1: .*"
                                     r"explicitly assigned to /job:ps/task:0"):
                sess.run(tf.global_variables_initializer())


def test_replica_device_setter_merge_devices_false_logs_and_keeps_devices(caplog):
    with caplog.at_level(logging.WARNING, logger="tfvars_jax.train"):
        setter = tf.train.replica_device_setter(ps_tasks=2, merge_devices=False)
    assert "merge_devices=true" in caplog.text
    with tf.device(setter):
        with tf.device("/cpu:0"):
            a = tf.Variable(1.0, name="a")
        b = tf.Variable(1.0, name="b")
    assert a.device == "/device:CPU:0" and b.device == "/job:ps/task:0"


def test_replica_device_setter_argument_errors():
    with pytest.raises(TypeError, match="ps_strategy must be callable"):
        tf.train.replica_device_setter(ps_tasks=1, ps_strategy=3)
    with pytest.raises(TypeError):
        tf.train.replica_device_setter(cluster=["ps0:2222"])
    with pytest.raises(ValueError):
        tf.train.replica_device_setter(ps_tasks=1, worker_device="/foo:1")
    with pytest.raises(TypeError):
        tf.train.replica_device_setter(ps_tasks=1, ps_ops="VariableV2")
    with pytest.raises(TypeError):
        tf.train.replica_device_setter(ps_tasks=-1)


# ----- tf.contrib.training ---------------------------------------------------------------------
def test_greedy_load_balancing_with_byte_sizes():
    strategy = tf.contrib.training.GreedyLoadBalancingStrategy(
        3, tf.contrib.training.byte_size_load_fn)
    with tf.device(tf.train.replica_device_setter(ps_tasks=3, ps_strategy=strategy)):
        big = tf.Variable(tf.zeros([10, 10]), name="big")       # 400 bytes -> 0
        mid = tf.Variable(tf.zeros([25], tf.float64), name="mid")  # 200 -> 1
        small = tf.Variable(tf.zeros([5], tf.int8), name="small")  # 5 -> 2
        more = tf.Variable(tf.zeros([3]), name="more")             # 12 -> 2 (5 is least)
        last = tf.Variable(tf.zeros([60]), name="last")            # 240 -> 2 (17 is least)
    assert [v.device for v in (big, mid, small, more, last)] == [
        "/job:ps/task:0", "/job:ps/task:1", "/job:ps/task:2", "/job:ps/task:2", "/job:ps/task:2"]


def test_byte_size_load_fn():
    fn = tf.contrib.training.byte_size_load_fn
    v = tf.Variable(tf.zeros([3, 4], tf.float16), name="v")
    assert fn(v.op) == 24
    x = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(ValueError, match="not fully defined"):
        fn(x.op)
    with pytest.raises(ValueError, match="single output"):
        fn(tf.no_op())


def test_greedy_strategy_errors_and_namespace():
    with pytest.raises(ValueError):
        tf.contrib.training.GreedyLoadBalancingStrategy(0, lambda op: 1)
    with pytest.raises(TypeError):
        tf.contrib.training.GreedyLoadBalancingStrategy(2, None)
    with pytest.raises(AttributeError, match="not supported"):
        tf.contrib.training.HParams  # noqa: B018


def test_device_also_decorates_a_function_as_tf1s():
    with tf.Graph().as_default():
        @tf.device("/cpu:0")
        def make():
            return tf.constant(1.0)

        inside, outside = make(), tf.constant(2.0)
        again = make()
    assert inside.device == again.device == "/device:CPU:0"
    assert outside.device == ""
