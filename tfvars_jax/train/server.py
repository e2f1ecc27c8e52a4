"""`tf.train.Server`: one task of a TF1 cluster, run as a JAX process.

TF1 started an in-process gRPC server per task; workers built their graphs with
`replica_device_setter`, variables lived on "ps" tasks and every worker updated them
asynchronously. In JAX's model there are only processes that compute: the compute tasks
(job "chief" or "master" first, then job "worker", in task order) are the processes of
`jax.distributed.initialize` (coordinator: the first compute task's address; CPU collectives
by gloo) and a Session with the Server's `target` runs every step as one SPMD program over
them (runtime/cluster.py). A "ps" task has nothing to compute or serve: its Server starts
nothing and `join()` returns at once, so a TF1 program's `if job_name == "ps": server.join()`
branch ends that process cleanly.
"""
import logging
import os

from tfvars_jax.runtime import cluster as cluster_lib
from tfvars_jax.train.cluster import ClusterSpec

COMPUTE_JOBS = ("chief", "master", "worker")
# Seconds to wait for every worker to join, and without a heartbeat before a worker counts
# as dead (JAX's defaults are 300 and 100; tests set them short).
INIT_TIMEOUT = float(os.environ.get("TFVARS_JAX_CLUSTER_INIT_TIMEOUT", 300))
HEARTBEAT_TIMEOUT = float(os.environ.get("TFVARS_JAX_CLUSTER_HEARTBEAT_TIMEOUT", 100))


class ServerDef:
    """What TF1's `tf.train.ServerDef` proto holds (a plain object here: no protos)."""

    def __init__(self, cluster, job_name, task_index, protocol, default_session_config):
        self.cluster = cluster
        self.job_name = job_name
        self.task_index = task_index
        self.protocol = protocol
        self.default_session_config = default_session_config

    def __repr__(self):
        return (f"ServerDef(cluster={self.cluster!r}, job_name={self.job_name!r}, "
                f"task_index={self.task_index}, protocol={self.protocol!r})")


def compute_tasks(spec):
    """The (job, task index) of JAX processes 0, 1, ...: chief/master tasks, then workers;
    a cluster of other jobs only (`create_local_server`'s "localhost") computes in each."""
    tasks = [(job, i) for job in COMPUTE_JOBS if job in spec.jobs
             for i in spec.task_indices(job)]
    if not tasks:
        tasks = [(job, i) for job in spec.jobs if job != "ps" for i in spec.task_indices(job)]
    return tasks


class Server:
    """TF1's `tf.train.Server(server_or_cluster_def, job_name=None, task_index=None,
    protocol=None, config=None, start=True)`: this process's task of a cluster.

    `server_or_cluster_def` is a `tf.train.ClusterSpec` or its dict (or a `ServerDef` from
    another Server). A worker/chief task joins the JAX processes of the cluster when started
    (`start=True` or `start()`); its `target` ("grpc://host:port") given to `tf.Session` or
    `MonitoredTrainingSession(master=...)` runs there. Differs from TF1: no gRPC server;
    "ps" tasks start nothing and `join()` returns at once (variables are replicated over the
    workers); a worker's `join()` raises (its process must run the training program); the
    Server must be created before JAX computes anything in the process; protobuf
    ClusterDef/ServerDef and `protocol` other than "grpc" raise NotImplementedError.
    """

    def __init__(self, server_or_cluster_def, job_name=None, task_index=None, protocol=None,
                 config=None, start=True):
        if isinstance(server_or_cluster_def, ServerDef):
            d = server_or_cluster_def
            spec = d.cluster
            job_name = d.job_name if job_name is None else job_name
            task_index = d.task_index if task_index is None else task_index
            protocol = d.protocol if protocol is None else protocol
            config = d.default_session_config if config is None else config
        elif isinstance(server_or_cluster_def, (ClusterSpec, dict)):
            spec = ClusterSpec(server_or_cluster_def)
        else:
            raise NotImplementedError(
                f"tf.train.Server({type(server_or_cluster_def).__name__}): tfvars_jax takes a "
                "tf.train.ClusterSpec or its dict (no ClusterDef/ServerDef protocol buffers).")
        if protocol not in (None, "grpc"):
            raise NotImplementedError(f"tf.train.Server(protocol={protocol!r}): only 'grpc' "
                                      "(the default) is accepted; JAX's distributed runtime "
                                      "carries the traffic.")
        if job_name is None:
            if len(spec.jobs) != 1:
                raise ValueError("Must specify an explicit `job_name` if the cluster has more "
                                 f"than one job; jobs: {spec.jobs}")
            job_name = spec.jobs[0]
        if job_name not in spec.jobs:
            raise ValueError(f"No such job in cluster: {job_name!r} (jobs: {spec.jobs})")
        if task_index is None:
            indices = spec.task_indices(job_name)
            if len(indices) != 1:
                raise ValueError("Must specify an explicit `task_index` if the job "
                                 f"{job_name!r} has more than one task.")
            task_index = indices[0]
        address = spec.task_address(job_name, task_index)  # ValueError for a missing task
        self._server_def = ServerDef(spec, job_name, int(task_index), protocol or "grpc", config)
        self._target = f"grpc://{address}"
        self._tasks = compute_tasks(spec)
        self._cluster = None
        if start:
            self.start()

    @property
    def server_def(self):
        """The cluster, job name, task index, protocol and default session config (a plain
        `ServerDef` object; TF1's is a protocol buffer)."""
        return self._server_def

    @property
    def target(self):
        """The Session target of this task: "grpc://" + its address (a Session made with it
        runs in the cluster)."""
        return self._target

    @property
    def is_compute_task(self):
        """Whether this task is one of the cluster's JAX processes (chief, master, worker)."""
        d = self._server_def
        return (d.job_name, d.task_index) in self._tasks

    def start(self):
        """Joins the cluster's JAX processes (waits up to TFVARS_JAX_CLUSTER_INIT_TIMEOUT
        seconds, default 300, for all of them). A second call does nothing, as in TF1. For a
        "ps" task nothing starts."""
        if self._cluster is not None or not self.is_compute_task:
            return
        d = self._server_def
        rank = self._tasks.index((d.job_name, d.task_index))
        job0, task0 = self._tasks[0]
        coordinator = d.cluster.task_address(job0, task0)
        self._cluster = cluster_lib.start(self._target, self._tasks, rank, coordinator,
                                          INIT_TIMEOUT, HEARTBEAT_TIMEOUT, d.default_session_config)

    def join(self):
        """TF1 blocks forever serving this task. A "ps" task has nothing to serve here
        (variables are replicated over the workers): returns at once, logging why. A worker
        must run its training program: join() raises RuntimeError."""
        if not self.is_compute_task:
            logging.info("tf.train.Server.join(): task /job:%s/task:%d has no work in tfvars_jax "
                         "(variables live replicated on the workers); returning.",
                         self._server_def.job_name, self._server_def.task_index)
            return
        raise RuntimeError(
            f"tf.train.Server.join() on /job:{self._server_def.job_name}/task:"
            f"{self._server_def.task_index}: a worker process runs the cluster's steps itself "
            "(JAX multi-controller); in TF1 join() would serve other workers' graphs forever. "
            "Run the training program in this process instead.")

    @staticmethod
    def create_local_server(config=None, start=True):
        """TF1's single-task server {"localhost": ["localhost:<port>"]}: its target runs a
        Session in this process alone."""
        import socket
        with socket.socket() as s:
            s.bind(("localhost", 0))
            port = s.getsockname()[1]
        return Server({"localhost": [f"localhost:{port}"]}, job_name="localhost", task_index=0,
                      config=config, start=start)
